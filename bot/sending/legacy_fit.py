"""Forms on the legacy API: which drafts it can carry and the `LegacySendRequest` they become.

The legacy API (`provider.legacy`: GET, JSON, XML) tries its channels by priority, one
priority field per channel (send_viber=1, send_sms=2: Viber first, then SMS). A draft maps
onto it like this:

- Channels: SMS, Viber and VK. VK goes only by a template approved on the platform
  (templateId + templateData, seed 003, lines 27-32): the form asks for those, and the
  API has no VK text.
- A cascade: its steps in order get priorities 1, 2, ...; a channel can appear once.
  "Go on to SMS unless Viber was READ" becomes finale_viber_read=1; DELIVERED is the
  API's own rule (the next channel starts when one was not delivered). Any transport
  carries one, GET included (the page's own GET example is Viber > VK > SMS, lines 7, 33);
  over GET a state answer is the overall state alone, which the card says.
- Lifetimes: Viber's is validity_period_viber, in minutes (line 25: "Указывается в
  минутах"), so a lifetime of 30 s cannot be written; SMS and VK have none on this API.
- No delivery windows (schedule): the API has a send time (time_send) and a delivery
  name (name_delivery) instead, over JSON and XML only (lines 73-74; GET's list, lines
  9-32, has neither).

The REST API's rules are not laid on a legacy send: its request is built from the draft
directly, with the legacy API's own rules (`provider.legacy`).

Every refusal is a `Refusal`: the handlers show it before anything is stored, and
`to_legacy_request` raises it as a pydantic ValidationError, so the form card lists it like
any other broken rule (translated by its ``rule-...`` key).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from bot.sending.drafts import Draft, DraftKind, LegacyDraft, StepDraft
from bot.settings import ProviderApi
from provider.channels import CHANNEL_RULES, MINUTE, CascadeState, MessageType
from provider.legacy import LegacyChannel, LegacySendRequest
from provider.legacy.rules import TIME_SEND_FORMAT

LEGACY_CHANNELS: tuple[MessageType, ...] = (MessageType.SMS, MessageType.VIBER, MessageType.VK)
"""What the bot sends over the legacy API (VK by its template: see the module doc)."""

_TRANSPORTS: dict[ProviderApi, str] = {
    ProviderApi.LEGACY_GET: "get",
    ProviderApi.LEGACY_JSON: "json",
    ProviderApi.LEGACY_XML: "xml",
}

CHAIN_STEP = "CHAIN"
"""The step a legacy cascade's overall state is recorded on when the platform says no more
(GET: its state answer is the overall state alone, seed 003, lines 44-56; an error text in
place of a state is about the whole message). Not a message type: the card shows it as
the chain's end."""

_WITHOUT_LIFETIME = (MessageType.SMS, MessageType.VK)
"""Channels that have no lifetime field on the legacy API."""


class LegacyFit(StrEnum):
    """Why a draft does not fit the legacy API; ``rule-legacy-...`` in the catalogs."""

    CHANNEL = "legacy_channel"
    REPEATED_CHANNEL = "legacy_repeated_channel"
    SCHEDULE = "legacy_schedule"
    SMS_LIFETIME = "legacy_sms_lifetime"
    VK_LIFETIME = "legacy_vk_lifetime"
    VIBER_LIFETIME = "legacy_viber_lifetime"


_MESSAGES = {
    LegacyFit.CHANNEL: "this account's API ({api}) has no {channel}; it sends {channels}",
    LegacyFit.REPEATED_CHANNEL: "the {api} API tries each channel once; {channel} is in "
    "the chain twice",
    LegacyFit.SCHEDULE: "the {api} API has no delivery windows; clear the schedule",
    LegacyFit.SMS_LIFETIME: "the {api} API has no SMS lifetime; choose the account default",
    LegacyFit.VK_LIFETIME: "the {api} API has no VK lifetime; choose the account default",
    LegacyFit.VIBER_LIFETIME: "the {api} API takes the Viber lifetime in whole minutes; "
    "it is {seconds} s",
}


@dataclass(frozen=True, slots=True)
class Refusal:
    fit: LegacyFit
    params: dict[str, str] = field(default_factory=dict)
    step: int | None = None
    """Index of the offending step, None for the draft as a whole."""

    @property
    def key(self) -> str:
        """The catalog message that explains it (parameters: `params`)."""
        return "rule-" + self.fit.value.replace("_", "-")

    def error(self) -> InitErrorDetails:
        loc: tuple[str | int, ...] = ("steps", self.step) if self.step is not None else ()
        return InitErrorDetails(
            type=PydanticCustomError(self.fit.value, _MESSAGES[self.fit], dict(self.params)),
            loc=loc,
            input=self.fit.value,
        )


def _label(channel: MessageType) -> str:
    return CHANNEL_RULES[channel].label


def chain_refusal(api: ProviderApi, channels: Sequence[MessageType]) -> Refusal | None:
    """Why a chain of these channels cannot go over this legacy API; None if it can."""
    names = {"api": api.value}
    for index, channel in enumerate(channels):
        if channel not in LEGACY_CHANNELS:
            supported = ", ".join(_label(c) for c in LEGACY_CHANNELS)
            params = {**names, "channel": _label(channel), "channels": supported}
            return Refusal(LegacyFit.CHANNEL, params, index)
        if channel in channels[:index]:
            return Refusal(LegacyFit.REPEATED_CHANNEL, {**names, "channel": _label(channel)}, index)
    return None


