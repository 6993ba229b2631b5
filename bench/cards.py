"""Report-to-card latency and flood behaviour of the card notifier, against the playground.

``python -m bench.cards`` (about 45 s). Layout: this process runs the playground (the
local Bot API, with Telegram's flood limits on) and posts the reports; the bot runs as
``python -m bot`` in a child process, configured by environment as in production
(BOT_TOKEN, TELEGRAM_API_URL pointing at the playground, DATABASE_PATH, REPORTS_LISTEN...).
Before the bot starts, 50 sends (Viber > SMS cascades, 10 in each of 5 private chats) are
stored and their status cards posted, as if the operators had just sent them.

1. Light load: each chat gets one report a second (the chats staggered by 200 ms), each
   one changing a card. Latency: from the moment the report's 200 is read to the moment
   the playground receives the ``editMessageText`` of that card (both on this machine's
   monotonic clock).
2. Burst: 1,000 reports over the same 50 cards within 2 s (statuses of both steps,
   duplicates and out-of-order ones included). Afterwards: the number of 429 answers, the
   most edits one chat got within any one second, and when every card first showed its
   final statuses, against the bound (cards changed in its chat) x 1 s + 2 s.

The last line reads
``cards: p50_ms=X p99_ms=Y converge_s=C max_edits_per_chat_s=E http_429=K``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import socket
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp

from bench._http import percentile
from bench._proc import ROOT, stop_process
from bench.data import T0, encode, report_body
from bot.telegram.session import make_bot
from playground import ApiCall, Playground, PlaygroundConfig
from provider.channels import CHANNEL_RULES, MessageType
from provider.reports import DeliveryStatus
from storage import AccountRepository, ApiFamily, Database, NewSend, SendRepository
from storage.status_ranks import status_key

HOST = "127.0.0.1"
SECRET = "bench-cards-secret"  # noqa: S105 - a local benchmark's receiver path
TOKEN = "123456:bench"  # noqa: S105 - the playground takes any <digits>:<text>
CHATS = (2001, 2002, 2003, 2004, 2005)
STEPS = ("VIBER", "SMS")
READY_TIMEOUT = 30.0


@dataclass
class Card:
    send_id: int
    mt_num: str
    partner_id: str
    chat_id: int
    message_id: int
    destination: str
    best: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Per step: the highest-ranked (status name, error code) reported so far."""

    def saw(self, step: str, status: DeliveryStatus, error: int) -> bool:
        """Record a report; True when it changes the card (storage's rule: rank, then code)."""
        name = status.name
        current = self.best.get(step)
        key = status_key(name, error or None)
        if current is None or key > status_key(current[0], current[1] or None):
            self.best[step] = (name, error)
            return True
        return False

    def final_lines(self) -> list[str]:
        """What the card must show once everything reported so far is on it."""
        lines = []
        for number, step in enumerate(STEPS, start=1):
            if step in self.best:
                label = CHANNEL_RULES[MessageType(step)].label
                lines.append(f"{number}. {label}: {self.best[step][0]}")
        return lines


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
    return port


async def prepare(db_path: Path, playground: Playground, count: int) -> list[Card]:
    """Sends in the database and their cards in the chats, before the bot starts."""
    cards: list[Card] = []
    bot = make_bot(TOKEN, playground.base_url, wait_out_flood_limits=True)
    try:
        async with await Database.open(db_path) as db:
            account = await AccountRepository(db).ensure("bench", ApiFamily.REST)
            sends = SendRepository(db)
            for n in range(count):
                chat = CHATS[n % len(CHATS)]
                destination = f"7900555{n:04d}"
                send = await sends.create_submitting(
                    NewSend(
                        partner_id=f"cards-{n}",
                        account_id=account.id,
                        channel="CASCADE",
                        steps=STEPS,
                        destination=destination,
                        request={"destAddr": destination},
                        operator_id=chat,
                        chat_id=chat,
                    )
                )
                mt_num = str(800_000_000 + n)
                await sends.mark_accepted(send.id, mt_num=mt_num)
                message = await bot.send_message(chat, f"mtNum {mt_num}: ⏳")
                await sends.set_card_message(send.id, message.message_id)
                cards.append(
                    Card(send.id, mt_num, f"cards-{n}", chat, message.message_id, destination)
                )
    finally:
        await bot.session.close()
    return cards


