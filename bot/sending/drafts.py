"""The form an operator fills in: a `Draft`, kept in FSM data, turned into a request at the end.

A draft is plain data (JSON in FSM storage, so a restart keeps it). Building the platform
request runs every rule of `provider`; the violations come back to the operator in words.
What the operator typed goes into the request as it is: every field the form card shows
is in the request, and a form whose fields cannot all go into one message (a WhatsApp
text and picture) says so instead of dropping one.
"""

from __future__ import annotations

import secrets
from typing import Literal

from pydantic import BaseModel, Field, JsonValue

from provider.channels import CHANNEL_RULES, CascadeState, MessageType, TtlUnit
from provider.messages import (
    ButtonContent,
    ButtonContentData,
    FlashingCallData,
    FlashingCallMessage,
    ImageContent,
    ImageContentData,
    Message,
    PushData,
    PushMessage,
    SmsData,
    SmsMessage,
    TelegramData,
    TelegramMessage,
    TextContent,
    TextContentData,
    ViberData,
    ViberMessage,
    VkData,
    VkMessage,
    WhatsAppData,
    WhatsAppMessage,
    one_content_only,
)
from provider.phone import PhoneDoubt, PhoneNumber
from provider.request import CascadeStep, ScheduleInfo, SendRequest

DraftKind = Literal["send", "sms", "flashcall", "voicecode", "cascade"]


def new_form_id() -> str:
    """An opaque id for one form: buttons carry it, so a stale card cannot act on a new form."""
    return secrets.token_urlsafe(6)


def ttl_fields(seconds: int | None) -> tuple[int | None, TtlUnit | None]:
    """A lifetime in the unit that reads best on the wire (minutes need no unit)."""
    if seconds is None:
        return None, None
    if seconds % 3600 == 0 and seconds >= 3600:
        return seconds // 3600, TtlUnit.HOURS
    if seconds % 60 == 0:
        return seconds // 60, None
    return seconds, TtlUnit.SECONDS


class StepDraft(BaseModel):
    """One message (a step of a cascade, or the only one)."""

    channel: MessageType
    text: str | None = None
    sender: str | None = None
    title: str | None = None
    """Push."""
    external_user_id: str | None = None
    """Push: the app's user it goes to (externalUserId), in place of a phone."""
    extra_options: list[dict[str, JsonValue]] | None = None
    """Push: extraOptions, ``{"param_name": ..., "param_value": ...}`` each."""
    template_id: int | None = None
    template_data: dict[str, str | int | float] | None = None
    """VK over the legacy API, which sends VK only by an approved template (seed 003)."""
    link: str | None = None
    """Telegram."""
    image_url: str | None = None
    """Viber, WhatsApp."""
    button_caption: str | None = None
    button_action: str | None = None
    """Viber."""
    ttl_seconds: int | None = None
    resend_if_not: CascadeState | None = None
    """For every step but the first: go on to it if the previous one missed this status."""

    @property
    def label(self) -> str:
        return CHANNEL_RULES[self.channel].label

    def to_message(self, loc: tuple[str | int, ...] = ("message", "data")) -> Message:
        """The step as the platform's message; `loc` locates it in the request for a
        violation found here (text and picture where only one fits)."""
        ttl, unit = ttl_fields(self.ttl_seconds)
        lifetime = {"ttl": ttl, "ttl_unit": unit}
        text = self.text or ""
        match self.channel:
            case MessageType.SMS:
                return SmsMessage(data=SmsData(text=text, service_number=self.sender, **lifetime))
            case MessageType.VK:
                return VkMessage(data=VkData(text=text, service_number=self.sender, **lifetime))
            case MessageType.PUSH:
                return PushMessage(
                    data=PushData.model_validate(
                        {
                            "text": text,
                            "title": self.title,
                            "serviceNumber": self.sender,
                            "externalUserId": self.external_user_id,
                            "extraOptions": self.extra_options,
                            **lifetime,
                        }
                    )
                )
            case MessageType.TELEGRAM:
                return TelegramMessage(
                    data=TelegramData(
                        text=text, link=self.link, service_number=self.sender, **lifetime
                    )
                )
            case MessageType.FLASHINGCALL:
                return FlashingCallMessage(data=FlashingCallData(text=text, **lifetime))
            case MessageType.VIBER:
                return ViberMessage(
                    data=ViberData(
                        instant_content=self._viber_content(loc),
                        service_number=self.sender,
                        **lifetime,
                    )
                )
            case MessageType.WHATSAPP:
                if self.image_url and self.text:
                    raise one_content_only(MessageType.WHATSAPP, loc)
                content: TextContent | ImageContent = (
                    ImageContent(data=ImageContentData(image_url=self.image_url))
                    if self.image_url
                    else TextContent(data=TextContentData(text=text))
                )
                return WhatsAppMessage(
                    data=WhatsAppData(
                        instant_content=content, service_number=self.sender, **lifetime
                    )
                )

    def _viber_content(
        self, loc: tuple[str | int, ...]
    ) -> TextContent | ImageContent | ButtonContent:
        if self.button_caption or self.button_action:
            return ButtonContent(
                data=ButtonContentData(
                    text=self.text or "",
                    caption=self.button_caption or "",
                    action=self.button_action or "",
                    image_url=self.image_url,
                )
            )
        if self.image_url and self.text:
            raise one_content_only(MessageType.VIBER, loc)
        if self.image_url:
            return ImageContent(data=ImageContentData(image_url=self.image_url))
        return TextContent(data=TextContentData(text=self.text or ""))


