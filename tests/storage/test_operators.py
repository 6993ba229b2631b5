"""Operators, invites and their audit trail."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from storage import (
    AuditRepository,
    Database,
    InviteRejection,
    InviteRepository,
    KeyValueRepository,
    Operator,
    OperatorRepository,
    Role,
)
from tests.helpers import database_contents
from tests.storage.conftest import FakeClock

ADMIN = 1


@pytest.fixture
async def invites(db: Database) -> InviteRepository:
    """Invites, with ADMIN an admin (an invite is only as good as its creator's role)."""
    await OperatorRepository(db).grant(ADMIN, Role.ADMIN, by=None)
    return InviteRepository(db)


async def test_grant_change_role_revoke_and_regrant(db: Database) -> None:
    operators = OperatorRepository(db)
    granted = await operators.grant(5, Role.OPERATOR, by=ADMIN, display_name="Bob")
    assert (granted.role, granted.active, granted.added_by) == (Role.OPERATOR, True, ADMIN)

    promoted = await operators.grant(5, Role.ADMIN, by=2)
    assert (promoted.role, promoted.display_name, promoted.added_by) == (Role.ADMIN, "Bob", ADMIN)

    assert await operators.revoke(5, by=ADMIN) is True
    assert await operators.revoke(5, by=ADMIN) is False
    revoked = await operators.get(5)
    assert revoked is not None
    assert not revoked.active
    assert await operators.list_active() == []

    back = await operators.grant(5, Role.VIEWER, by=3)
    assert (back.active, back.added_by) == (True, 3)
    assert [o.user_id for o in await operators.list_active()] == [5]

    actions = [(e.actor_id, e.action) for e in await AuditRepository(db).recent()]
    assert actions == [
        (3, "operator.grant"),
        (ADMIN, "operator.revoke"),
        (2, "operator.grant"),
        (ADMIN, "operator.grant"),
    ]


async def test_invite_is_consumed_once(db: Database, invites: InviteRepository) -> None:
    created = await invites.create(Role.OPERATOR, created_by=ADMIN, valid_for=timedelta(hours=1))

    first = await invites.consume(created.token, user_id=7, display_name="Eve")
    second = await invites.consume(created.token, user_id=8)

    assert isinstance(first, Operator)
    assert (first.user_id, first.role, first.added_by) == (7, Role.OPERATOR, ADMIN)
    assert second is InviteRejection.USED
    assert await OperatorRepository(db).get(8) is None
    row = await db.fetch_one("SELECT token_sha256 FROM invites")
    assert row is not None
    assert created.token not in row["token_sha256"]


async def test_expired_and_unknown_invites_are_refused(
    invites: InviteRepository, clock: FakeClock
) -> None:
    created = await invites.create(Role.VIEWER, created_by=ADMIN, valid_for=timedelta(hours=1))
    clock.advance(timedelta(hours=1))
    assert await invites.consume(created.token, user_id=7) is InviteRejection.EXPIRED
    assert await invites.consume("no-such-token", user_id=7) is InviteRejection.UNKNOWN
    assert await invites.list_open() == []


async def test_active_operator_does_not_burn_an_invite(
    db: Database, invites: InviteRepository
) -> None:
    await OperatorRepository(db).grant(7, Role.ADMIN, by=None)
    created = await invites.create(Role.VIEWER, created_by=ADMIN, valid_for=timedelta(days=1))
    assert await invites.consume(created.token, user_id=7) is InviteRejection.ALREADY_ACTIVE
    admin = await OperatorRepository(db).get(7)
    assert admin is not None
    assert admin.role is Role.ADMIN
    assert isinstance(await invites.consume(created.token, user_id=9), Operator)


async def test_racing_consumers_get_exactly_one_grant(
    db: Database, invites: InviteRepository
) -> None:
    created = await invites.create(Role.OPERATOR, created_by=ADMIN, valid_for=timedelta(days=1))
    results = await asyncio.gather(
        *(invites.consume(created.token, user_id=user) for user in range(100, 110))
    )
    winners = [r for r in results if isinstance(r, Operator)]
    assert len(winners) == 1
    assert results.count(InviteRejection.USED) == 9
    active = [o.user_id for o in await OperatorRepository(db).list_active()]
    assert active == [ADMIN, winners[0].user_id]


async def test_an_invite_dies_with_its_creators_admin_role(
    db: Database, invites: InviteRepository
) -> None:
    operators = OperatorRepository(db)
    await operators.grant(2, Role.ADMIN, by=ADMIN)
    await operators.grant(3, Role.ADMIN, by=ADMIN)
    by_revoked = await invites.create(Role.ADMIN, created_by=2, valid_for=timedelta(days=1))
    by_demoted = await invites.create(Role.OPERATOR, created_by=3, valid_for=timedelta(days=1))
    kept = await invites.create(Role.VIEWER, created_by=ADMIN, valid_for=timedelta(days=1))

    await operators.revoke(2, by=ADMIN)
    await operators.grant(3, Role.OPERATOR, by=ADMIN)
    await operators.grant(2, Role.ADMIN, by=ADMIN)  # back: the old invite stays dead

    assert await invites.consume(by_revoked.token, user_id=70) is InviteRejection.CANCELLED
    assert await invites.consume(by_demoted.token, user_id=71) is InviteRejection.CANCELLED
    assert await operators.get(70) is None
    assert await operators.get(71) is None
    assert [invite.id for invite in await invites.list_open()] == [kept.invite.id]
    details = {e.action: e.details for e in await AuditRepository(db).recent()}
    assert details["operator.revoke"] == {"invites_cancelled": 1}


async def test_an_invite_whose_creator_lost_the_role_otherwise_is_refused_without_a_write(
    db: Database, invites: InviteRepository
) -> None:
    # Deactivated by hand in the database (or by an older version, which did not cancel).
    await OperatorRepository(db).grant(4, Role.ADMIN, by=ADMIN)
    created = await invites.create(Role.ADMIN, created_by=4, valid_for=timedelta(days=1))
    async with db.transaction() as tx:
        await tx.execute("UPDATE operators SET active = 0 WHERE user_id = 4")
    before = database_contents(db.path)

    assert await invites.consume(created.token, user_id=72) is InviteRejection.CANCELLED
    assert database_contents(db.path) == before


async def test_an_admin_cancels_an_open_invite(db: Database, invites: InviteRepository) -> None:
    created = await invites.create(Role.OPERATOR, created_by=ADMIN, valid_for=timedelta(days=1))
    used = await invites.create(Role.OPERATOR, created_by=ADMIN, valid_for=timedelta(days=1))
    await invites.consume(used.token, user_id=80)

    assert await invites.cancel(created.invite.id, by=ADMIN) is True
    assert await invites.cancel(created.invite.id, by=ADMIN) is False  # already
    assert await invites.cancel(used.invite.id, by=ADMIN) is False  # used: history stays
    assert await invites.consume(created.token, user_id=81) is InviteRejection.CANCELLED
    assert await invites.list_open() == []
    [latest, *_] = await AuditRepository(db).recent()
    assert (latest.actor_id, latest.action, latest.subject) == (
        ADMIN,
        "invite.cancel",
        f"invite:{created.invite.id}",
    )


async def test_generated_setting_is_created_once(db: Database) -> None:
    kv = KeyValueRepository(db)
    first = await kv.get_or_create("reports_secret", lambda: "first")
    second = await kv.get_or_create("reports_secret", lambda: "second")
    assert (first, second) == ("first", "first")
    await kv.set("reports_secret", "rotated")
    assert await kv.get("reports_secret") == "rotated"
    assert await kv.delete("reports_secret") is True
    assert await kv.get("reports_secret") is None
