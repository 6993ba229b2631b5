"""The legacy send request: one message (channels by priority) to one or more phones.

`LegacyMessage` is the content and its rules; `LegacySendRequest` adds the recipients.
The sandbox validates the two apart, because the platform answers a broken phone with an
error for that phone alone while the others go ahead.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails

from provider.legacy.rules import (
    BUTTON_TEXT_LIMIT,
    CHANNEL_ORDER,
    CLIENT_ID_DIGITS,
    JSON_XML_ONLY_FIELDS,
    PRIORITY_MAX,
    PRIORITY_MIN,
    PRIORITY_UNUSED,
    TEMPLATE_KEY_PATTERN,
    TIME_SEND_FORMAT,
    VALIDITY_PERIOD_VIBER_DEFAULT,
    VIBER_TEXT_LIMIT,
    LegacyChannel,
    LegacyRule,
    legacy_rule_error,
)
from provider.messages import check_text
from provider.request import PhoneDigits
from provider.violations import Rule, rule_error

TemplateValue = str | int | float
WireFields = dict[str, "str | dict[str, str]"]
"""Field name -> value as the platform reads it (all strings; templateData an object)."""

_TEMPLATE_KEY = re.compile(TEMPLATE_KEY_PATTERN)
_CLIENT_ID = re.compile(r"[0-9]+")


class LegacyModel(BaseModel):
    """Field names as on the wire (snake_case, but ``templateId``/``templateData``)."""

    model_config = ConfigDict(
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="forbid",
        frozen=True,
        hide_input_in_errors=True,
    )


def new_client_id_message() -> str:
    """A fresh numeric partner id; 18 digits, so collisions are out of practical reach."""
    low = 10 ** (CLIENT_ID_DIGITS - 1)
    return str(low + secrets.randbelow(9 * low))


def _blank_is_absent(value: object) -> object:
    # The platform reads an empty field as an absent one ("empty time_send = now").
    return None if isinstance(value, str) and not value.strip() else value


class LegacyRecipient(LegacyModel):
    """One phone of a send (``phones[]`` in JSON, ``<abonent>`` in XML)."""

    phone: PhoneDigits
    client_id_message: str | None = None

    @field_validator("client_id_message", mode="before")
    @classmethod
    def _client_id(cls, value: object) -> object:
        value = _blank_is_absent(value)
        if value is None:
            return None
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(text, str) or not _CLIENT_ID.fullmatch(text):
            # The page: "Число" (a number), no more (seed 003, lines 98, 247).
            raise legacy_rule_error(
                LegacyRule.CLIENT_ID, "client_id_message must be a whole number (digits only)"
            )
        # One number, one spelling: "0111" and "111" are the same id to the platform.
        return str(int(text))


class LegacyMessage(LegacyModel):
    """What is sent: channels with their priorities, texts, button, VK template, schedule."""

    send_viber: int = PRIORITY_UNUSED
    send_vk: int = PRIORITY_UNUSED
    send_sms: int = PRIORITY_UNUSED
    sender_viber: str | None = None
    text_viber: str | None = None
    button_text: str | None = None
    button_url: str | None = None
    image_url: str | None = None
    validity_period_viber: int | None = Field(default=None, ge=1)
    """Minutes, any whole number from 1 (the page gives no range); None means the
    platform's default (`VALIDITY_PERIOD_VIBER_DEFAULT`)."""
    finale_viber_read: bool | None = None
    """True: only "read" ends a Viber step; delivered-but-unread falls through at its end."""
    sender_sms: str | None = None
    text_sms: str | None = None
    template_id: int | None = Field(default=None, alias="templateId", gt=0)
    template_data: dict[str, TemplateValue] | None = Field(default=None, alias="templateData")
    name_delivery: str | None = None
    """JSON/XML only; the platform's default is `NAME_DELIVERY_DEFAULT`."""
    time_send: datetime | None = None
    """JSON/XML only; None sends now. Platform time, minute precision."""

    # -- field rules ---------------------------------------------------------------------

    @field_validator(
        "sender_viber",
        "button_text",
        "button_url",
        "image_url",
        "validity_period_viber",
        "finale_viber_read",
        "sender_sms",
        "template_id",
        "name_delivery",
        mode="before",
    )
    @classmethod
    def _blank(cls, value: object) -> object:
        return _blank_is_absent(value)

    @field_validator("send_viber", "send_vk", "send_sms")
    @classmethod
    def _priority(cls, value: int) -> int:
        if not (value == PRIORITY_UNUSED or PRIORITY_MIN <= value <= PRIORITY_MAX):
            raise legacy_rule_error(
                LegacyRule.PRIORITY,
                "a channel priority is 0 (not used) or {min} to {max} (1 is tried first); "
                "got {value}",
                min=PRIORITY_MIN,
                max=PRIORITY_MAX,
                value=value,
            )
        return value

    @field_validator("template_data", mode="before")
    @classmethod
    def _template_data(cls, value: object) -> object:
        value = _blank_is_absent(value)
        if isinstance(value, str):
            # GET carries templateData as (urlencoded) JSON text.
            try:
                value = json.loads(value)
            except ValueError:
                raise _template_data_error("it is not valid JSON") from None
        if value is None:
            return None
        if not isinstance(value, dict):
            raise _template_data_error("it is not an object")
        for key, item in value.items():
            if not isinstance(key, str) or not _TEMPLATE_KEY.fullmatch(key):
                raise _template_data_error(
                    f"the name {key!r} is not a plain name (letters, digits, _ and -, "
                    "not starting with a digit)"
                )
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                raise _template_data_error(f"the value of {key!r} is not a string or a number")
        return value

    @field_validator("time_send", mode="before")
    @classmethod
    def _time_send(cls, value: object) -> object:
        value = _blank_is_absent(value)
        if isinstance(value, str):
            try:
                return datetime.strptime(value.strip(), TIME_SEND_FORMAT)
            except ValueError:
                raise legacy_rule_error(
                    LegacyRule.TIME_SEND,
                    "time_send is written YYYY-MM-DD hh:mm, e.g. 2017-11-23 13:00",
                ) from None
        return value

    # -- rules between fields ------------------------------------------------------------

    @model_validator(mode="after")
    def _check_channels(self) -> Self:
        if not self.channels():
            raise legacy_rule_error(
                LegacyRule.NO_CHANNEL,
                "no channel is chosen: set send_viber, send_vk or send_sms to a priority "
                "from {min} to {max}",
                min=PRIORITY_MIN,
                max=PRIORITY_MAX,
            )
        used = set(self.channels())
        if LegacyChannel.VIBER in used:
            _check_required_text("Viber", "text_viber", self.text_viber, VIBER_TEXT_LIMIT)
        if LegacyChannel.SMS in used:
            # The page states no SMS limit (seed 003, lines 23-24): an SMS only needs a text.
            _check_required_text("SMS", "text_sms", self.text_sms, None)
        if LegacyChannel.VK in used and self.template_id is None:
            # The API has no VK text: its VK fields are templateId and templateData alone
            # (seed 003, lines 27-32, 88-93).
            raise legacy_rule_error(
                LegacyRule.TEMPLATE_REQUIRED,
                "VK is sent by an approved template: templateId is required when send_vk is set",
                at="templateId",
            )
        return self

    @model_validator(mode="after")
    def _check_button(self) -> Self:
        if (self.button_text is None) != (self.button_url is None):
            given, missing = (
                ("button_text", "button_url")
                if self.button_url is None
                else ("button_url", "button_text")
            )
            raise legacy_rule_error(
                LegacyRule.BUTTON_INCOMPLETE,
                "a button needs both a caption (button_text) and a link (button_url); "
                "{given} is given without {missing}",
                at=missing,
                given=given,
                missing=missing,
            )
        if self.button_text is not None and len(self.button_text) > BUTTON_TEXT_LIMIT:
            raise rule_error(
                Rule.CAPTION,
                "the button caption is {length} characters long; the limit is {limit}",
                at="button_text",
                length=len(self.button_text),
                limit=BUTTON_TEXT_LIMIT,
            )
        if self.image_url is not None and self.button_text is None:
            raise legacy_rule_error(
                LegacyRule.IMAGE_WITHOUT_BUTTON,
                "an image (image_url) can only be sent with a button: give button_text "
                "and button_url too",
                at="image_url",
            )
        return self

    # -- reading -------------------------------------------------------------------------

    def priority(self, channel: LegacyChannel) -> int:
        value: int = getattr(self, channel.priority_field)
        return value

    def channels(self) -> list[LegacyChannel]:
        """The channels used, in the order they are tried (ties: Viber, VK, SMS)."""
        used = [c for c in CHANNEL_ORDER if self.priority(c) != PRIORITY_UNUSED]
        return sorted(used, key=self.priority)

    def validity_minutes(self) -> int:
        return self.validity_period_viber or VALIDITY_PERIOD_VIBER_DEFAULT

    def wire_fields(self) -> WireFields:
        """The message's fields as the platform reads them: all strings (templateData an
        object of strings); unused channels and absent fields left out."""
        dumped = self.model_dump(by_alias=True, exclude_none=True, exclude={"phones"})
        fields: WireFields = {}
        for name, value in dumped.items():
            if name.startswith("send_") and value == PRIORITY_UNUSED:
                continue  # an unused channel is simply not mentioned, as in the page's examples
            if name == "templateData":
                fields[name] = {k: str(v) for k, v in value.items()}
            elif name == "time_send":
                fields[name] = value.strftime(TIME_SEND_FORMAT)
            elif isinstance(value, bool):
                fields[name] = "1" if value else "0"
            else:
                fields[name] = str(value)
        return fields


