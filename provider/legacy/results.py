"""What the legacy API answers: ids of an accepted send, and the state of a message."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from provider.legacy.rules import TIME_CHANGE_STATE_FORMAT, LegacyChannel


class LegacyStatus(StrEnum):
    """A message's state, overall or per channel (the wire value is the canonical name)."""

    SEND = "send"
    """Overall: in progress. Per channel: not sent (yet)."""
    DELIVER = "deliver"
    NOT_DELIVER = "not_deliver"
    EXPIRED = "expired"
    """The subscriber was offline at every attempt."""
    PARTLY_DELIVER = "partly_deliver"
    """Sent, but no status ever came (ask the platform's support why)."""

    @property
    def is_final(self) -> bool:
        return self is not LegacyStatus.SEND

    @classmethod
    def parse(cls, text: str | None) -> LegacyStatus | None:
        """The status a wire value names; None for anything else (empty, an error text)."""
        try:
            return cls((text or "").strip())
        except ValueError:
            return None


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LegacySendResult(_Result):
    """One phone of an accepted send."""

    phone: str
    id_message: str
    """The platform's id of the message: what `LegacyClient.states` asks about."""
    client_id_message: str | None
    """Ours; None over GET, which has no such field."""
    id_sms: str | None = None
    id_viber: str | None = None
    id_vk: str | None = None
    """Per-channel ids; ``"0"`` = channel not used; None = not reported (GET)."""
    count_message: int | None = None
    """Parts of the message in its first channel (JSON only)."""

    def channel_id(self, channel: LegacyChannel) -> str | None:
        value: str | None = getattr(self, f"id_{channel.value}")
        return value


ERROR_STATE = "error"
"""The name of a state that is an error text, for cards and storage (not a wire value)."""


class LegacyState(_Result):
    """The state of one message, as a state request answers it.

    Three kinds of answer:

    - a status (`state`): ``send`` in progress, the others final;
    - an error text in place of a status (`error`), e.g. "Сообщение с таким ID не
      принималось": the page counts any value that is not a status as the message's error
      (seed 003, lines 302-303). It is final: asking again gives the same text, so the
      send is over and shown with that text (`status_name` is `ERROR_STATE`);
    - no entry for the id in the platform's answer, or an empty state (`missing`):
      nothing was said about it, so it is asked again on the next round. Not final.
    """

    id_message: str
    state: LegacyStatus | None
    error: str | None = None
    """The platform's error text for this id; set exactly when `state` is None and the
    platform answered something."""
    missing: bool = False
    """The answer said nothing of this id: no entry, or an empty state."""
    time_change_state: datetime | None = None
    """Naive, in the platform's local time (the page does not name the zone)."""
    state_sms: LegacyStatus | None = None
    state_viber: LegacyStatus | None = None
    state_vk: LegacyStatus | None = None
    num_parts_sms: int | None = None
    price_sms: Decimal | None = None
    price_viber: Decimal | None = None
    price_vk: Decimal | None = None

    @property
    def is_error(self) -> bool:
        """The platform answered an error text for this id: final."""
        return self.state is None and self.error is not None

    @property
    def is_final(self) -> bool:
        """Polling will not change it: a final status, or an error text."""
        return self.is_error or (self.state is not None and self.state.is_final)

    @property
    def status_name(self) -> str | None:
        """The canonical name to record: a status's wire value, `ERROR_STATE` for an error
        text, None when the answer said nothing of this id."""
        if self.state is not None:
            return self.state.value
        return ERROR_STATE if self.is_error else None

    def channel_state(self, channel: LegacyChannel) -> LegacyStatus | None:
        value: LegacyStatus | None = getattr(self, f"state_{channel.value}")
        return value

    @classmethod
    def from_wire(cls, id_message: str, state: str, fields: Mapping[str, str]) -> LegacyState:
        """Read an answer leniently: a value that is not what the page says becomes None.

        `fields` holds the per-channel attributes (``state_sms``, ``price_sms``...) as sent.
        """
        status = LegacyStatus.parse(state)
        # An empty state says nothing (the page documents none): asked again, not final.
        error = (state.strip() or None) if status is None else None
        return cls(
            id_message=id_message,
            state=status,
            error=error,
            missing=status is None and error is None,
            time_change_state=_time(fields.get("time_change_state")),
            state_sms=LegacyStatus.parse(fields.get("state_sms")),
            state_viber=LegacyStatus.parse(fields.get("state_viber")),
            state_vk=LegacyStatus.parse(fields.get("state_vk")),
            num_parts_sms=_int(fields.get("num_parts_sms")),
            price_sms=_decimal(fields.get("price_sms")),
            price_viber=_decimal(fields.get("price_viber")),
            price_vk=_decimal(fields.get("price_vk")),
        )


def _time(text: str | None) -> datetime | None:
    try:
        return datetime.strptime((text or "").strip(), TIME_CHANGE_STATE_FORMAT)
    except ValueError:
        return None


def _int(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


def _decimal(text: str | None) -> Decimal | None:
    # Some PHP back ends write a decimal comma.
    cleaned = (text or "").strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None