@contextlib.asynccontextmanager
async def bot_process(tmp: Path, playground: Playground) -> AsyncIterator[str]:
    """``python -m bot`` against the playground; yields the receiver's report URL."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=playground.base_url,
        ADMIN_IDS=",".join(map(str, CHATS)),
        DATABASE_PATH=str(tmp / "bot.sqlite3"),
        REPORTS_LISTEN=f"{HOST}:{port}",
        REPORTS_SECRET=SECRET,
        PROVIDER_API="sandbox",
        PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])]),
    )
    log = (tmp / "bot.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp, env=env, stdout=log, stderr=log
    )
    base = f"http://{HOST}:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + READY_TIMEOUT
            while True:
                if process.returncode is not None:
                    raise RuntimeError(f"the bot exited early; see {tmp / 'bot.log'}")
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(base + "/health") as response:
                        if response.status == 200:
                            break
                if time.monotonic() > deadline:
                    raise RuntimeError("the bot did not become healthy in time")
                await asyncio.sleep(0.1)
        yield f"{base}/reports/{SECRET}"
    finally:
        await stop_process(process, 10.0)
        log.close()


class Poster:
    """Posts single reports; records when each 200 was read (time.monotonic)."""

    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self._http = http
        self._url = url
        self.failures = 0

    async def post(self, body: dict[str, Any]) -> tuple[float, float]:
        sent = time.monotonic()
        async with self._http.post(
            self._url, data=encode(body), headers={"Content-Type": "application/json"}
        ) as response:
            await response.read()
            acked = time.monotonic()
            if response.status != 200:
                self.failures += 1
        return sent, acked


def body_for(card: Card, step: str, status: DeliveryStatus, error: int, serial: int) -> Any:
    done = T0 + timedelta(minutes=card.send_id, seconds=serial)
    return report_body(
        card.mt_num, card.partner_id, step, int(status), error, card.destination, done
    )


def edits(playground: Playground) -> list[ApiCall]:
    return [c for c in playground.calls if c.method.lower() == "editmessagetext"]


async def light_load(
    playground: Playground,
    poster: Poster,
    cards: list[Card],
    seconds: int,
    verbose: bool,
    interval: float = 1.0,
) -> list[tuple[int, float]]:
    """One report per chat per second; returns (second, report-to-edit latency in s)."""
    per_chat: dict[int, list[Card]] = defaultdict(list)
    for card in cards:
        per_chat[card.chat_id].append(card)
    # Each card moves one step further per report: Viber SEND, Viber DELIVERED, SMS SEND...
    plan = [
        ("VIBER", DeliveryStatus.SEND),
        ("VIBER", DeliveryStatus.DELIVERED),
        ("SMS", DeliveryStatus.SEND),
    ]
    samples: list[tuple[Card, float, float, int]] = []

    async def chat_loop(offset: float, chat_cards: list[Card]) -> None:
        start = time.monotonic() + offset
        for tick in range(round(seconds / interval)):
            await asyncio.sleep(max(0.0, start + tick * interval - time.monotonic()))
            card = chat_cards[tick % len(chat_cards)]
            step, status = plan[(tick // len(chat_cards)) % len(plan)]
            card.saw(step, status, 0)
            sent, acked = await poster.post(body_for(card, step, status, 0, tick))
            samples.append((card, sent, acked, tick))

    await asyncio.gather(
        *(chat_loop(0.2 * index, per_chat[chat]) for index, chat in enumerate(sorted(per_chat)))
    )
    await asyncio.sleep(1.0)  # the last edits
    calls = edits(playground)
    if verbose:
        chat = CHATS[0]
        mine = [c for c in calls if c.params.get("chat_id") == chat]
        gaps = [f"{(b.at - a.at) * 1000:.0f}" for a, b in itertools.pairwise(mine)]
        spans = [f"{(c.finished_at - c.at) * 1000:.1f}" for c in mine]
        print(f"light, chat {chat}: ms between edits {' '.join(gaps)}")
        print(f"light, chat {chat}: ms the playground took per edit {' '.join(spans)}")
    latencies = []
    for card, sent, acked, tick in samples:
        edit = next(
            (
                c
                for c in calls
                if c.ok
                and c.at >= sent
                and c.params.get("chat_id") == card.chat_id
                and c.params.get("message_id") == card.message_id
            ),
            None,
        )
        latencies.append((tick, float("inf") if edit is None else edit.at - acked))
    if verbose:
        slowest = sorted(zip(latencies, samples, strict=True), key=lambda x: -x[0][1])[:5]
        print(
            "light, slowest (second chat: report 200 -> edit, post -> 200, ms): "
            + ", ".join(
                f"{tick}s {card.chat_id}: {latency * 1000:.0f}, {(acked - sent) * 1000:.0f}"
                for (tick, latency), (card, sent, acked, _) in slowest
            )
        )
    return latencies


@dataclass(frozen=True, slots=True)
class BurstResult:
    ended_at: float
    converge_s: float
    within_bound: bool
    worst_chat: str
    max_edits_per_chat_s: int


async def burst(
    playground: Playground,
    poster: Poster,
    cards: list[Card],
    reports: int,
    seconds: float,
    rng: random.Random,
    verbose: bool = False,
) -> BurstResult:
    options = [
        ("VIBER", DeliveryStatus.DELIVERED, 0),
        ("VIBER", DeliveryStatus.READ, 0),
        ("VIBER", DeliveryStatus.UNDELIVERED, 2),
        ("SMS", DeliveryStatus.SEND, 0),
        ("SMS", DeliveryStatus.DELIVERED, 0),
        ("SMS", DeliveryStatus.UNDELIVERED, 2),
        ("SMS", DeliveryStatus.UNDELIVERED, 7),
    ]
    planned: list[tuple[Card, Any]] = []
    changed: dict[int, set[int]] = defaultdict(set)
    for serial in range(reports):
        card = cards[serial % len(cards)]
        if planned and rng.random() < 0.15:  # a duplicate of an earlier report
            card, body = rng.choice(planned)
        else:
            step, status, error = rng.choice(options)
            body = body_for(card, step, status, error, 1000 + serial)
        planned.append((card, body))
    for card, body in planned:
        status = DeliveryStatus(body["status"])
        if card.saw(body["type"], status, int(body["errorCode"])):
            changed[card.chat_id].add(card.send_id)

    start = time.monotonic()
    interval = seconds / len(planned)

    async def one(index: int, body: Any) -> None:
        await asyncio.sleep(max(0.0, start + index * interval - time.monotonic()))
        await poster.post(body)

    await asyncio.gather(*(one(i, body) for i, (_, body) in enumerate(planned)))
    ended = time.monotonic()

    # Every card must come to show its final statuses; wait within the bound (+ margin).
    per_chat_bound = {chat: len(sends) * 1.0 + 2.0 for chat, sends in changed.items()}
    longest = max(per_chat_bound.values(), default=2.0)

    def settled() -> bool:
        return all(
            all(
                line in playground.chat(c.chat_id).message(c.message_id).text
                for line in c.final_lines()
            )
            for c in cards
        )

    with contextlib.suppress(AssertionError):
        await playground.wait_for(settled, timeout=longest + 5.0, what="every card final")
    calls = [c for c in edits(playground) if c.ok]
    converge = 0.0
    within = True
    worst = ""
    for card in cards:
        lines = card.final_lines()
        shown = [
            c.at
            for c in calls
            if c.params.get("chat_id") == card.chat_id
            and c.params.get("message_id") == card.message_id
            and all(line in _plain(c.params.get("text")) for line in lines)
        ]
        took = (min(shown) - ended) if shown else float("inf")
        took = max(took, 0.0)
        converge = max(converge, took)
        bound = per_chat_bound.get(card.chat_id, 2.0)
        if took > bound:
            within = False
        if took >= converge:
            worst = f"chat {card.chat_id}: {took:.2f}s (bound {bound:.0f}s)"
    if verbose:
        for chat in CHATS:
            times = [
                f"{c.method[0]}{c.at - ended:+.2f}"
                for c in playground.calls
                if c.params.get("chat_id") == chat
                and c.at > start - 1
                and c.method.lower() in ("editmessagetext", "sendmessage")
            ]
            print(f"chat {chat} edits after the burst start: {' '.join(times)}")
    return BurstResult(ended, converge, within, worst, max_per_second(edits(playground)))


def _plain(text: Any) -> str:
    """The edit's HTML text without tags (the card puts statuses in <b>)."""
    plain = str(text or "")
    for tag in ("<b>", "</b>", "<i>", "</i>", "<code>", "</code>"):
        plain = plain.replace(tag, "")
    return plain


