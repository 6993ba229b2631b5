"""The total order of delivery statuses that makes recording independent of arrival order.

Reports for one send arrive out of order and more than once (REST callbacks) or are
re-observed on every poll (legacy API). A step's current status is therefore the *maximum*
of everything seen for it under this order, never "the latest arrival". Storage owns the
table (it must not import ``provider``) and accepts status names as strings.

======  ================  =======  =====  =================================================
rank    name              family   final  why here
======  ================  =======  =====  =================================================
10      SEND              REST     no     handed to the operator, outcome unknown
11      send              legacy   no     in progress
20      DELIVERED         REST     no     READ may still follow (Viber, VK, Push, ...)
21      deliver           legacy   yes    delivered
30      expired           legacy   yes    subscriber offline during all attempts
31      partly_deliver    legacy   yes    sent, no status ever came
32      not_deliver       legacy   yes    explicit negative
33      UNDELIVERED       REST     yes    explicit negative with an error code
34      error             legacy   yes    the platform answered an error text for the id
40      READ              REST     yes    wins over UNDELIVERED: it proves delivery
======  ================  =======  =====  =================================================

Every name has its own rank, so the order is total even if the two API families were ever
mixed on one step. Legacy failures sit in the UNDELIVERED band (30-34), above delivery,
because a later definite failure report is more informative than an earlier delivery hint.
``error`` is the legacy API's answer that is no status but an error text in its place,
e.g. "Сообщение с таким ID не принималось" (seed 003, lines 302-303): asking again gives
the same text, so it is final; it ranks last in the band, as the platform's last word.

``DELIVERED`` is final only for step types that never report READ (SMS, FLASHINGCALL);
finality decides whether a send is still "open" (polled, recovered), never the order.

Within one rank a higher error code wins (no code counts as -1): two UNDELIVERED reports
with different reasons must still converge to the same card whatever their order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class StatusInfo:
    name: str
    rank: int
    final: bool
    success: bool
    """True for statuses that prove the message reached the subscriber."""


STATUS_TABLE: Final[dict[str, StatusInfo]] = {
    info.name: info
    for info in (
        StatusInfo("SEND", 10, final=False, success=False),
        StatusInfo("send", 11, final=False, success=False),
        StatusInfo("DELIVERED", 20, final=False, success=True),
        StatusInfo("deliver", 21, final=True, success=True),
        StatusInfo("expired", 30, final=True, success=False),
        StatusInfo("partly_deliver", 31, final=True, success=False),
        StatusInfo("not_deliver", 32, final=True, success=False),
        StatusInfo("UNDELIVERED", 33, final=True, success=False),
        StatusInfo("error", 34, final=True, success=False),
        StatusInfo("READ", 40, final=True, success=True),
    )
}

NO_ERROR_CODE: Final = -1


class UnknownStatusError(ValueError):
    """A status name outside the rank table: the caller must map provider values first."""

    def __init__(self, status: str) -> None:
        known = ", ".join(STATUS_TABLE)
        super().__init__(f"unknown delivery status {status!r}; known statuses: {known}")
        self.status = status


def status_info(status: str) -> StatusInfo:
    try:
        return STATUS_TABLE[status]
    except KeyError:
        raise UnknownStatusError(status) from None


NO_READ_STEP_TYPES: Final = frozenset({"SMS", "FLASHINGCALL"})
"""Per the platform's docs these step types never report READ."""


def is_final(status: str, step_type: str) -> bool:
    """No later report can change this step (``step_type`` already normalised)."""
    info = status_info(status)
    if info.final:
        return True
    return info.name == "DELIVERED" and step_type in NO_READ_STEP_TYPES


def status_key(status: str, error_code: int | None) -> tuple[int, int]:
    """The sort key of a step state: rank first, error code as the tie-breaker."""
    return (status_info(status).rank, NO_ERROR_CODE if error_code is None else error_code)


def normalize_step_type(step_type: str) -> str:
    """Step types are compared upper-case: REST says "SMS", the legacy API says "sms"."""
    normalized = step_type.strip().upper()
    if not normalized:
        raise ValueError("empty step type")
    return normalized
