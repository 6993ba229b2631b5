"""Delivery reports: what the platform POSTs to notifyUrl for every status change of a step."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import IntEnum
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from provider.channels import CascadeState, MessageType


class DeliveryStatus(IntEnum):
    """The report's `status`; `.name` is the canonical name shown to operators."""

    SEND = 0
    """Passed to the operator; the final status is not known yet."""
    DELIVERED = 2
    UNDELIVERED = 5
    """Undelivered or rejected; the reason is in errorCode. Final."""
    READ = 9
    """Not for SMS and FlashingCall. Final."""

    @property
    def is_final(self) -> bool:
        return self in (DeliveryStatus.UNDELIVERED, DeliveryStatus.READ)


ERROR_NAMES: Mapping[int, str] = MappingProxyType(  # provider-api.md, lines 109-129
    {
        1: "unknown",
        2: "absent-subscriber",
        3: "call-barred",
        4: "failure",
        5: "memory-capacity-exceeded",
        6: "teleservice-not-provisioned",
        7: "timeout",
        8: "unknown-subscriber",
        9: "duplicated",
        10: "filtered",
        11: "unrouted",
        12: "oper-blacklisted",
        13: "oper-invsrcaddr",
        14: "oper-spamfiltered",
        16: "busy",
        18: "bad-params",
        19: "consumer-id-not-found",
        20: "consumer-phone-not-found",
        21: "no-primary-devices",
        22: "no-active-installations",
        23: "push-disabled",
        24: "push-os-disabled",
        25: "subscription-failed",
        26: "no-application",
        27: "below-min-version",
        28: "provider-error",
    }
)

_T = MessageType
ERROR_CODES_BY_TYPE: Mapping[MessageType, frozenset[int]] = MappingProxyType(
    {
        _T.SMS: frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}),
        _T.VIBER: frozenset({1, 2, 3, 5, 6, 7, 9, 11}),
        _T.VK: frozenset({1, 3, 6, 10, 11}),
        _T.PUSH: frozenset({1, 7, 8, 9, 11, 13, 18, *range(19, 29)}),
        _T.WHATSAPP: frozenset({3, 6, 7, 10}),
        _T.TELEGRAM: frozenset({1}),
        _T.FLASHINGCALL: frozenset({1, 4, 6, 16}),
    }
)
"""Which error codes each message type reports (the platform's table, provider-api.md lines
109-129: the seeds send the reader to their status page, rest_status, without the table).
Each name has a plain explanation in the catalogs: ``reason-<name>``, one meaning for
every type that reports it."""


def error_name(message_type: MessageType, code: int) -> str:
    """The error's documented name; a code the type does not use keeps its number visible."""
    if code in ERROR_CODES_BY_TYPE[message_type]:
        return ERROR_NAMES[code]
    return f"{ERROR_NAMES.get(code, 'unknown')} (code {code})"


def lifetime_ran_out(
    status: DeliveryStatus | None, wanted: CascadeState, *, next_step_started: bool
) -> bool:
    """Whether a cascade step was passed over because its lifetime ran out.

    The next step is sent when the step did not reach `wanted` (the next link's state)
    within its ttl (seed 000, line 11). A step whose last status is UNDELIVERED failed
    (line 5: that too moves the chain on); one that started the next step while at SEND, or
    at DELIVERED when READ was wanted, simply ran out of time: show it as "no DELIVERED
    within 2 min -> next step", not as stuck at SEND.
    """
    if not next_step_started or status is DeliveryStatus.UNDELIVERED:
        return False
    if status is DeliveryStatus.READ:
        return False
    return not (status is DeliveryStatus.DELIVERED and wanted is CascadeState.DELIVERED)


_REPORT_DATE = "%Y-%m-%dT%H:%M:%S%z"

INT64 = (-(2**63), 2**63 - 1)
"""The range of an integer a report may carry where it is stored as a number."""


class DeliveryReport(BaseModel):
    """One report. Strict on what identifies it, tolerant of everything optional."""

    model_config = ConfigDict(
        populate_by_name=True, serialize_by_alias=True, extra="allow", frozen=True
    )

    mt_num: str = Field(alias="mtNum", min_length=1)
    status: DeliveryStatus
    type: MessageType
    id: str | None = None
    dest_addr: str | None = Field(default=None, alias="destAddr")
    source_addr: str | None = Field(default=None, alias="sourceAddr")
    submit_date: datetime | None = Field(default=None, alias="submitDate")
    done_date: datetime | None = Field(default=None, alias="doneDate")
    text: str | None = None
    part_count: str | None = Field(default=None, alias="partCount")
    error_code: int = Field(default=0, alias="errorCode", ge=INT64[0], le=INT64[1])
    mcc_mnc: str | None = Field(default=None, alias="mccMnc")
    traffic_type: int | None = Field(default=None, alias="trafficType")

    @field_validator("mt_num", "id", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        # Some senders put numbers where the docs show strings; an id is text either way.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("submit_date", "done_date", mode="before")
    @classmethod
    def _empty_date_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("submit_date", "done_date")
    @classmethod
    def _a_moment(cls, value: datetime | None) -> datetime | None:
        # Refused here, not where it is stored: a report that can never be stored must be
        # a 400 (the platform gives up), not a 500 it posts again for ever.
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("a date needs its UTC offset, e.g. 2019-05-05T10:20:35+0300")
        try:
            value.astimezone(UTC)
        except OverflowError:
            raise ValueError("the date in UTC is outside years 1-9999") from None
        return value

    @field_validator("error_code", mode="before")
    @classmethod
    def _empty_code_is_zero(cls, value: Any) -> Any:
        return 0 if value in ("", None) else value

    @property
    def error(self) -> str | None:
        """The error name (``absent-subscriber``) for an UNDELIVERED step, else None."""
        if self.status is not DeliveryStatus.UNDELIVERED:
            return None
        if self.error_code == 0:
            return "unknown"
        return error_name(self.type, self.error_code)

    def to_json(self) -> dict[str, Any]:
        """The report in the platform's own JSON shape (dates with ``+0300``-style offsets)."""
        data = self.model_dump(mode="json", exclude_none=True)
        data["status"] = int(self.status)
        data["errorCode"] = str(self.error_code)
        for key, value in (("submitDate", self.submit_date), ("doneDate", self.done_date)):
            data[key] = value.strftime(_REPORT_DATE) if value is not None else ""
        return data
