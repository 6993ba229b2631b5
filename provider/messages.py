"""`message` objects of the REST v6 API: one model per type, with the type's rules."""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal, Self
from urllib.parse import urlsplit

from pydantic import Discriminator, Field, JsonValue, Tag, ValidationError, model_validator

from provider._base import WireModel
from provider.channels import (
    ACTION_URL_LIMIT,
    ACTION_URL_SCHEMES,
    CHANNEL_RULES,
    DEFAULT_TTL_UNIT,
    FLASHCALL_CODE_LENGTHS,
    INSTANT_TEXT_LIMIT,
    PUSH_ACTION_LIMIT,
    PUSH_ACTION_OPTIONS_LIMIT,
    PUSH_ACTION_TITLE_LIMIT,
    PUSH_CONTENT_URL_LIMIT,
    PUSH_LIST_OPTIONS,
    PUSH_OBJECT_OPTIONS,
    PUSH_TITLE_LIMIT,
    TELEGRAM_LINK_LIMIT,
    TELEGRAM_LINK_SCHEMES,
    VIBER_CAPTION_LIMIT,
    VOICE_CODE_LENGTH,
    ChannelRules,
    MessageType,
    TtlUnit,
)
from provider.violations import Rule, rule_error, violation


def describe_seconds(seconds: int) -> str:
    """A lifetime in the largest unit that divides it: ``90 s``, ``5 min``, ``24 h``."""
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def check_text(label: str, field: str, text: str, limit: int | None) -> None:
    """Not blank, and at most `limit` characters (None: the page states no limit)."""
    if not text.strip():
        raise rule_error(
            Rule.EMPTY_TEXT, "{channel} {field} is empty", at=field, channel=label, field=field
        )
    if limit is not None and len(text) > limit:
        raise rule_error(
            Rule.TEXT_TOO_LONG,
            "{channel} {field} is {length} characters long; the limit is {limit}",
            at=field,
            channel=label,
            field=field,
            length=len(text),
            limit=limit,
        )


def check_length(at: str, label: str, value: str | None, limit: int) -> None:
    if value is not None and len(value) > limit:
        raise rule_error(
            Rule.LENGTH,
            "{what} is {length} characters long; the limit is {limit}",
            at=at,
            what=label,
            length=len(value),
            limit=limit,
        )


def check_url(
    at: str,
    label: str,
    value: str,
    schemes: tuple[str, ...],
    rule: Rule,
    *,
    host: bool = False,
) -> None:
    """`value` starts with one of `schemes` (and, with `host`, names a host after it)."""
    if not value.lower().startswith(schemes) or (host and not urlsplit(value).netloc):
        raise rule_error(
            rule,
            "{what} must start with {schemes}",
            at=at,
            what=label,
            schemes=", ".join(schemes),
        )


class _Lifetime(WireModel):
    """`ttl` + `ttlUnit`; the range depends on the channel."""

    channel: ClassVar[MessageType]

    ttl: int | None = None
    ttl_unit: TtlUnit | None = None

    @property
    def rules(self) -> ChannelRules:
        return CHANNEL_RULES[self.channel]

    def ttl_seconds(self) -> int | None:
        """The lifetime in seconds; None means the account's default (ttl absent or 0)."""
        if not self.ttl:
            return None
        return self.ttl * (self.ttl_unit or DEFAULT_TTL_UNIT).seconds

    @model_validator(mode="after")
    def _check_lifetime(self) -> Self:
        # Besides the words, each error carries its lifetimes in seconds (min_seconds,
        # max_seconds, given_seconds), so that a client can word them in its language.
        rules = self.rules
        if self.ttl_unit is not None and self.ttl is None:
            raise rule_error(Rule.TTL_UNIT_WITHOUT_TTL, "ttlUnit is given without ttl", at="ttl")
        seconds = self.ttl_seconds()
        if seconds is None:
            return self
        unit = self.ttl_unit or DEFAULT_TTL_UNIT
        given = f"{self.ttl} {unit.value.lower()}"
        if unit is not TtlUnit.SECONDS:
            given += f" ({describe_seconds(seconds)})"
        if not rules.ttl_min <= seconds <= rules.ttl_max:
            raise rule_error(
                Rule.TTL_OUT_OF_RANGE,
                "ttl cannot be negative"
                if seconds < 0
                else "{channel} lifetime must be from {min} to {max}; got {given}",
                at="ttl",
                channel=rules.label,
                min=describe_seconds(rules.ttl_min),
                max=describe_seconds(rules.ttl_max),
                given=given,
                min_seconds=rules.ttl_min,
                max_seconds=rules.ttl_max,
                given_seconds=seconds,
            )
        if seconds % rules.ttl_step:
            raise rule_error(
                Rule.TTL_NOT_WHOLE_DAYS,
                "{channel} lifetime must be whole days (1440, 2880, ... minutes); got {given}",
                at="ttl",
                channel=rules.label,
                given=given,
                given_seconds=seconds,
            )
        return self