def max_per_second(calls: list[ApiCall]) -> int:
    """The most calls any one chat got within a window of one second."""
    by_chat: dict[Any, list[float]] = defaultdict(list)
    for call in calls:
        by_chat[call.params.get("chat_id")].append(call.at)
    most = 0
    for times in by_chat.values():
        times.sort()
        left = 0
        for right, at in enumerate(times):
            while at - times[left] >= 1.0:
                left += 1
            most = max(most, right - left + 1)
    return most


async def main_async(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)  # noqa: S311 - reproducible traffic, not secrets
    config = PlaygroundConfig(flood_control=False)
    with contextlib.ExitStack() as stack:
        if args.keep is None:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-cards-")))
        else:
            tmp = args.keep
            tmp.mkdir(parents=True, exist_ok=False)
        async with Playground(config).running(HOST, 0) as playground:
            for chat in CHATS:
                playground.user(chat, f"Operator {chat}", language_code="en")
            cards = await prepare(tmp / "bot.sqlite3", playground, args.cards)
            playground.flood_control = True  # Telegram's limits from here on
            async with bot_process(tmp, playground) as url:
                await asyncio.sleep(1.5)  # setup calls leave the flood windows
                refusals_before = playground.flood_refusals
                connector = aiohttp.TCPConnector(limit=32)
                async with aiohttp.ClientSession(connector=connector) as http:
                    poster = Poster(http, url)
                    timed = await light_load(
                        playground,
                        poster,
                        cards,
                        args.light_seconds,
                        args.verbose,
                        args.light_interval,
                    )
                    light_max = max_per_second(edits(playground))
                    result = await burst(
                        playground,
                        poster,
                        cards,
                        args.burst_reports,
                        args.burst_seconds,
                        rng,
                        args.verbose,
                    )
                refusals = playground.flood_refusals - refusals_before
    latencies = [latency for _, latency in timed]
    ticks = round(args.light_seconds / args.light_interval)
    early = [latency for tick, latency in timed if tick < 5]
    late = [latency for tick, latency in timed if tick >= ticks - 5]
    finite = [x for x in latencies if x != float("inf")]
    missing = len(latencies) - len(finite)
    p50 = percentile(latencies, 50) * 1000
    p99 = percentile(latencies, 99) * 1000
    print(
        f"light: {len(latencies)} reports over {args.cards} cards in {len(CHATS)} chats,"
        f" a report every {args.light_interval:g}s per chat for {args.light_seconds}s;"
        f" report 200 -> edit:"
        f" p50={p50:.1f}ms p99={p99:.1f}ms max={percentile(finite, 100) * 1000:.1f}ms"
        f" min={min(finite, default=0) * 1000:.1f}ms no_edit={missing};"
        f" p50 of each chat's first 5 reports={percentile(early, 50) * 1000:.1f}ms,"
        f" of its last 5={percentile(late, 50) * 1000:.1f}ms;"
        f" max edits/chat/s={light_max}"
    )
    print(
        f"burst: {args.burst_reports} reports in {args.burst_seconds}s; every card final after"
        f" {result.converge_s:.2f}s (worst {result.worst_chat});"
        f" {'within' if result.within_bound else 'OUTSIDE'} the bound;"
        f" non-200 answers: {poster.failures}"
    )
    print(
        f"cards: p50_ms={p50:.1f} p99_ms={p99:.1f} converge_s={result.converge_s:.2f}"
        f" max_edits_per_chat_s={result.max_edits_per_chat_s} http_429={refusals}"
    )
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cards", description=__doc__)
    parser.add_argument("--cards", type=int, default=50)
    parser.add_argument("--light-seconds", type=int, default=30)
    parser.add_argument(
        "--light-interval", type=float, default=1.0, help="seconds between a chat's reports"
    )
    parser.add_argument("--burst-reports", type=int, default=1000)
    parser.add_argument("--burst-seconds", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--verbose", action="store_true", help="print every chat's edit times")
    parser.add_argument("--keep", type=Path, help="new folder for the database and log")
    sys.exit(asyncio.run(main_async(parser.parse_args())))


if __name__ == "__main__":
    main()
