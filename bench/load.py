"""Chat load benchmark: many members running /verify at once, through the real discord.py client.

The bot (built by its own factory, with the real QuoteService on a fresh SQLite file) talks to the
local Discord-compatible server of the tests. Prints, per wave of concurrent /verify commands, the
time to the acknowledgement (Discord drops interactions not acknowledged within 3 s), the time to
the answer, errors, throughput, the longest stall of the event loop and the gateway heartbeat
delays (the local server asks for a heartbeat every second, so a blocked loop shows at once). No
assertions: numbers and the targets they are measured against.

    python bench/load.py                                   # waves of 50, 100, 200 on 10^5 statements
    python bench/load.py --statements 10000 --waves 50     # smaller
    python bench/load.py --corpus corpus --statements 0    # the bundled corpus only
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.chat.app import create_bot  # noqa: E402
from bot.chat.sync import sync_commands  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.service import QuoteService  # noqa: E402
from tests.fakediscord import FakeDiscord  # noqa: E402

SEED = ROOT / "corpus" / "000_41f3c08ac7623368.txt"
SEED_QUOTES = [
    ("The tone and spirit of the conversation were excellent", "Trump"),
    ("The tone and spirit of the conversation were terrible", None),
    ("If the Russians are not ready to stop the killings, there must be stronger sanctions", "Zelenskyy"),
    ("Russia is for a peaceful settlement to the Ukraine crisis", "Zelenskyy"),
    ("Bananas are the official currency of the moon colony", None),
]
HEARTBEAT_MS = 1000
UNEXPECTED = "Something went wrong on our side"


class HeartbeatServer(FakeDiscord):
    """The local server asking for a heartbeat every `HEARTBEAT_MS` and noting when each one arrives."""

    def __init__(self, *args: Any, heartbeat_ms: int = HEARTBEAT_MS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.heartbeat_ms = heartbeat_ms
        self.heartbeats: list[float] = []

    async def _send(self, ws: Any, frame: dict[str, Any]) -> None:
        if frame.get("op") == 10:
            frame = {"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms}}
        await super()._send(ws, frame)

    async def _gateway_op(self, ws: Any, frame: dict[str, Any]) -> None:
        if frame.get("op") == 1:
            self.heartbeats.append(time.monotonic())
        await super()._gateway_op(ws, frame)


@dataclass
class Wave:
    """What one wave of concurrent /verify commands measured."""

    size: int
    acks: list[float] = field(default_factory=list)  # seconds from delivery to the acknowledgement
    answers: list[float] = field(default_factory=list)  # seconds from delivery to the answer
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the wave
    loop_stall: float = 0.0  # longest extra delay of a 10 ms timer on the bot's loop
    heartbeat_late: float = 0.0  # longest gap between heartbeats beyond the interval
    heartbeats: int = 0

    @property
    def throughput(self) -> float:
        return self.size / self.seconds if self.seconds else 0.0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


async def _loop_lag(stop: asyncio.Event, worst: list[float]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.01)
        worst[0] = max(worst[0], time.perf_counter() - started - 0.01)


def write_corpus(folder: Path, statements: int) -> list[tuple[str, str | None]]:
    """The seed article plus `statements` quotes of Quotes-500K as a JSONL file; returns some as queries."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, folder / SEED.name)
    queries: list[tuple[str, str | None]] = []
    if statements <= 0:
        return queries
    from bench import datasets
    from bot.core.model import CorpusFormatError
    from bot.store.corpus import check_record

    rng = random.Random(7)
    written = 0
    with open(folder / "quotes.jsonl", "w", encoding="utf-8") as fh:
        for record in datasets.quotes500k(limit=statements * 2):
            if written >= statements:
                break
            try:
                check_record(record)  # the data set has a few rows the store refuses (300-character "authors")
            except CorpusFormatError:
                continue
            written += 1
            fh.write(json.dumps({"text": record.text, "speaker": record.speaker,
                                 "source": {"title": "Quotes-500K", "kind": "statements"}}) + "\n")
            if rng.random() < 0.01 and len(record.text) < 900:
                words = record.text.split()
                if len(words) > 6 and rng.random() < 0.5:
                    words[rng.randrange(len(words))] = "never"  # an altered quote
                queries.append((" ".join(words), record.speaker if rng.random() < 0.5 else None))
    return queries