class _Sender(WireModel):
    channel: ClassVar[MessageType]

    service_number: str | None = None

    @model_validator(mode="after")
    def _check_sender(self) -> Self:
        rules = CHANNEL_RULES[self.channel]
        if rules.sender_required and not self.service_number:
            raise rule_error(
                Rule.SENDER_REQUIRED,
                "{channel} needs a sender name (serviceNumber)",
                at="serviceNumber",
                channel=rules.label,
            )
        return self


class _Text(WireModel):
    channel: ClassVar[MessageType]

    text: str

    @model_validator(mode="after")
    def _check_text(self) -> Self:
        rules = CHANNEL_RULES[self.channel]
        check_text(rules.label, "text", self.text, rules.text_limit)
        return self


# --- instant content (Viber, WhatsApp) -------------------------------------------------


class TextContentData(WireModel):
    text: str

    @model_validator(mode="after")
    def _check(self) -> Self:
        check_text("Message", "text", self.text, INSTANT_TEXT_LIMIT)
        return self


def check_image(at: str, value: str | None) -> None:
    # The pages state no form for an image's address (no scheme, no length): only that
    # an image message has one.
    if value is not None and not value.strip():
        raise rule_error(
            Rule.EMPTY_TEXT, "{channel} {field} is empty", at=at, channel="Image", field=at
        )


class ImageContentData(WireModel):
    image_url: str = Field(alias="imageURL")

    @model_validator(mode="after")
    def _check(self) -> Self:
        check_image("imageURL", self.image_url)
        return self


class ButtonContentData(WireModel):
    text: str
    caption: str
    action: str
    image_url: str | None = Field(default=None, alias="imageURL")

    @model_validator(mode="after")
    def _check(self) -> Self:
        check_text("Viber", "text", self.text, INSTANT_TEXT_LIMIT)
        if not self.caption.strip() or len(self.caption) > VIBER_CAPTION_LIMIT:
            raise rule_error(
                Rule.CAPTION,
                "the button caption must be 1 to {limit} characters; it is {length}",
                at="caption",
                limit=VIBER_CAPTION_LIMIT,
                length=len(self.caption.strip()),
            )
        check_length("action", "The button action", self.action, ACTION_URL_LIMIT)
        check_url("action", "The button action", self.action, ACTION_URL_SCHEMES, Rule.ACTION_URL)
        check_image("imageURL", self.image_url)
        return self


class TextContent(WireModel):
    type: Literal["TEXT"] = "TEXT"
    data: TextContentData


class ImageContent(WireModel):
    type: Literal["IMAGE_URL"] = "IMAGE_URL"
    data: ImageContentData


class ButtonContent(WireModel):
    type: Literal["BUTTON"] = "BUTTON"
    data: ButtonContentData


ViberContent = Annotated[TextContent | ImageContent | ButtonContent, Field(discriminator="type")]
WhatsAppContent = Annotated[TextContent | ImageContent, Field(discriminator="type")]


