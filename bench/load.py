"""Chat load benchmark: many members running /verify at once, through the real discord.py client.

The bot (built by its own factory, with the real QuoteService on a fresh SQLite file) talks to the
local Discord-compatible server of the tests. Prints, per wave of concurrent /verify commands, the
time to the acknowledgement (Discord drops interactions not acknowledged within 3 s), the time to
the answer, and the longest stall of the event loop (which carries the gateway heartbeat). No
assertions: numbers and the targets they are measured against.

    python bench/load.py                       # waves of 50, 100 and 200 on the seed article
    python bench/load.py --corpus corpus --waves 100    # on the whole bundled corpus (slow to load)
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.chat.app import create_bot  # noqa: E402
from bot.chat.sync import sync_commands  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.service import QuoteService  # noqa: E402
from tests.fakediscord import FakeDiscord  # noqa: E402

QUOTES = [
    ("The tone and spirit of the conversation were excellent", "Trump"),
    ("The tone and spirit of the conversation were terrible", None),
    ("If the Russians are not ready to stop the killings, there must be stronger sanctions", "Zelenskyy"),
    ("Russia is for a peaceful settlement to the Ukraine crisis", "Zelenskyy"),
    ("Bananas are the official currency of the moon colony", None),
]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


async def loop_lag(stop: asyncio.Event, worst: list[float]) -> None:
    """The longest delay of a 10 ms timer: how long the loop (and the heartbeat) could not run."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.01)
        worst[0] = max(worst[0], time.perf_counter() - started - 0.01)


async def run(corpus: Path, waves: list[int]) -> None:
    work = Path(tempfile.mkdtemp(prefix="quotecheck-load-"))
    try:
        settings = Settings(database_url=f"sqlite:///{work / 'load.sqlite'}", bundled=(str(corpus),))
        started = time.perf_counter()
        service = QuoteService.open(settings, load_bundled=True, progress=False)
        print(f"corpus {corpus}: {service.stats().statements} statements, opened in {time.perf_counter() - started:.1f} s")
        fake = FakeDiscord()
        await fake.start()
        members = [fake.add_member(f"member{i}") for i in range(max(waves))]
        settings = replace(settings, discord=replace(settings.discord, api_base=fake.api_base,
                                                     gateway_url=fake.gateway_url, lookup_rate=1000))
        await sync_commands(settings, fake.token)
        bot = create_bot(service, settings, guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start(fake.token))
        await asyncio.wait_for(bot.wait_until_ready(), 30)
        print(f"{'concurrent':>10} {'ack p50':>8} {'ack p99':>8} {'ack max':>8} {'answer p50':>10} "
              f"{'answer p99':>10} {'late acks':>9} {'loop stall':>10}")
        for size in waves:
            stop, worst = asyncio.Event(), [0.0]
            lag = asyncio.create_task(loop_lag(stop, worst))
            sent = [fake.slash("verify", {"quote": q, **({"speaker": s} if s else {})}, member=members[i], timeout=120)
                    for i, (q, s) in enumerate(QUOTES[i % len(QUOTES)] for i in range(size))]
            records = await asyncio.gather(*sent)
            stop.set()
            await lag
            acks = [r.acked_at - r.created for r in records if r.acked_at]
            answers = [r.answered_at - r.created for r in records if r.answered_at]
            late = sum(1 for r in records if r.errors) + size - len(acks)
            print(f"{size:>10} {statistics.median(acks):>7.3f}s {pct(acks, 0.99):>7.3f}s {max(acks):>7.3f}s "
                  f"{statistics.median(answers):>9.3f}s {pct(answers, 0.99):>9.3f}s {late:>9} {worst[0]:>9.3f}s")
        print("targets: every acknowledgement under 3 s (no late acks); loop stall well under the 41 s heartbeat")
        await bot.close()
        await asyncio.wait_for(task, 10)
        await fake.close()
        service.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None, help="corpus folder (default: the seed article only)")
    parser.add_argument("--waves", type=int, nargs="+", default=[50, 100, 200])
    args = parser.parse_args()
    corpus, seed_dir = args.corpus, None
    if corpus is None:
        corpus = seed_dir = Path(tempfile.mkdtemp(prefix="quotecheck-seed-"))
        shutil.copy(ROOT / "corpus" / "000_41f3c08ac7623368.txt", corpus)
    try:
        asyncio.run(run(corpus.resolve(), args.waves))
    finally:
        if seed_dir is not None:
            shutil.rmtree(seed_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