def draft_refusals(draft: Draft, api: ProviderApi) -> list[Refusal]:
    """Everything in the draft the legacy API cannot carry (empty: it fits)."""
    names = {"api": api.value}
    chain = chain_refusal(api, [step.channel for step in draft.steps])
    refusals = [] if chain is None else [chain]
    if not draft.schedule.empty:
        refusals.append(Refusal(LegacyFit.SCHEDULE, names))
    for index, step in enumerate(draft.steps):
        if step.ttl_seconds is None:
            continue
        if step.channel is MessageType.SMS:
            refusals.append(Refusal(LegacyFit.SMS_LIFETIME, names, index))
        elif step.channel is MessageType.VK:
            refusals.append(Refusal(LegacyFit.VK_LIFETIME, names, index))
        elif step.channel is MessageType.VIBER and step.ttl_seconds % MINUTE:
            params = {**names, "seconds": str(step.ttl_seconds)}
            refusals.append(Refusal(LegacyFit.VIBER_LIFETIME, params, index))
    return refusals


def to_legacy_request(
    draft: Draft, *, api: ProviderApi, client_id: str | None = None
) -> LegacySendRequest:
    """The legacy request of a draft, to its one phone with `client_id` as client_id_message.

    Raises pydantic's ValidationError naming every problem: first what the API cannot
    carry at all (`draft_refusals`), then the API's own rules (`provider.legacy`).
    """
    refusals = draft_refusals(draft, api)
    if refusals:
        raise ValidationError.from_exception_data("Draft", [r.error() for r in refusals])
    fields: dict[str, object] = {}
    for priority, step in enumerate(draft.steps, start=1):
        fields.update(_channel_fields(step, priority))
        previous = draft.steps[priority - 2].channel if priority > 1 else None
        if previous is MessageType.VIBER and step.resend_if_not is CascadeState.READ:
            fields["finale_viber_read"] = True
    fields["time_send"] = draft.legacy.time_send
    fields["name_delivery"] = draft.legacy.name_delivery
    recipient = {"phone": draft.phone or "", "client_id_message": client_id}
    request = LegacySendRequest.model_validate({**fields, "phones": [recipient]})
    # GET carries neither a send time nor a delivery name (seed 003, lines 9-32).
    request.check_transport(_TRANSPORTS[api])
    return request


def _channel_fields(step: StepDraft, priority: int) -> dict[str, object]:
    if step.channel is MessageType.SMS:
        return {"send_sms": priority, "text_sms": step.text, "sender_sms": step.sender}
    if step.channel is MessageType.VK:
        return {
            "send_vk": priority,
            "templateId": step.template_id,
            "templateData": step.template_data,
        }
    return {
        "send_viber": priority,
        "text_viber": step.text,
        "sender_viber": step.sender,
        "image_url": step.image_url,
        "button_text": step.button_caption,
        "button_url": step.button_action,
        "validity_period_viber": step.ttl_seconds // MINUTE if step.ttl_seconds else None,
    }


def fitted_steps(steps: Sequence[StepDraft]) -> list[StepDraft]:
    """Steps with what the legacy API cannot carry left out: the lifetimes it has no field
    for (the cascade presets give SMS one hour; on this API SMS and VK have none), and a
    VK step's text (VK goes by its template alone)."""
    return [
        step.model_copy(
            update={
                "ttl_seconds": None,
                "text": None if step.channel is MessageType.VK else step.text,
            }
        )
        if step.channel in _WITHOUT_LIFETIME
        else step
        for step in steps
    ]


def legacy_request_body(request: LegacySendRequest) -> dict[str, object]:
    """The request as stored and shown: JSON, as its fields read back (time_send too)."""
    body = request.model_dump(mode="json", by_alias=True, exclude_none=True)
    if request.time_send is not None:
        body["time_send"] = request.time_send.strftime(TIME_SEND_FORMAT)
    return body


def draft_from_legacy(request: LegacySendRequest, account: str, kind: DraftKind) -> Draft:
    """The form of a legacy request the bot sent ("send again"): `to_legacy_request`
    read backwards."""
    steps = []
    previous: LegacyChannel | None = None
    for channel in request.channels():
        step = _legacy_step(request, channel)
        if previous is not None:
            read = previous is LegacyChannel.VIBER and bool(request.finale_viber_read)
            step = step.model_copy(
                update={"resend_if_not": CascadeState.READ if read else CascadeState.DELIVERED}
            )
        steps.append(step)
        previous = channel
    time_send = request.time_send.strftime(TIME_SEND_FORMAT) if request.time_send else None
    return Draft(
        kind=kind,
        account=account,
        phone=request.phones[0].phone,
        steps=steps,
        legacy=LegacyDraft(time_send=time_send, name_delivery=request.name_delivery),
    )


def _legacy_step(request: LegacySendRequest, channel: LegacyChannel) -> StepDraft:
    match channel:
        case LegacyChannel.SMS:
            return StepDraft(
                channel=MessageType.SMS, text=request.text_sms, sender=request.sender_sms
            )
        case LegacyChannel.VK:
            return StepDraft(
                channel=MessageType.VK,
                template_id=request.template_id,
                template_data=request.template_data,
            )
        case LegacyChannel.VIBER:
            minutes = request.validity_period_viber
            return StepDraft(
                channel=MessageType.VIBER,
                text=request.text_viber,
                sender=request.sender_viber,
                image_url=request.image_url,
                button_caption=request.button_text,
                button_action=request.button_url,
                ttl_seconds=minutes * MINUTE if minutes else None,
            )
