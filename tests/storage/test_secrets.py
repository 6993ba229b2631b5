"""No password or token reaches a stored payload."""

from __future__ import annotations

from pathlib import Path

from aiogram.fsm.storage.base import StorageKey
from hypothesis import given
from hypothesis import strategies as st

from storage import (
    REDACTED,
    Account,
    AccountRepository,
    ApiFamily,
    AuditRepository,
    Database,
    NewSend,
    NewStatusEvent,
    OutsideReportRepository,
    Scrubber,
    SendRepository,
    StatusRepository,
    secrets_scrub,
)
from storage.fsm import SQLiteStorage
from tests.storage.conftest import FakeClock, accepted_send

PASSWORD = "Pl@tf0rm-pa55word"
# A made-up token in the shape of a real one (split so no scanner mistakes it for one).
BOT_TOKEN = "1234567890" + ":AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
INVITE_SECRET = "reports-secret-value-9f8e7d"


async def dump(db: Database) -> str:
    """Every row of every table as text, read back with SQL."""
    tables = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
    text: list[str] = []
    for table in tables:
        rows = await db.fetch_all(f'SELECT * FROM "{table["name"]}"')  # noqa: S608 - test
        text.extend(repr(tuple(row)) for row in rows)
    return "\n".join(text)


async def test_request_with_credentials_is_stored_without_them(
    db: Database, account: Account
) -> None:
    request = {
        "login": "desk",
        "password": PASSWORD,
        "message": {"type": "SMS", "data": {"text": f"token is {BOT_TOKEN}"}},
        "nested": [{"Api_Key": "k-123456"}, {"X-Auth-TOKEN": "t-98765"}],
    }
    send = await SendRepository(db).create_submitting(
        NewSend("p-1", account.id, "SMS", ("SMS",), "79101234567", request, 1, 1)
    )
    row = await db.fetch_one("SELECT request_json FROM sends WHERE id = ?", (send.id,))
    assert row is not None
    raw = row["request_json"]
    for secret in (PASSWORD, BOT_TOKEN, "k-123456", "t-98765"):
        assert secret not in raw
    assert send.request["login"] == "desk"  # the rest stays useful
    assert send.request["password"] == REDACTED
    assert request["password"] == PASSWORD  # the caller's object is not mutated


async def test_no_stored_payload_anywhere_holds_a_secret(db_path: Path, clock: FakeClock) -> None:
    async with await Database.open(db_path, clock=clock, literal_secrets=[PASSWORD]) as db:
        account = await AccountRepository(db).ensure("main", ApiFamily.LEGACY)
        legacy_url = f"https://host/sendmessage.php?login=desk&password={PASSWORD}&phone=7910"
        send = await SendRepository(db).create_submitting(
            NewSend("p-1", account.id, "SMS", ("SMS",), "7910", {"url": legacy_url}, 1, 1)
        )
        await SendRepository(db).mark_unknown(send.id, f"timeout calling {legacy_url}")
        await StatusRepository(db).record_status_event(
            NewStatusEvent(
                "SMS",
                "send",
                send_id=send.id,
                raw={"body": f'{{"login": "desk", "password": "{PASSWORD}"}}'},
            )
        )
        await OutsideReportRepository(db).store(
            NewStatusEvent(
                "SMS",
                "DELIVERED",
                mt_num="x",
                raw={"xml": f'<password value="{PASSWORD}"/>', "text": f"pw {PASSWORD}"},
            )
        )
        await AuditRepository(db).log(
            1, "settings.show", "reports", {"secret": INVITE_SECRET, "note": BOT_TOKEN}
        )
        await SQLiteStorage(db).set_data(
            StorageKey(bot_id=1, chat_id=1, user_id=1), {"text": f"my token {BOT_TOKEN}"}
        )
        everything = await dump(db)

    assert "desk" in everything  # the dump really contains the payloads
    for secret in (PASSWORD, BOT_TOKEN, INVITE_SECRET):
        assert secret not in everything


async def test_reports_and_audit_keep_their_useful_content(db: Database, account: Account) -> None:
    await accepted_send(db, account, "p-1", "7390612217")
    report = {"mtNum": "7390612217", "status": 2, "destAddr": "72101234567", "text": "code 1234"}
    await StatusRepository(db).record_status_event(
        NewStatusEvent("SMS", "DELIVERED", mt_num="7390612217", raw=report)
    )
    row = await db.fetch_one("SELECT raw_json FROM status_events")
    assert row is not None
    assert '"mtNum": "7390612217"' in row["raw_json"]
    assert "code 1234" in row["raw_json"]


def test_scrubber_rules() -> None:
    scrubber = Scrubber(literal_secrets=["abc", "longer-secret"])
    assert scrubber.scrub({"PassWord": 123, "client_secret": {"a": 1}}) == {
        "PassWord": REDACTED,
        "client_secret": REDACTED,
    }
    assert scrubber.scrub(["x longer-secret y", ("abc",)]) == [f"x {REDACTED} y", ["abc"]]
    assert scrubber.scrub_text("a=1&password=p%40ss&b=2") == f"a=1&password={REDACTED}&b=2"
    assert scrubber.scrub_text('{"token": "t\\"x", "id": "1"}') == (
        f'{{"token": "{REDACTED}", "id": "1"}}'
    )
    assert scrubber.scrub_text('<password value="p"/>') == f'<password value="{REDACTED}"/>'
    assert scrubber.scrub_text(f"bot{BOT_TOKEN}/getMe") == f"bot{REDACTED}/getMe"
    # Ordinary platform data is left alone.
    innocent = {"mtNum": "7390612217", "time": "10:20:35", "text": "code 1234", "count": 3}
    assert scrubber.scrub(innocent) == innocent


def _every_pattern(scrubber: Scrubber, text: str) -> str:
    """``scrub_text`` without its quick tests: each pattern over the whole text."""
    for literal in sorted({"longer-secret"}, key=len, reverse=True):
        text = text.replace(literal, REDACTED)
    text = secrets_scrub._BOT_TOKEN.sub(REDACTED, text)
    text = secrets_scrub._QUERY_PAIR.sub(rf"\g<1>{REDACTED}", text)
    text = secrets_scrub._JSON_PAIR.sub(rf'\g<1>"{REDACTED}"', text)
    return secrets_scrub._XML_VALUE.sub(rf'\g<1>"{REDACTED}"', text)


fragments = st.sampled_from(
    [
        "password=",
        "PaSsWoRd=",
        "paſsword=",  # (?i) takes "ſ" for "s"; str.lower() does not
        "apİ_key=",
        "secret",
        '"token": "v"',
        '<passwd value="v"/>',
        "123456789:",
        "A" * 30,
        "123456789:" + "A" * 35,
        "longer-secret",
        "v",
        "&",
        " ",
        '"',
        "é",
    ]
)


@given(parts=st.lists(st.one_of(fragments, st.text(max_size=5)), max_size=8))
def test_the_quick_tests_never_change_what_is_scrubbed(parts: list[str]) -> None:
    scrubber = Scrubber(literal_secrets=["longer-secret"])
    text = "".join(parts)
    assert scrubber.scrub_text(text) == _every_pattern(scrubber, text)