class LegacySendRequest(LegacyMessage):
    """A message and its recipients: ``phones=["79001234567"]`` or `LegacyRecipient`s.

    A GET-style ``phone="79001234567,79001234568"`` is read as well.
    """

    phones: tuple[LegacyRecipient, ...]

    @model_validator(mode="before")
    @classmethod
    def _get_phone(cls, data: Any) -> Any:
        if isinstance(data, dict) and "phone" in data and "phones" not in data:
            data = dict(data)
            raw = data.pop("phone")
            data["phones"] = raw.split(",") if isinstance(raw, str) else raw
        return data

    @field_validator("phones", mode="before")
    @classmethod
    def _phone_strings(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [{"phone": item} if isinstance(item, str) else item for item in value]
        return value

    @model_validator(mode="after")
    def _check_phones(self) -> Self:
        if not self.phones:
            raise legacy_rule_error(LegacyRule.NO_PHONE, "at least one phone is required")
        ids = [p.client_id_message for p in self.phones if p.client_id_message is not None]
        if len(ids) != len(set(ids)):
            raise legacy_rule_error(
                LegacyRule.CLIENT_ID,
                "each phone needs its own client_id_message; one is used twice",
                at="client_id_message",
            )
        return self

    def message(self) -> LegacyMessage:
        """The content alone, without the phones."""
        return LegacyMessage.model_validate(self.model_dump(exclude={"phones"}))

    def check_transport(self, transport: str) -> None:
        """Raise pydantic's ValidationError when `transport` cannot carry this request:
        GET has no name_delivery and no time_send (`JSON_XML_ONLY_FIELDS`)."""
        if transport != "get":
            return
        given = [name for name in JSON_XML_ONLY_FIELDS if getattr(self, name) is not None]
        if given:
            error = legacy_rule_error(
                LegacyRule.JSON_XML_ONLY,
                "{fields} cannot be sent over GET (JSON and XML only)",
                fields=", ".join(given),
            )
            details = [InitErrorDetails(type=error, loc=(name,), input=None) for name in given]
            raise ValidationError.from_exception_data(type(self).__name__, details)

    def with_client_ids(self, new_id: Callable[[], str] = new_client_id_message) -> Self:
        """A copy in which every phone has a client_id_message (given ones are kept)."""
        phones = tuple(
            p
            if p.client_id_message is not None
            else p.model_copy(update={"client_id_message": new_id()})
            for p in self.phones
        )
        return self.model_copy(update={"phones": phones})


def _check_required_text(label: str, field: str, text: str | None, limit: int | None) -> None:
    if text is None:
        raise rule_error(
            Rule.EMPTY_TEXT,
            "{field} is required when {channel} is used",
            at=field,
            field=field,
            channel=label,
        )
    check_text(label, field, text, limit)


def _template_data_error(reason: str) -> Exception:
    return legacy_rule_error(
        LegacyRule.TEMPLATE_DATA,
        'templateData must be a JSON object of names and values, like {"Name": "Ivan"}: {reason}',
        reason=reason,
    )