class LegacyDraft(BaseModel):
    """What only the legacy API's JSON and XML sends carry (seed 003, lines 73-74)."""

    time_send: str | None = None
    """``YYYY-MM-DD hh:mm`` in the platform's time; None: now."""
    name_delivery: str | None = None
    """The delivery's (campaign's) name; None: the platform's default."""

    @property
    def empty(self) -> bool:
        return self.time_send is None and self.name_delivery is None


class ScheduleDraft(BaseModel):
    time_begin: str | None = None
    time_end: str | None = None
    weekdays: str | None = None
    deadline: str | None = None
    subscriber_time_zone: bool = False

    @property
    def empty(self) -> bool:
        return not (self.time_begin or self.time_end or self.weekdays or self.deadline)


class Draft(BaseModel):
    form_id: str = Field(default_factory=new_form_id)
    kind: DraftKind
    account: str
    phone: str | None = None
    phone_doubts: list[PhoneDoubt] = Field(default_factory=list)
    """Why the number as read may not be the one meant (another country, a digit lost):
    the card asks, and nothing is sent until the operator confirms it."""
    steps: list[StepDraft]
    schedule: ScheduleDraft = Field(default_factory=ScheduleDraft)
    legacy: LegacyDraft = Field(default_factory=LegacyDraft)
    show_json: bool = False
    version: int = 0
    """Which drawing of the form card this is: each drawing carries the next one on its
    buttons, so a press on a card showing an older version acts on nothing."""
    card_message_id: int | None = None
    """The message that shows the form card (one per form, edited in place); before the
    card, the flow's question whose buttons are live (a new form takes them off)."""
    author: int = 0
    """The Telegram user whose form it is: in a group, another member's press on its
    buttons is told whose form it is (0: not known)."""

    @property
    def first(self) -> StepDraft:
        return self.steps[0]

    @property
    def channels_label(self) -> str:
        return " → ".join(step.label for step in self.steps)

    @property
    def app_user(self) -> str | None:
        """The app user a Push draft goes to in place of a phone (externalUserId)."""
        return self.first.external_user_id if self.first.channel is MessageType.PUSH else None

    def with_phone(self, phone: PhoneNumber) -> Draft:
        return self.model_copy(update={"phone": phone.digits, "phone_doubts": list(phone.doubts)})

    def to_request(
        self, *, partner_id: str | None = None, notify_url: str | None = None
    ) -> SendRequest:
        """The platform request; raises pydantic's ValidationError naming every broken rule."""
        steps = [
            CascadeStep(step.to_message(_step_loc(index)), step.resend_if_not)
            for index, step in enumerate(self.steps)
        ]
        schedule = None
        if not self.schedule.empty:
            schedule = ScheduleInfo.model_validate(
                {
                    "timeBegin": self.schedule.time_begin,
                    "timeEnd": self.schedule.time_end,
                    "weekdaysSchedule": self.schedule.weekdays,
                    "deadline": self.schedule.deadline,
                }
            )
        return SendRequest.from_steps(
            # No phone: destAddr is left out, which only a Push to an app user may do.
            self.phone,
            [CascadeStep(s.message, s.resend_if_not if i else None) for i, s in enumerate(steps)],
            id=partner_id,
            notify_url=notify_url,
            schedule_info=schedule,
            use_time_diff=True if self.schedule.subscriber_time_zone else None,
        )


def _step_loc(index: int) -> tuple[str, ...]:
    """Where step `index`'s data is in the request: message, then the nextLink chain."""
    if not index:
        return ("message", "data")
    return ("cascadeChainLink", *("nextLink",) * (index - 1), "message", "data")


def content_from_text(step: StepDraft, text: str) -> StepDraft:
    """The step with what the operator typed as its content: a Push's first line is its
    title when more lines follow; a lone link is a Viber or WhatsApp picture."""
    match step.channel:
        case MessageType.PUSH:
            title, _, body = text.partition("\n")
            return step.model_copy(
                update={"title": title.strip() if body else None, "text": (body or title).strip()}
            )
        case MessageType.VIBER | MessageType.WHATSAPP if _looks_like_url(text):
            return step.model_copy(update={"image_url": text.strip()})
        case _:
            return step.model_copy(update={"text": text})


def _looks_like_url(text: str) -> bool:
    stripped = text.strip()
    return " " not in stripped and stripped.lower().startswith(("http://", "https://"))


def step_from_message(message: Message) -> StepDraft:
    """The form fields of a message the bot sent before (for "send again")."""
    data = message.data
    ttl_seconds = data.ttl_seconds()
    fields: dict[str, object] = {"channel": MessageType(message.type), "ttl_seconds": ttl_seconds}
    if isinstance(message, ViberMessage | WhatsAppMessage):
        content = message.data.instant_content
        if isinstance(content, TextContent):
            fields["text"] = content.data.text
        elif isinstance(content, ImageContent):
            fields["image_url"] = content.data.image_url
        else:
            fields.update(
                text=content.data.text,
                button_caption=content.data.caption,
                button_action=content.data.action,
                image_url=content.data.image_url,
            )
        fields["sender"] = message.data.service_number
        return StepDraft.model_validate(fields)
    fields["text"] = getattr(data, "text", None)
    fields["sender"] = getattr(data, "service_number", None)
    fields["title"] = getattr(data, "title", None)
    fields["link"] = getattr(data, "link", None)
    if isinstance(data, PushData):
        fields["external_user_id"] = data.external_user_id
        if data.extra_options:
            fields["extra_options"] = [option.model_dump() for option in data.extra_options]
    return StepDraft.model_validate(fields)


def draft_from_request(request: SendRequest, account: str, kind: DraftKind) -> Draft:
    steps = [
        step_from_message(step.message).model_copy(update={"resend_if_not": step.resend_if_not})
        for step in request.steps()
    ]
    return Draft(kind=kind, account=account, phone=request.dest_addr, steps=steps)
