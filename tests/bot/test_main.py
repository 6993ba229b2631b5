"""`python -m bot` as `make run` starts it: what it says on stderr when it cannot start, and
the playground's one line when no BOT_TOKEN is set. A real process in a folder of its own
(no `.env` but the test's)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx
import pytest

from bot.settings import ConfigError, Settings, split_listen
from tests.fault_proxy import FaultProxy
from tests.helpers import free_port, read_until, run_to_exit, taken_port

ROOT = Path(__file__).resolve().parents[2]
OWN_SETTINGS = ("BOT_TOKEN", "TELEGRAM", "PLAYGROUND", "PROVIDER", "REPORTS", "DATABASE", "ADMIN")


def bot_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(OWN_SETTINGS)}
    return {
        **inherited,
        "PYTHONPATH": str(ROOT),
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        "REPORTS_LISTEN": "127.0.0.1:0",
        **settings,
    }


def own_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **settings: str) -> None:
    """This process's environment and folder as :func:`bot_env` gives them to a child."""
    monkeypatch.chdir(tmp_path)
    for name in [name for name in os.environ if name.startswith(OWN_SETTINGS)]:
        monkeypatch.delenv(name)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


async def bot_to_exit(tmp_path: Path, env: dict[str, str]) -> tuple[int, list[str]]:
    code, _, err = await run_to_exit("bot", cwd=tmp_path, env=env)
    return code, err.splitlines()


async def test_a_taken_playground_port_is_said_in_one_line(tmp_path: Path) -> None:
    with taken_port() as port:
        address = f"127.0.0.1:{port}"
        code, lines = await bot_to_exit(tmp_path, bot_env(tmp_path, PLAYGROUND_LISTEN=address))

    assert code == 2
    assert lines[-1] == (
        f"delivery-desk: PLAYGROUND_LISTEN={address}: cannot listen there (address already in"
        " use); stop what uses it or set PLAYGROUND_LISTEN to another host:port"
    )
    assert not any("Traceback" in line for line in lines)


async def test_a_taken_report_port_is_said_in_one_line(tmp_path: Path) -> None:
    with taken_port() as port:
        address = f"127.0.0.1:{port}"
        env = bot_env(
            tmp_path,
            BOT_TOKEN="123456:never-used",
            TELEGRAM_API_URL=f"http://127.0.0.1:{free_port()}",
            REPORTS_LISTEN=address,
        )
        code, lines = await bot_to_exit(tmp_path, env)

    assert code == 2
    assert lines[-1] == (
        f"delivery-desk: REPORTS_LISTEN={address}: cannot listen there (address already in"
        " use); stop what uses it or set REPORTS_LISTEN to another host:port"
    )
    assert not any("Traceback" in line for line in lines)
    assert "123456:never-used" not in "\n".join(lines)


async def test_a_listen_address_that_is_not_host_and_port_is_refused(tmp_path: Path) -> None:
    code, lines = await bot_to_exit(tmp_path, bot_env(tmp_path, REPORTS_LISTEN="8081"))

    assert code == 2
    assert lines == [
        "delivery-desk: REPORTS_LISTEN: expected host:port, e.g. 127.0.0.1:8081, not '8081'"
    ]


@pytest.mark.parametrize("address", ["localhost:http", "0.0.0.0:65536", "127.0.0.1:"])
def test_listen_addresses_need_a_port_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    own_settings(monkeypatch, tmp_path, PLAYGROUND_LISTEN=address)

    with pytest.raises(ConfigError) as refused:
        Settings.load(dict(os.environ))

    assert str(refused.value) == (
        f"PLAYGROUND_LISTEN: expected host:port, e.g. 127.0.0.1:8081, not {address!r}"
    )


@pytest.mark.parametrize("address", [":8081", "0.0.0.0:0", "[::1]:8081"])
def test_listen_addresses_with_a_port_are_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    own_settings(monkeypatch, tmp_path, REPORTS_LISTEN=address)

    assert Settings.load(dict(os.environ)).reports.reports_listen == address


@pytest.mark.parametrize(
    ("address", "bound"),
    [
        (":8081", ("192.0.2.1", 8081)),
        ("[::1]:8081", ("::1", 8081)),
        ("10.0.0.5:80", ("10.0.0.5", 80)),
    ],
)
def test_listen_addresses_are_bound_as_aiohttp_wants_them(
    address: str, bound: tuple[str, int]
) -> None:
    assert split_listen(address, default_host="192.0.2.1") == bound


async def test_without_a_token_it_says_where_the_playground_is(tmp_path: Path) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=bot_env(tmp_path, PLAYGROUND_LISTEN=f"127.0.0.1:{port}"),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    seen: list[str] = []
    try:
        async with asyncio.timeout(60):
            said = await read_until(process.stderr, "delivery-desk:", seen)
            assert said.rstrip("\n") == (
                f"delivery-desk: no BOT_TOKEN, so this is the playground: open"
                f" http://127.0.0.1:{port}/ in a browser (set BOT_TOKEN in .env to use Telegram)."
            )
            async with httpx.AsyncClient() as http:
                page = await http.get(f"http://127.0.0.1:{port}/")
            assert page.status_code == 200
            # Stopped once it polls (aiogram's signal handlers are in place from then on).
            await read_until(process.stderr, "Start polling", seen)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            await process.communicate()
    assert process.returncode == 0


