"""The REST v6 send request: top-level fields, schedule and cascades."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from itertools import pairwise
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    SerializationInfo,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from provider._base import WireModel
from provider.channels import (
    CHANNEL_RULES,
    NOTIFY_URL_LIMIT,
    WEEKDAY_DIGITS,
    CascadeState,
    MessageType,
)
from provider.extra_params import ExtraParamError, decode_extra_params
from provider.messages import Message, PushData
from provider.phone import PhoneNumberError, parse_phone
from provider.violations import Rule, rule_error

MASK = "***"
"""What a secret looks like in every dump that is not the request on the wire."""

REVEAL_SECRETS = "reveal_secrets"
"""Serialisation context key: only the client sets it, to put the password on the wire."""

_TIME_OF_DAY = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_DEADLINE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def _canonical_phone(value: str) -> str:
    try:
        return parse_phone(value).digits
    except PhoneNumberError as exc:
        raise rule_error(
            Rule.PHONE_INVALID,
            "{reason}",
            number=value,
            reason=exc.reason,
            problem=exc.problem.value,  # what it is, for words in another language
        ) from exc


PhoneDigits = Annotated[str, AfterValidator(_canonical_phone)]
"""A subscriber number; any form the platform accepts, stored in canonical digits."""


class RegisteredDelivery(IntEnum):
    NONE = 0
    ALL = 1
    UNDELIVERED_ONLY = 2


class ScheduleInfo(WireModel):
    time_begin: str | None = None
    time_end: str | None = None
    weekdays_schedule: str | None = None
    deadline: datetime | None = None

    @field_validator("time_begin", "time_end")
    @classmethod
    def _time_of_day(cls, value: str | None) -> str | None:
        if value is not None and not _TIME_OF_DAY.fullmatch(value):
            raise rule_error(Rule.TIME_OF_DAY, "times of day are written HH:MM, e.g. 10:00")
        return value

    @field_validator("weekdays_schedule")
    @classmethod
    def _weekdays(cls, value: str | None) -> str | None:
        # Digits 1 (Monday) to 7 (Sunday) (seed 001, line 87); the page does not forbid
        # naming a day twice, so neither do we.
        if value and set(value) - set(WEEKDAY_DIGITS):
            raise rule_error(
                Rule.WEEKDAYS, "weekdays are digits 1 (Monday) to 7 (Sunday), e.g. 12345"
            )
        return value

    @field_validator("deadline")
    @classmethod
    def _deadline_has_offset(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise rule_error(
                Rule.DEADLINE, "the deadline needs a UTC offset, e.g. 2019-05-10T16:29:30+0300"
            )
        return value

    @field_serializer("deadline")
    def _deadline_wire(self, value: datetime | None) -> str | None:
        return None if value is None else value.strftime(_DEADLINE_FORMAT)


class CascadeLink(WireModel):
    """A link of the chain: its message is sent if the previous one missed `state` in its ttl."""

    state: CascadeState
    message: Message
    next_link: CascadeLink | None = None


@dataclass(frozen=True, slots=True)
class CascadeStep:
    """One step of a send, the way people think of a cascade: a flat list."""

    message: Message
    resend_if_not: CascadeState | None = None
    """For every step but the first: go on to this step if the previous one did not reach it."""

    @property
    def type(self) -> MessageType:
        return MessageType(self.message.type)

    @property
    def ttl_seconds(self) -> int | None:
        """The step's lifetime; None: the account's default (ttl absent or 0)."""
        return self.message.data.ttl_seconds()

    @property
    def external_user_id(self) -> str | None:
        """A Push step's subscriber when it is addressed by the app's user id."""
        data = self.message.data
        return data.external_user_id if isinstance(data, PushData) else None


class SendRequest(WireModel):
    """One REST v6 send: a message (maybe a cascade) to one subscriber."""

    login: str | None = None
    password: SecretStr | None = None
    dest_addr: PhoneDigits | None = None
    """None only when every step is a Push to an `externalUserId` (see `_recipient`)."""
    message: Message
    id: str | None = Field(default=None, min_length=1)
    use_time_diff: bool | None = None
    shorten_links: bool | None = None
    schedule_info: ScheduleInfo | None = None
    registered_delivery: RegisteredDelivery | None = None
    notify_url: str | None = None
    extra_param: str | None = None
    cascade_chain_link: CascadeLink | None = None

    @field_validator("notify_url")
    @classmethod
    def _notify_url(cls, value: str | None) -> str | None:
        if value is not None and not (0 < len(value) <= NOTIFY_URL_LIMIT):
            raise rule_error(
                Rule.NOTIFY_URL,
                "notifyUrl, when given, must be 1 to {limit} characters long",
                limit=NOTIFY_URL_LIMIT,
            )
        return value

    @field_validator("extra_param")
    @classmethod
    def _extra_param(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                decode_extra_params(value)
            except ExtraParamError as exc:
                raise rule_error(
                    Rule.EXTRA_PARAM,
                    "extraParam must read name=value,name=value (a comma in a value doubled): "
                    "{reason}",
                    reason=str(exc),
                ) from exc
        return value

    @model_validator(mode="after")
    def _recipient(self) -> Self:
        # destAddr is required only when externalUserId is absent (the platform's Push
        # page); any other step of a chain has no subscriber but destAddr.
        if self.dest_addr is None and not all(s.external_user_id for s in self.steps()):
            raise PydanticCustomError(
                "missing",
                "destAddr is required unless every step is a Push to an externalUserId",
                {"at": "destAddr"},
            )
        return self

    @model_validator(mode="after")
    def _cascade_states_possible(self) -> Self:
        steps = self.steps()
        for number, (previous, step) in enumerate(pairwise(steps), start=2):
            rules = CHANNEL_RULES[previous.type]
            if step.resend_if_not is CascadeState.READ and not rules.reports_read:
                raise rule_error(
                    Rule.CASCADE_STATE,
                    "step {number} waits for READ, but {previous} never reports READ; "
                    "a step after {previous} must use DELIVERED",
                    at="cascadeChainLink.state",
                    number=number,
                    previous=rules.label,
                )
        return self

    @field_serializer("password")
    def _password_wire(self, value: SecretStr | None, info: SerializationInfo) -> str | None:
        if value is None:
            return None
        context = info.context
        if isinstance(context, dict) and context.get(REVEAL_SECRETS):
            return value.get_secret_value()
        return MASK

    # -- the chain as a flat list ------------------------------------------------------

    def steps(self) -> list[CascadeStep]:
        steps = [CascadeStep(self.message)]
        link = self.cascade_chain_link
        while link is not None:
            steps.append(CascadeStep(link.message, link.state))
            link = link.next_link
        return steps

    @classmethod
    def from_steps(cls, dest_addr: str | None, steps: Sequence[CascadeStep], **fields: Any) -> Self:
        """Build a request from a flat list of steps; the first one has no `resend_if_not`.

        A cascade asks for every report (registeredDelivery 1) unless `fields` say
        otherwise: the platform reports each step of a chain only then (seed 000, line 15).
        """
        if not steps:
            raise ValueError("a send needs at least one step")
        chain: CascadeLink | None = None
        for step in reversed(steps[1:]):
            if step.resend_if_not is None:
                raise ValueError("every step after the first needs resend_if_not")
            chain = CascadeLink(state=step.resend_if_not, message=step.message, next_link=chain)
        if steps[0].resend_if_not is not None:
            raise ValueError("the first step cannot have resend_if_not")
        if chain is not None and fields.get("registered_delivery") is None:
            fields["registered_delivery"] = RegisteredDelivery.ALL
        return cls(
            dest_addr=dest_addr, message=steps[0].message, cascade_chain_link=chain, **fields
        )

    # -- dumps -------------------------------------------------------------------------

    def to_wire(self) -> dict[str, Any]:
        """The JSON body as the platform must receive it, password included."""
        return self.model_dump(mode="json", exclude_none=True, context={REVEAL_SECRETS: True})

    def redacted(self) -> dict[str, Any]:
        """The same body with the password masked: for previews, logs and storage."""
        return self.model_dump(mode="json", exclude_none=True)


class SendResult(BaseModel):
    """The platform's answer to an accepted send."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    mt_num: str = Field(alias="mtNum")
    id: str | None = None
