"""No configured secret reaches a stored payload; no operator text is changed on its way in."""

from __future__ import annotations

import time
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
)
from storage.fsm import SQLiteStorage
from tests.storage.conftest import FakeClock, accepted_send

PASSWORD = "Pl@tf0rm pa55word"
# A made-up token in the shape of a real one (split so no scanner mistakes it for one).
BOT_TOKEN = "1234567890" + ":AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
REPORT_SECRET = "reports-secret-value-9f8e7d"
OPERATOR_TEXT = "Your password=1234 confirm https://ex.example/c?token=abc123 &secret=x"


async def dump(db: Database) -> str:
    """Every row of every table as text, read back with SQL."""
    tables = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
    text: list[str] = []
    for table in tables:
        rows = await db.fetch_all(f'SELECT * FROM "{table["name"]}"')  # noqa: S608 - test
        text.extend(repr(tuple(row)) for row in rows)
    return "\n".join(text)


async def test_a_request_is_stored_as_sent_but_its_password_field(
    db: Database, account: Account
) -> None:
    request = {
        "login": "desk",
        "password": PASSWORD,
        "message": {"type": "SMS", "data": {"text": OPERATOR_TEXT}},
    }
    send = await SendRepository(db).create_submitting(
        NewSend("p-1", account.id, "SMS", ("SMS",), "79101234567", request, 1, 1)
    )
    row = await db.fetch_one("SELECT request_json FROM sends WHERE id = ?", (send.id,))
    assert row is not None
    assert PASSWORD not in row["request_json"]
    assert send.request["password"] == REDACTED
    assert send.request["login"] == "desk"
    # What the operator wrote is a message, not a credential: "send again" sends it as is.
    assert send.request["message"]["data"]["text"] == OPERATOR_TEXT
    assert request["password"] == PASSWORD  # the caller's object is not mutated


async def test_forms_keep_the_operators_text_exactly_even_holding_a_secret(
    db_path: Path, clock: FakeClock
) -> None:
    """A form is what will be sent: a text holding even the configured password itself goes
    to the subscriber as written (never ``***``)."""
    text = f"{OPERATOR_TEXT} {PASSWORD}"
    async with await Database.open(db_path, clock=clock, literal_secrets=[PASSWORD]) as db:
        storage = SQLiteStorage(db)
        key = StorageKey(bot_id=1, chat_id=1, user_id=1)
        await storage.set_data(key, {"draft": {"steps": [{"text": text}]}})
        assert await storage.get_data(key) == {"draft": {"steps": [{"text": text}]}}


async def test_no_other_stored_payload_holds_a_configured_secret(
    db_path: Path, clock: FakeClock
) -> None:
    secrets = [PASSWORD, BOT_TOKEN]
    async with await Database.open(db_path, clock=clock, literal_secrets=secrets) as db:
        db.add_literal_secret(REPORT_SECRET)  # generated, known once the database is open
        account = await AccountRepository(db).ensure("main", ApiFamily.LEGACY)
        legacy_url = (
            "https://host/sendmessage.php?login=desk&password=Pl%40tf0rm+pa55word&phone=7910"
        )
        send = await SendRepository(db).create_submitting(
            NewSend("p-1", account.id, "SMS", ("SMS",), "7910", {"text": "hi"}, 1, 1)
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
            1, "settings.show", "reports", {"url": f"/reports/{REPORT_SECRET}", "n": BOT_TOKEN}
        )
        everything = await dump(db)

    assert "desk" in everything  # the dump really contains the payloads
    for secret in (PASSWORD, "Pl%40tf0rm+pa55word", BOT_TOKEN, REPORT_SECRET):
        assert secret not in everything


async def test_reports_and_audit_keep_their_useful_content(db: Database, account: Account) -> None:
    await accepted_send(db, account, "p-1", "7390612217")
    report = {"mtNum": "7390612217", "status": 2, "destAddr": "72101234567", "text": OPERATOR_TEXT}
    await StatusRepository(db).record_status_event(
        NewStatusEvent("SMS", "DELIVERED", mt_num="7390612217", raw=report)
    )
    row = await db.fetch_one("SELECT raw_json FROM status_events")
    assert row is not None
    assert '"mtNum": "7390612217"' in row["raw_json"]
    assert OPERATOR_TEXT in row["raw_json"]


def test_scrubber_rules() -> None:
    scrubber = Scrubber(literal_secrets=["abc", "longer secret"])
    # The platform's credential field, whatever its value's type.
    assert scrubber.scrub({"password": 123, "Password": {"a": 1}}) == {
        "password": REDACTED,
        "Password": REDACTED,
    }
    # Configured secrets by exact value, in each spelling; too short ones are not secrets.
    assert scrubber.scrub(["x longer secret y", ("abc",)]) == [f"x {REDACTED} y", ["abc"]]
    assert scrubber.scrub_text("u?p=longer+secret&q=longer%20secret") == (
        f"u?p={REDACTED}&q={REDACTED}"
    )
    # No pattern over text: names and shapes of secrets are not secrets.
    innocent = {
        "text": OPERATOR_TEXT,
        "token": "t-98765",
        "client_secret": "s",
        "note": f"bot{BOT_TOKEN}/getMe",
        "xml": '<password value="p"/>',
        "mtNum": "7390612217",
    }
    assert scrubber.scrub(innocent) == innocent


fragments = st.sampled_from(
    ["password=", '"token": "v"', "longer secret", "longer+secret", "&", " ", '"', "é", "\\"]
)


@given(parts=st.lists(st.one_of(fragments, st.text(max_size=5)), max_size=8))
def test_only_the_secrets_themselves_are_replaced(parts: list[str]) -> None:
    scrubber = Scrubber(literal_secrets=["longer secret"])
    text = "".join(parts)
    scrubbed = scrubber.scrub_text(text)
    assert "longer secret" not in scrubbed
    assert "longer+secret" not in scrubbed
    if "longer" not in text:
        assert scrubbed == text
    # The quick test agrees with the full scrub.
    if scrubber.leaves_json_text_alone(f'{{"t": "{text}"}}'):
        assert scrubbed == text


def test_the_worst_input_of_a_mebibyte_is_scrubbed_in_linear_time() -> None:
    """Issue #18: no super-linear work on any input path. The scrubber's only work is an
    exact search per secret spelling; near-misses of a secret, over and over, are its
    hardest input."""
    secret = "a" * 63 + "b"
    scrubber = Scrubber(literal_secrets=[secret, BOT_TOKEN, PASSWORD])
    mebibyte = 1 << 20
    near_misses = ("a" * 63 + "c") * (mebibyte // 64)
    hostile = {
        "text": near_misses,
        "password=": near_misses,
        "nested": [{"a": near_misses[: mebibyte // 4]}] * 4,
    }
    start = time.perf_counter()
    scrubbed = scrubber.to_json(hostile)
    scrubber.scrub_text(near_misses + secret)
    elapsed = time.perf_counter() - start
    assert len(scrubbed) > 2 * mebibyte
    # Linear: a few milliseconds a mebibyte on any machine; quadratic would take minutes.
    assert elapsed < 1.0, f"{elapsed:.2f} s"