def one_content_only(channel: MessageType, loc: tuple[str | int, ...]) -> ValidationError:
    """instantContent is a text or a picture (WhatsApp; Viber, unless it is a button that
    carries both): a form holding both cannot become one message, and must not quietly
    lose one of them."""
    label = CHANNEL_RULES[channel].label
    error = rule_error(
        Rule.CONTENT_CHOICE,
        "{channel} sends a text or a picture, not both"
        + (" (a button carries both)" if channel is MessageType.VIBER else ""),
        at="instantContent",
        channel=label,
    )
    return violation("instantContent", loc, error)


# --- data of each message type ---------------------------------------------------------


class SmsData(_Text, _Sender, _Lifetime):
    channel: ClassVar[MessageType] = MessageType.SMS


class ViberData(_Sender, _Lifetime):
    channel: ClassVar[MessageType] = MessageType.VIBER
    instant_content: ViberContent


class VkData(_Text, _Sender, _Lifetime):
    channel: ClassVar[MessageType] = MessageType.VK


class PushAction(WireModel):
    title: str
    action: str
    options: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        check_length("title", "A push action title", self.title, PUSH_ACTION_TITLE_LIMIT)
        check_length("action", "A push action", self.action, PUSH_ACTION_LIMIT)
        check_length("options", "A push action's options", self.options, PUSH_ACTION_OPTIONS_LIMIT)
        return self


class PushContent(WireModel):
    content_category: Literal["IMAGE", "HTML"] | None = None
    content_url: str | None = None
    actions: list[PushAction] | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        check_length("contentUrl", "contentUrl", self.content_url, PUSH_CONTENT_URL_LIMIT)
        return self


class _ExtraOption(WireModel):
    # These objects alone keep snake_case on the wire.
    model_config = WireModel.model_config | {"alias_generator": None}

    param_name: str


class StringExtraOption(_ExtraOption):
    param_value: str


class ObjectExtraOption(_ExtraOption):
    """RICH, LIVE_ACTIVITY, SECURE: the value is an object."""

    param_value: dict[str, JsonValue]


class ListExtraOption(_ExtraOption):
    """SENDING_PLATFORMS: the value is a list."""

    param_value: list[JsonValue]


def _extra_option_kind(value: Any) -> str:
    name = value.get("param_name") if isinstance(value, dict) else getattr(value, "param_name", "")
    if name in PUSH_OBJECT_OPTIONS:
        return "OBJECT"
    if name in PUSH_LIST_OPTIONS:
        return "LIST"
    return "STRING"


# Upper-case tags: `provider.violations` leaves them out of a violation's field path.
PushExtraOption = Annotated[
    Annotated[ObjectExtraOption, Tag("OBJECT")]
    | Annotated[ListExtraOption, Tag("LIST")]
    | Annotated[StringExtraOption, Tag("STRING")],
    Discriminator(_extra_option_kind),
]
"""One `extraOptions` entry; the type of `param_value` depends on `param_name`."""


class PushData(_Text, _Sender, _Lifetime):
    channel: ClassVar[MessageType] = MessageType.PUSH
    title: str | None = None
    external_user_id: str | None = None
    primary_on: bool | None = None
    content: PushContent | None = None
    device_subscriptions: list[JsonValue] | None = None
    custom_payload: dict[str, JsonValue] | None = None
    callback_data: str | None = None
    extra_options: list[PushExtraOption] | None = None

    @model_validator(mode="after")
    def _check_title(self) -> Self:
        check_length("title", "The push title", self.title, PUSH_TITLE_LIMIT)
        return self


class TelegramData(_Text, _Sender, _Lifetime):
    channel: ClassVar[MessageType] = MessageType.TELEGRAM
    link: str | None = None

    @model_validator(mode="after")
    def _check_link(self) -> Self:
        if self.link is None:
            return self
        if not self.link.strip():
            raise rule_error(
                Rule.EMPTY_TEXT,
                "{channel} {field} is empty",
                at="link",
                channel="Telegram",
                field="link",
            )
        check_length("link", "The Telegram link", self.link, TELEGRAM_LINK_LIMIT)
        check_url(
            "link",
            "The Telegram link",
            self.link,
            TELEGRAM_LINK_SCHEMES,
            Rule.ACTION_URL,
            host=True,
        )
        return self


