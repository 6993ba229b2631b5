"""The input shape of a status observation, shared by statuses and outside reports."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final, NamedTuple

from storage.timeutil import to_db_optional


class NewStatusEvent(NamedTuple):
    """One status observation: a REST delivery report or a legacy poll result.

    Storage does not import the provider's models; the pipeline maps them onto this.
    Which send it belongs to is resolved from ``send_id`` (the legacy poller knows it),
    else ``mt_num``, else ``partner_id`` (a report may beat ``mark_accepted`` to the
    database, and it always carries our partner id).
    """

    step_type: str
    """REST: the message type of the step ("SMS", "VIBER"...); legacy: the channel."""
    status: str
    """A name from :data:`storage.status_ranks.STATUS_TABLE`."""
    mt_num: str | None = None
    partner_id: str | None = None
    send_id: int | None = None
    error_code: int | None = None
    done_at: datetime | None = None
    submitted_at: datetime | None = None
    destination: str | None = None
    """Used only for reports about traffic the bot did not send (/trace)."""
    raw: Mapping[str, Any] | None = None
    """The report as received (scrubbed before storing)."""


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def compact_json(value: Any) -> str:
    """JSON without spaces, non-ASCII kept: ``json.dumps`` with those options, without
    building an encoder per call (this runs several times per delivery report)."""
    return _COMPACT.encode(value)


_JSON_TEXT: Final = json.encoder.encode_basestring
"""How :data:`_COMPACT` writes text (non-ASCII kept): its escaping function, called directly."""


def natural_key(*parts: str | int | None) -> str:
    """Readable dedupe key: the JSON array of the fields that identify one observation.

    Exactly ``compact_json(list(parts))``, written directly for text, whole numbers and
    None: every report needs one, and this takes a third of the time the encoder's call
    does (most of which is setting the encoder up).
    """
    written = []
    for part in parts:
        if part is None:
            written.append("null")
        elif part.__class__ is str:
            written.append(_JSON_TEXT(part))
        elif part.__class__ is int:
            written.append(str(part))
        else:  # a subclass (True is an int): the encoder's own rules
            return compact_json(list(parts))
    return "[" + ",".join(written) + "]"


def done_key(event: NewStatusEvent) -> str | None:
    return to_db_optional(event.done_at)
