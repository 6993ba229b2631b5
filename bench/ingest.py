"""Report ingestion: reports/s, ack latency and loss of the receiver vs a bare endpoint.

``python -m bench.ingest`` (40-60 s with the defaults). Layout: this process generates
load; the server under test runs alone in a child process (``bench._serve``), so the two
share no event loop and get a core each. The same requests, over the same number of
keep-alive connections, go first to a bare aiohttp endpoint in the same kind of child
process, then to the receiver, whose database every acknowledged report is then looked up
in. That pair runs ``--rounds`` times (each receiver on a fresh copy of the database as
set up): on a shared machine one pair's ratio moves too much to go by. The last line reads
``ingest: reports_per_s=N p99_ms=X ratio_vs_bare=R lost=L``: medians over the rounds, and
every round's losses.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from bench._http import LoadResult, post_request, run_load
from bench._proc import busy_seconds, server_process
from bench.data import encode, expected_key, make_sends, make_traffic, store_sends
from bot.reports.urls import REPORTS_PATH
from storage import Database

HOST = "127.0.0.1"
SECRET = "bench-secret"  # noqa: S105 - a local benchmark's receiver path
PHASE_TIMEOUT = 120.0
"""Seconds one load phase may take before the run is abandoned."""


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    load: LoadResult
    server_cpu: float
    """CPU seconds of the server process per second of the measured run."""
    client_cpu: float
    others: float
    """CPU seconds per second used by anything else on the machine (noise)."""
    per_thread: dict[str, float]
    """Server CPU microseconds per request, by thread name."""

    @property
    def cpu_us_per_request(self) -> float:
        """Server CPU (all its threads) per request (warm-up included), in microseconds."""
        seconds = self.load.elapsed + self.load.warmup_elapsed
        return self.server_cpu * seconds / len(self.load.statuses) * 1e6

    def line(self) -> str:
        codes = Counter(self.load.statuses)
        return (
            f"{self.name:<9} {self.load.per_second:>9.0f} {self.load.percentile_ms(50):>8.2f}"
            f" {self.load.percentile_ms(99):>8.2f} {self.load.percentile_ms(100):>8.2f}"
            f" {self.server_cpu:>7.2f} {self.cpu_us_per_request:>6.0f} {self.client_cpu:>7.2f}"
            f" {self.others:>6.2f}"
            f"  {dict(sorted(codes.items()))}"
        )


HEADER = (
    f"{'endpoint':<9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    f" {'srv cpu':>7} {'us/req':>6} {'gen cpu':>7} {'others':>6}  statuses"
)


async def run_phase(
    name: str, module_args: list[str], requests: list[bytes], args: argparse.Namespace
) -> Phase:
    async with server_process("bench._serve", *module_args) as server:
        raw = [post_request(HOST, server.port, REPORTS_PATH + SECRET, body) for body in requests]
        threads, own, busy = server.thread_cpu_seconds(), time.process_time(), busy_seconds()
        load = await asyncio.wait_for(
            run_load(HOST, server.port, raw, connections=args.connections, warmup=args.warmup),
            PHASE_TIMEOUT,
        )
        after, own = server.thread_cpu_seconds(), time.process_time() - own
        split = {name: after[name] - threads.get(name, 0.0) for name in after}
        cpu = sum(split.values())
        others = busy_seconds() - busy - cpu - own
    # Per second of the whole phase (warm-up included, as the CPU counters are).
    seconds = load.elapsed + load.warmup_elapsed
    per_thread = {name: used / len(requests) * 1e6 for name, used in split.items() if used}
    return Phase(name, load, cpu / seconds, own / seconds, max(0.0, others) / seconds, per_thread)


def count_lost(db_path: Path, bodies: list[bytes], kinds: list[str], statuses: list[int]) -> int:
    """Acknowledged (200) reports that are not in the database."""
    import json

    with closing(sqlite3.connect(db_path)) as connection:
        stored = {
            ("status_events:" + str(mt_num), str(key))
            for mt_num, key in connection.execute(
                "SELECT s.mt_num, e.natural_key FROM status_events e JOIN sends s"
                " ON s.id = e.send_id"
            )
        }
        stored |= {
            ("outside_reports", str(key))
            for (key,) in connection.execute("SELECT natural_key FROM outside_reports")
        }
    lost = 0
    for body, kind, status in zip(bodies, kinds, statuses, strict=True):
        if status == 200 and expected_key(json.loads(body), kind != "outside") not in stored:
            lost += 1
    return lost


async def main_async(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)  # noqa: S311 - reproducible traffic, not secrets
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        template = Path(tmp) / "sends.sqlite3"
        sends = make_sends(args.sends, chats=list(range(1001, 1021)), rng=rng)
        started = time.perf_counter()
        async with await Database.open(template) as db:
            await store_sends(db, sends)
        setup = time.perf_counter() - started
        traffic = make_traffic(
            sends,
            rng,
            duplicates=args.duplicates,
            outside=args.outside,
            out_of_order=args.out_of_order,
        )
        bodies = [encode(body) for body in traffic.bodies]
        kinds = Counter(traffic.kinds)
        print(
            f"data: {len(sends)} sends stored in {setup:.1f}s; {len(bodies)} reports"
            f" ({kinds['own']} own, {kinds['duplicate']} duplicates, {kinds['outside']} outside,"
            f" {traffic.out_of_order} sends out of order); {args.connections} keep-alive"
            f" connections, {args.warmup} warm-up requests; {args.rounds} rounds",
            flush=True,
        )
        rounds: list[tuple[Phase, Phase]] = []
        lost = 0
        for number in range(1, args.rounds + 1):
            # Each round starts from the same database (the sends, no report yet).
            db_path = Path(tmp) / f"round-{number}.sqlite3"
            shutil.copyfile(template, db_path)
            bare = await run_phase("bare", ["bare"], bodies, args)
            receiver_args = ["receiver", "--db", str(db_path), "--secret", SECRET]
            if not args.no_log:
                receiver_args += ["--log", str(Path(tmp) / f"receiver-{number}.log")]
            if args.profile is not None and number == 1:
                receiver_args += ["--profile", str(args.profile.resolve())]
            receiver = await run_phase("receiver", receiver_args, bodies, args)
            lost += count_lost(db_path, bodies, traffic.kinds, receiver.load.statuses)
            rounds.append((bare, receiver))
            print_round(number, bare, receiver)
    ratios = [ratio(bare, receiver) for bare, receiver in rounds]
    receivers = [receiver for _, receiver in rounds]
    print(
        "rounds: ratio_vs_bare "
        + " ".join(f"{r:.2f}" for r in ratios)
        + "; reports_per_s "
        + " ".join(f"{p.load.per_second:.0f}" for p in receivers)
        + "; p99_ms "
        + " ".join(f"{p.load.percentile_ms(99):.2f}" for p in receivers)
        + " (the last line: medians)"
    )
    print(
        f"ingest: reports_per_s={median(p.load.per_second for p in receivers):.0f}"
        f" p99_ms={median(p.load.percentile_ms(99) for p in receivers):.2f}"
        f" ratio_vs_bare={median(ratios):.2f} lost={lost}"
    )
    return 0 if lost == 0 else 1


def ratio(bare: Phase, receiver: Phase) -> float:
    return receiver.load.per_second / bare.load.per_second if bare.load.per_second else 0.0


def print_round(number: int, bare: Phase, receiver: Phase) -> None:
    print(f"round {number}")
    print(HEADER)
    print(bare.line())
    print(receiver.line())
    for phase in (bare, receiver):
        split = ", ".join(f"{name} {us:.0f}" for name, us in sorted(phase.per_thread.items()))
        print(f"{phase.name} server CPU us/request by thread: {split}")
    not_ok = sum(1 for status in receiver.load.statuses if status != 200)
    if not_ok:
        print(f"receiver answered {not_ok} requests with something other than 200")
    print(f"round {number}: ratio_vs_bare={ratio(bare, receiver):.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__)
    parser.add_argument("--sends", type=int, default=6000, help="sends stored first")
    parser.add_argument("--connections", type=int, default=32, help="keep-alive connections")
    parser.add_argument("--warmup", type=int, default=1000, help="requests not measured")
    parser.add_argument("--duplicates", type=float, default=0.1, help="share re-posted")
    parser.add_argument("--outside", type=float, default=0.1, help="share of outside traffic")
    parser.add_argument("--out-of-order", type=float, default=0.1, help="share of sends")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--rounds", type=int, default=3, help="bare/receiver pairs; the last line: medians"
    )
    parser.add_argument("--no-log", action="store_true", help="receiver without INFO logs")
    parser.add_argument(
        "--profile", type=Path, help="cProfile the receiver process into (first round)"
    )
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    sys.exit(asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