class WhatsAppData(_Sender, _Lifetime):
    channel: ClassVar[MessageType] = MessageType.WHATSAPP
    instant_content: WhatsAppContent


_DIGIT_RUN = re.compile(r"[0-9]+")


def flashcall_code(text: str) -> str | None:
    """The code a FlashingCall's text carries, or None when it names no one code.

    The subscriber is called from a number whose last digits are the code written in the
    text; the text may say more, the code is four or six digits (seed 004, lines 51,
    60-61). We take the code to be the text's one run of 4 or 6 digits standing alone
    ("Ваш код 2268" -> 2268; other numbers of other lengths may stand beside it). Two
    such runs name no one code, and a run of 5 or 7 digits is no code either.
    """
    runs = [run for run in _DIGIT_RUN.findall(text) if len(run) in FLASHCALL_CODE_LENGTHS]
    return runs[0] if len(runs) == 1 else None


class FlashingCallData(_Text, _Lifetime):
    """A text of up to 2000 characters that contains the code; no sender (the call comes
    from the platform's number range)."""

    channel: ClassVar[MessageType] = MessageType.FLASHINGCALL

    @property
    def code(self) -> str:
        """The code the subscriber sees as the caller's last digits (show it big)."""
        return flashcall_code(self.text) or ""

    @model_validator(mode="after")
    def _check_code(self) -> Self:
        if flashcall_code(self.text) is None:
            raise rule_error(
                Rule.FLASHCALL_CODE,
                "FlashingCall text must contain the code, once: {lengths} digits in a row",
                at="text",
                lengths=" or ".join(str(n) for n in FLASHCALL_CODE_LENGTHS),
            )
        return self


class VoiceCodeData(FlashingCallData):
    """A VoiceCode: on the wire a FLASHINGCALL (seed 004, line 9) whose text is the code
    alone, four digits, that a voice call reads out (lines 10, 69). Whether a FLASHINGCALL
    is called or read out is the account's: the service is agreed per account (line 70)."""

    @model_validator(mode="after")
    def _check_code(self) -> Self:
        # Overrides FlashingCall's check (same name): a VoiceCode has its own words.
        text = self.text
        if not (text.isascii() and text.isdigit() and len(text) == VOICE_CODE_LENGTH):
            raise rule_error(
                Rule.FLASHCALL_CODE,
                "VoiceCode text must be the code alone: {lengths} digits",
                at="text",
                lengths=str(VOICE_CODE_LENGTH),
            )
        return self


# --- messages -------------------------------------------------------------------------


class SmsMessage(WireModel):
    type: Literal["SMS"] = "SMS"
    data: SmsData


class ViberMessage(WireModel):
    type: Literal["VIBER"] = "VIBER"
    data: ViberData


class VkMessage(WireModel):
    type: Literal["VK"] = "VK"
    data: VkData


class PushMessage(WireModel):
    type: Literal["PUSH"] = "PUSH"
    data: PushData


class TelegramMessage(WireModel):
    type: Literal["TELEGRAM"] = "TELEGRAM"
    data: TelegramData


class WhatsAppMessage(WireModel):
    type: Literal["WHATSAPP"] = "WHATSAPP"
    data: WhatsAppData


class FlashingCallMessage(WireModel):
    type: Literal["FLASHINGCALL"] = "FLASHINGCALL"
    data: FlashingCallData


class VoiceCodeMessage(FlashingCallMessage):
    """A VoiceCode; goes wherever a `FlashingCallMessage` goes (the wire is the same)."""

    data: VoiceCodeData


Message = Annotated[
    SmsMessage
    | ViberMessage
    | VkMessage
    | PushMessage
    | TelegramMessage
    | WhatsAppMessage
    | FlashingCallMessage,
    Field(discriminator="type"),
]