async def test_a_sandbox_account_with_voice_code_gets_a_sandbox_that_reads_calls_out(
    tmp_path: Path,
) -> None:
    """VoiceCode is the account's (seed 004, line 70): the embedded sandbox plays it."""
    env = bot_env(
        tmp_path, PLAYGROUND_LISTEN=f"127.0.0.1:{free_port()}", PROVIDER_VOICE_CODE="true"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    seen: list[str] = []
    try:
        async with asyncio.timeout(60):
            started = await read_until(process.stderr, "event=sandbox_started", seen)
            await read_until(process.stderr, "Start polling", seen)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            await process.communicate()
    assert "voice_code=yes" in started
    assert process.returncode == 0


def test_voice_code_is_refused_on_a_legacy_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own_settings(
        monkeypatch,
        tmp_path,
        PROVIDER_API="legacy-json",
        PROVIDER_URL="https://platform.example/",
        PROVIDER_LOGIN="desk",
        PROVIDER_PASSWORD="secret",
        PROVIDER_VOICE_CODE="true",
    )

    with pytest.raises(ConfigError) as refused:
        Settings.load(dict(os.environ))

    assert str(refused.value) == (
        "PROVIDER_VOICE_CODE: the legacy-json API has no FlashingCall and so no VoiceCode"
    )


def test_the_receivers_exposure_is_configured_by_its_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own_settings(
        monkeypatch,
        tmp_path,
        REPORTS_TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.1",
        REPORTS_MAX_CONNECTIONS="64",
        REPORTS_READ_TIMEOUT="2.5",
        REPORTS_KEEPALIVE_TIMEOUT="30",
        REPORTS_ANSWER_TIMEOUT="5",
    )
    reports = Settings.load(dict(os.environ)).reports
    assert [str(n) for n in reports.reports_trusted_proxies] == ["10.0.0.0/8", "192.0.2.1/32"]
    assert (
        reports.reports_max_connections,
        reports.reports_read_timeout,
        reports.reports_keepalive_timeout,
        reports.reports_answer_timeout,
    ) == (64, 2.5, 30.0, 5.0)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("REPORTS_TRUSTED_PROXIES", "proxy.internal"), ("REPORTS_MAX_CONNECTIONS", "0")],
)
def test_a_wrong_exposure_setting_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    own_settings(monkeypatch, tmp_path, **{variable: value})
    with pytest.raises(ConfigError) as refused:
        Settings.load(dict(os.environ))
    assert str(refused.value).startswith(f"{variable}: ")


def test_duplicate_control_is_off_unless_the_account_declares_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seed 001: duplicate control by id is switched on separately per account."""
    own_settings(monkeypatch, tmp_path)
    assert [a.duplicate_control for a in Settings.load(dict(os.environ)).accounts] == [False]

    own_settings(monkeypatch, tmp_path, PROVIDER_DUPLICATE_CONTROL="true")
    assert [a.duplicate_control for a in Settings.load(dict(os.environ)).accounts] == [True]

    accounts = tmp_path / "accounts.toml"
    accounts.write_text(
        "[[accounts]]\nname = 'on'\napi = 'rest'\nurl = 'https://p.example/rest/send'\n"
        "login = 'l'\npassword = 'p'\nduplicate_control = true\n"
        "[[accounts]]\nname = 'off'\napi = 'rest'\nurl = 'https://p.example/rest/send'\n"
        "login = 'l'\npassword = 'p'\n",
        encoding="utf-8",
    )
    own_settings(monkeypatch, tmp_path, ACCOUNTS_FILE=str(accounts))
    loaded = Settings.load(dict(os.environ)).accounts
    assert [(a.name, a.duplicate_control) for a in loaded] == [("on", True), ("off", False)]


def test_the_default_region_is_russia_and_must_be_a_country(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own_settings(monkeypatch, tmp_path)
    assert Settings.load(dict(os.environ)).provider.default_region == "RU"

    own_settings(monkeypatch, tmp_path, DEFAULT_REGION="kz")
    assert Settings.load(dict(os.environ)).provider.default_region == "KZ"

    own_settings(monkeypatch, tmp_path, DEFAULT_REGION="Russia")
    with pytest.raises(ConfigError, match=r"^DEFAULT_REGION: 'Russia' is not a country code"):
        Settings.load(dict(os.environ))


async def test_telegram_failing_at_start_up_leaves_the_receiver_running(tmp_path: Path) -> None:
    # Nothing listens upstream: the proxy answers every Bot API call as a load balancer
    # does when Telegram is away, 502 with its HTML page.
    async with FaultProxy(f"http://127.0.0.1:{free_port()}").running() as telegram:
        port = free_port()
        env = bot_env(
            tmp_path,
            BOT_TOKEN="123456:telegram-is-away",
            TELEGRAM_API_URL=telegram.url,
            REPORTS_LISTEN=f"127.0.0.1:{port}",
            REPORTS_SECRET="s3cret",
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        report = {"mtNum": "77", "status": 2, "type": "SMS", "destAddr": "79001234567"}
        try:
            async with asyncio.timeout(60), httpx.AsyncClient() as http:
                while True:  # polling a readiness endpoint, bounded by the deadline
                    assert process.returncode is None, "the bot exited while Telegram failed"
                    try:
                        stored = await http.post(
                            f"http://127.0.0.1:{port}/reports/s3cret", json=report
                        )
                    except httpx.TransportError:
                        await asyncio.sleep(0.1)
                        continue
                    if stored.status_code == 200:
                        break
                    await asyncio.sleep(0.1)
            # It keeps asking Telegram, and keeps running meanwhile.
            await telegram.wait_for(
                lambda seen: (
                    sum(s.path.endswith("/setMyCommands") for s in seen) >= 2
                    and sum(s.path.endswith("/getMe") for s in seen) >= 2
                ),
                timeout=30,
            )
            assert process.returncode is None
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                _, err = await process.communicate()
    assert process.returncode == 0, err.decode()[-2000:]
    assert "123456:telegram-is-away" not in err.decode()
