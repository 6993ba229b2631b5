"""Forms on the legacy API: which drafts it can carry and the `LegacySendRequest` they become.

The legacy API (`provider.legacy`: GET, JSON, XML) tries its channels by priority, one
priority field per channel (send_viber=1, send_sms=2: Viber first, then SMS). A draft maps
onto it like this:

- Channels: SMS and Viber. VK is a legacy channel too, but there it is sent only through
  a template approved on the platform (templateId + templateData), and the bot's forms
  have free text, not template ids: VK is left out rather than sent wrong.
- A cascade: its steps in order get priorities 1, 2, ...; a channel can appear once.
  "Go on to SMS unless Viber was READ" becomes finale_viber_read=1; DELIVERED is the
  API's own rule (the next channel starts when one was not delivered).
- legacy-get: single messages only. GET answers a state request with the overall state
  alone, so the bot could not tell which channel of a cascade delivered.
- Lifetimes: Viber's in whole minutes (validity_period_viber); SMS has none on this API.
- No delivery windows (schedule): the API has only a send time.

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

from bot.sending.drafts import Draft, StepDraft
from bot.settings import ProviderApi
from provider.channels import CHANNEL_RULES, MINUTE, CascadeState, MessageType
from provider.legacy import LegacySendRequest

LEGACY_CHANNELS: tuple[MessageType, ...] = (MessageType.SMS, MessageType.VIBER)
"""What the bot sends over the legacy API (VK needs a template id: see the module doc)."""


class LegacyFit(StrEnum):
    """Why a draft does not fit the legacy API; ``rule-legacy-...`` in the catalogs."""

    CHANNEL = "legacy_channel"
    REPEATED_CHANNEL = "legacy_repeated_channel"
    GET_CASCADE = "legacy_get_cascade"
    SCHEDULE = "legacy_schedule"
    SMS_LIFETIME = "legacy_sms_lifetime"
    VIBER_LIFETIME = "legacy_viber_lifetime"


_MESSAGES = {
    LegacyFit.CHANNEL: "this account's API ({api}) has no {channel}; it sends {channels}",
    LegacyFit.REPEATED_CHANNEL: "the {api} API tries each channel once; {channel} is in "
    "the chain twice",
    LegacyFit.GET_CASCADE: "over {api} the platform reports only a message's overall "
    "state, so a cascade could not be followed; send one channel",
    LegacyFit.SCHEDULE: "the {api} API has no delivery windows; clear the schedule",
    LegacyFit.SMS_LIFETIME: "the {api} API has no SMS lifetime; choose the account default",
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
    if api is ProviderApi.LEGACY_GET and len(channels) > 1:
        return Refusal(LegacyFit.GET_CASCADE, names, 1)
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
    recipient = {"phone": draft.phone or "", "client_id_message": client_id}
    return LegacySendRequest.model_validate({**fields, "phones": [recipient]})


def _channel_fields(step: StepDraft, priority: int) -> dict[str, object]:
    if step.channel is MessageType.SMS:
        return {"send_sms": priority, "text_sms": step.text, "sender_sms": step.sender}
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
    """Steps with the lifetimes the legacy API cannot carry left to the platform.

    The cascade presets give SMS a one-hour lifetime; on this API SMS has none.
    """
    return [
        step.model_copy(update={"ttl_seconds": None}) if step.channel is MessageType.SMS else step
        for step in steps
    ]