async def run_waves(service: QuoteService, settings: Settings, waves: list[int],
                    queries: list[tuple[str, str | None]], *, heartbeat_ms: int = HEARTBEAT_MS) -> list[Wave]:
    """Start the local server and the bot, send each wave of concurrent /verify, and measure it."""
    fake = HeartbeatServer(heartbeat_ms=heartbeat_ms)
    await fake.start()
    members = [fake.add_member(f"member{i}") for i in range(max(waves))]
    settings = replace(settings, discord=replace(settings.discord, api_base=fake.api_base, gateway_url=fake.gateway_url,
                                                 lookup_rate=1_000_000))
    await sync_commands(settings, fake.token)
    bot = create_bot(service, settings, guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start(fake.token))
    results: list[Wave] = []
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 60)
        await asyncio.sleep(heartbeat_ms / 1000 * 1.5)  # the first heartbeats, before measuring
        pool = queries + SEED_QUOTES
        for size in waves:
            wave = Wave(size)
            stop, worst = asyncio.Event(), [0.0]
            lag = asyncio.create_task(_loop_lag(stop, worst))
            beats_before = len(fake.heartbeats)
            started = time.monotonic()
            sent = []
            for i in range(size):
                quote, speaker = pool[(i * 7919) % len(pool)]
                options = {"quote": quote, **({"speaker": speaker[:100]} if speaker else {})}
                sent.append(fake.slash("verify", options, member=members[i], timeout=120))
            records = await asyncio.gather(*sent, return_exceptions=True)
            wave.seconds = time.monotonic() - started
            await asyncio.sleep(heartbeat_ms / 1000 * 1.2)  # a heartbeat after the wave shows a late one too
            stop.set()
            await lag
            wave.loop_stall = worst[0]
            beats = [started] + list(fake.heartbeats[beats_before:])
            gaps = [b - a for a, b in zip(beats, beats[1:])]
            wave.heartbeats = len(beats) - 1
            wave.heartbeat_late = max([0.0] + [g - heartbeat_ms / 1000 for g in gaps])
            for record in records:
                if isinstance(record, BaseException):
                    wave.errors.append(f"{type(record).__name__}: {record}")
                    continue
                if record.acked_at:
                    wave.acks.append(record.acked_at - record.created)
                if record.answered_at:
                    wave.answers.append(record.answered_at - record.created)
                if record.errors:
                    wave.errors.append(f"refused: {record.errors[:1]}")
                elif UNEXPECTED in record.text() or not record.reply.get("embeds"):
                    wave.errors.append(f"bad answer: {record.text()[:80]}")
            refused = fake.refused()
            if refused:
                wave.errors.append(f"{len(refused)} requests refused by the server")
            results.append(wave)
    finally:
        await bot.close()
        try:
            await asyncio.wait_for(task, 10)
        except (TimeoutError, asyncio.CancelledError):
            pass
        await fake.close()
    return results


def report(waves: list[Wave], heartbeat_ms: int = HEARTBEAT_MS) -> str:
    lines = [f"{'concurrent':>10} {'ack p50':>8} {'ack p99':>8} {'ack max':>8} {'answer p50':>10} {'answer p99':>10} "
             f"{'errors':>6} {'cmd/s':>7} {'loop stall':>10} {'heartbeats':>10} {'hb late':>8}"]
    for w in waves:
        lines.append(
            f"{w.size:>10} {statistics.median(w.acks) if w.acks else float('nan'):>7.3f}s {pct(w.acks, 0.99):>7.3f}s "
            f"{max(w.acks or [float('nan')]):>7.3f}s {statistics.median(w.answers) if w.answers else float('nan'):>9.3f}s "
            f"{pct(w.answers, 0.99):>9.3f}s {len(w.errors):>6} {w.throughput:>7.1f} {w.loop_stall:>9.3f}s "
            f"{w.heartbeats:>10} {w.heartbeat_late:>7.3f}s"
        )
        lines += [f"    error: {e}" for e in w.errors[:5]]
    lines.append(f"targets: ack p99 < 3 s, no error, heartbeats every {heartbeat_ms} ms none late by more than the interval")
    return "\n".join(lines)


async def _main(statements: int, corpus: Path | None, waves: list[int], debug_loop: bool) -> None:
    work = Path(tempfile.mkdtemp(prefix="quotecheck-load-"))
    try:
        folder = work / "corpus"
        queries = write_corpus(folder, statements)
        if corpus is not None:
            for path in corpus.iterdir():
                if path.is_file():
                    shutil.copy(path, folder / path.name)
        settings = Settings(database_url=f"sqlite:///{work / 'load.sqlite'}", bundled=(str(folder),))
        started = time.perf_counter()
        service = QuoteService.open(settings, load_bundled=True, progress=False)
        print(f"{service.stats().statements} statements, ingested and indexed in {time.perf_counter() - started:.1f} s")
        slow: list[str] = []
        if debug_loop:
            loop = asyncio.get_running_loop()
            loop.set_debug(True)
            loop.slow_callback_duration = 0.05

            class Count(logging.Handler):
                def emit(self, record: logging.LogRecord) -> None:
                    message = record.getMessage()
                    if "took" in message:
                        slow.append(message[:120] + " … " + message[-20:])

            logging.getLogger("asyncio").addHandler(Count())
        try:
            results = await run_waves(service, settings, waves, queries)
        finally:
            service.close()
        print(report(results))
        if debug_loop:
            print(f"asyncio debug: {len(slow)} callbacks over 50 ms")
            for line in slow[:8]:
                print(f"    {line}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000, help="Quotes-500K statements to load (0: none)")
    parser.add_argument("--corpus", type=Path, default=None, help="also load this corpus folder")
    parser.add_argument("--waves", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--debug-loop", action="store_true", help="asyncio debug mode, slow_callback_duration=0.05")
    args = parser.parse_args()
    asyncio.run(_main(args.statements, args.corpus, args.waves, args.debug_loop))


if __name__ == "__main__":
    main()
