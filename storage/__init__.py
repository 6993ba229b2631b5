"""Everything the bot knows, in one SQLite file (aiosqlite, WAL).

Open once in ``main()`` and pass the repositories around (no module-level connection)::

    async with await Database.open(settings.database_path) as db:
        sends = SendRepository(db)
        ...

Dependencies point inwards: ``storage`` never imports ``provider``, ``bot`` or
``handlers``, and only :mod:`storage.fsm` imports aiogram.

Schema (``storage/migrations/NNNN_*.sql``, version in ``PRAGMA user_version``):

==================  ========================================================================
table               holds
==================  ========================================================================
operators           Telegram user id, display name, role (admin/operator/viewer), active,
                    added_by/added_at
invites             one-time invites: SHA-256 of the token, role, expires_at, used_by/at
audit_log           actor, action, subject, details JSON (scrubbed), at
kv                  generated-once settings (reports secret, ...)
accounts            platform accounts: name, api family (rest/legacy)
sends               one per submission: partner id (unique), account, channel, steps,
                    destination digits, request JSON (as sent, password masked), mtNum /
                    legacy ids,
                    operator, chat, card message, state (submitting/accepted/failed/
                    unknown), aggregate status, final
send_steps          current status per (send, step type): the max by rank of its events
status_events       every distinct observation once (unique natural key), raw JSON
outside_reports     reports for traffic the bot did not send; retention 7 days by default
outbox              pending chat updates per (send, kind), coalesced by a version counter;
                    those Telegram refused for good kept, marked failed with the reason
fsm_records         aiogram FSM state and data per StorageKey
==================  ========================================================================

Indexed lookups: sends by mtNum, partner id, (account, legacy id), (destination,
created_at) for /trace, (operator, id) for /history, a partial index of open sends; outside
reports by mtNum, (destination, received_at) and received_at; outbox by due time, and
the updates still owed (not failed, card posted) in order.

Status rank table (a step never moves down; see :mod:`storage.status_ranks`)::

    SEND 10 < send 11 < DELIVERED 20 < deliver 21 < expired 30 < partly_deliver 31
      < not_deliver 32 < UNDELIVERED 33 < READ 40
    final: deliver, expired, partly_deliver, not_deliver, UNDELIVERED, READ,
           and DELIVERED for SMS / FLASHINGCALL steps (they never report READ)
    same rank: the higher error code wins

Times are aware UTC datetimes, stored as fixed-width ISO-8601 text. Every JSON payload
and error text is scrubbed of credentials on the way in, structurally (password fields,
the configured secrets by exact value: :mod:`storage.secrets_scrub`); an operator's own
content (forms, requests) is kept exactly as written, password fields masked.
"""

from storage.accounts import Account, AccountRepository, ApiFamily
from storage.audit import AuditEntry, AuditRepository
from storage.db import DEFAULT_BUSY_TIMEOUT, Database, Transaction
from storage.errors import (
    DatabaseTooNewError,
    MigrationError,
    NotFoundError,
    SendStateError,
    SQLiteTooOldError,
    StorageError,
)
from storage.events import NewStatusEvent
from storage.invites import CreatedInvite, Invite, InviteRejection, InviteRepository
from storage.kv import KeyValueRepository
from storage.migrations import Migration, load_migrations
from storage.operators import Operator, OperatorRepository, Role
from storage.outbox import OutboxEntry, OutboxKind, OutboxRepository
from storage.reports import DEFAULT_RETENTION, OutsideReport, OutsideReportRepository
from storage.secrets_scrub import REDACTED, Scrubber
from storage.sends import NewSend, Send, SendRepository, SendState, normalize_destination
from storage.status_ranks import STATUS_TABLE, StatusInfo, UnknownStatusError, status_info
from storage.statuses import (
    RecordOutcome,
    RecordResult,
    SendProgress,
    StatusEvent,
    StatusRepository,
    StepStatus,
)

__all__ = [
    "DEFAULT_BUSY_TIMEOUT",
    "DEFAULT_RETENTION",
    "REDACTED",
    "STATUS_TABLE",
    "Account",
    "AccountRepository",
    "ApiFamily",
    "AuditEntry",
    "AuditRepository",
    "CreatedInvite",
    "Database",
    "DatabaseTooNewError",
    "Invite",
    "InviteRejection",
    "InviteRepository",
    "KeyValueRepository",
    "Migration",
    "MigrationError",
    "NewSend",
    "NewStatusEvent",
    "NotFoundError",
    "Operator",
    "OperatorRepository",
    "OutboxEntry",
    "OutboxKind",
    "OutboxRepository",
    "OutsideReport",
    "OutsideReportRepository",
    "RecordOutcome",
    "RecordResult",
    "Role",
    "SQLiteTooOldError",
    "Scrubber",
    "Send",
    "SendProgress",
    "SendRepository",
    "SendState",
    "SendStateError",
    "StatusEvent",
    "StatusInfo",
    "StatusRepository",
    "StepStatus",
    "StorageError",
    "Transaction",
    "UnknownStatusError",
    "load_migrations",
    "normalize_destination",
    "status_info",
]
