"""First-start benchmark: the bundled corpus into an empty database, then the index, then lookups.

Prints what `make run` costs on a fresh clone (ingest and index build), the later starts (index
only), ingestion speed per backend, and lookup latency through the service. No assertions.

    python bench/startup.py                      # SQLite in a temporary folder
    python bench/startup.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/startup.py --statements 1000000   # database -> ready at 10^6 (cold and from the snapshot)
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.core.model import StatementRecord  # noqa: E402
from bot.ingest import collect_files, ingest_paths  # noqa: E402
from bot.service import QuoteService  # noqa: E402
from bot.store.corpus import CorpusStore  # noqa: E402
from bot.store.database import make_engine  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file); must be empty")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--statements", type=int, default=0,
                        help="instead: fill a database with this many statements (real, then synthetic) and time "
                             "database -> ready, cold and from the index snapshot")
    parser.add_argument("--keep", type=Path, help="with --statements: keep/reuse the SQLite database at this path")
    parser.add_argument("--real", type=Path, metavar="CACHE",
                        help="instead: time database -> ready on the real data sets of ../shared/data, loaded through "
                             "the CLI as bench/scale_real.py loads them (statement lists and database kept in CACHE)")
    args = parser.parse_args()
    if args.real:
        return real(args.real)
    if args.statements:
        return scale(args.statements, args.db, args.keep)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        files, _ = collect_files([args.corpus])
        started = time.perf_counter()
        store = CorpusStore(make_engine(url))
        if store.count():
            print(f"{url} is not empty: give an empty database", file=sys.stderr)
            return 2
        summary = ingest_paths(store, [args.corpus], progress=False)
        ingest_s = time.perf_counter() - started
        print(f"ingest: {summary.files} files, {summary.added} statements in {ingest_s:.1f} s "
              f"({summary.files / ingest_s:.1f} files/s, {summary.added / ingest_s:,.0f} statements/s)")
        started = time.perf_counter()
        again = ingest_paths(store, [args.corpus], progress=False)
        print(f"re-ingest (unchanged): {again.added} added, {again.skipped} skipped in {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        service = QuoteService.build(store, Settings(database_url=url))
        index_s = time.perf_counter() - started
        print(f"index build: {len(service.matcher)} statements in {index_s:.1f} s")
        print(f"first start (ingest + index): {ingest_s + index_s:.1f} s; later starts: {index_s:.1f} s (+ interpreter)")

        records = list(store.statements())
        rng = random.Random(7)
        samples = rng.sample(records, min(args.queries, len(records)))
        times: list[float] = []
        verified = 0
        for record in samples:
            words = record.text.split()
            quote = " ".join(words[: max(4, min(len(words), 20))])
            result = service.check(quote, speaker=record.speaker, log_lookup=False)
            times.append(result.elapsed_ms)
            verified += result.verdict in {"verified", "close"}
        times.sort()
        print(f"lookups: {len(times)}, median {statistics.median(times):.1f} ms, "
              f"p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, max {times[-1]:.1f} ms; "
              f"verified or close: {verified}/{len(times)} (quotes cut from stored statements)")
        service.close()
    print(f"({len(files)} corpus files under {args.corpus})")
    return 0


def real(cache: Path) -> int:
    """Start-up on the real million (887,346 statements): built once through the CLI, then timed
    cold and from the snapshot, without changes while down (they would be written into the kept database)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import real_million
    import scale_real

    lists = real_million.convert(real_million.data_dir(), cache)
    database = cache / "real.sqlite"
    build = scale_real._build(lists, database, f"sqlite:///{database}", cache, rebuild=False)
    return scale(build["statements"], None, database, changes=(0,))


def scale(size: int, url: str | None, keep: Path | None, changes: tuple[int, ...] = (0, 1000)) -> int:
    """Database -> ready at `size` statements: a full build (first start, then the snapshot is
    saved), a start from the snapshot with changes made while down, each in a fresh interpreter."""

    sys.path.insert(0, str(ROOT / "bench"))
    import datasets

    with tempfile.TemporaryDirectory() as tmp:
        path = keep or Path(tmp) / "scale.sqlite"
        url = url or f"sqlite:///{path}"
        store = CorpusStore(make_engine(url))
        have = store.count()
        if have and have != size:
            print(f"{url} holds {have:,} statements, not {size:,}: give an empty database", file=sys.stderr)
            return 2
        if not have:
            started = time.perf_counter()
            _fill(store, size, datasets)
            print(f"filled {url.split('/')[-1]} with {store.count():,} statements in {time.perf_counter() - started:.0f} s")
        store.engine.dispose()
        snapshots = Path(tmp) / "snapshots"
        env = {"QUOTECHECK_DATABASE_URL": url, "QUOTECHECK_MATCHING_SNAPSHOT_DIR": str(snapshots)}
        cold = _start(env, changes=0)
        print(f"database -> ready, full build (no snapshot yet): {cold['ready']:.1f} s, {cold['cpu']:.1f} s of processor time "
              f"(of which interpreter and imports {cold['imports']:.1f} s; the snapshot written after it, in the background, in {cold['saved']:.1f} s); "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for made in changes:
            warm = _start(env, changes=made)
            print(f"database -> ready from the snapshot, {made:,} changes made while down: {warm['ready']:.1f} s, "
                  f"{warm['cpu']:.1f} s of processor time "
                  f"(interpreter and imports {warm['imports']:.1f} s; target <= 15 s at 10^6); "
                  f"first lookup {warm['lookup_ms']:.0f} ms, verdict {warm['verdict']}")
        size_mb = sum(f.stat().st_size for f in snapshots.iterdir()) / 2**20
        print(f"snapshot size: {size_mb:,.0f} MB for {size:,} statements ({size_mb * 2**20 / size:,.0f} bytes/statement)")
    return 0


def _fill(store: CorpusStore, size: int, datasets: object) -> None:
    from bot.core.model import ParsedDocument, SourceInfo

    real = list(datasets.sotu()) + list(datasets.debates())  # type: ignore[attr-defined]
    from bot.store.validation import check_record

    def valid(record: StatementRecord) -> bool:
        try:
            check_record(record)
        except ValueError:
            return False  # a few quotes carry a whole paragraph as the author: not statements
        return True

    chain = [r for r in real[:size] if valid(r)]
    if len(chain) < size:
        chain += [r for r in datasets.quotes500k(limit=size - len(chain)) if valid(r)]  # type: ignore[attr-defined]
    if len(chain) < size:
        chain += list(datasets.synthetic([s.text for s in real[:50000]], size - len(chain)))  # type: ignore[attr-defined]
    chunk = 20000
    for n, lo in enumerate(range(0, size, chunk)):
        # One source per chunk: the benchmark times start-up, not the creation of 10^5 source rows.
        source = SourceInfo(title=f"bench chunk {n}", kind="statements", date="2020-01-01")
        records = tuple(replace(r, source=source, id=None, position=lo + k) for k, r in enumerate(chain[lo : lo + chunk]))
        store.ingest_document(ParsedDocument(source, records), origin=f"bench/{n}", content_hash=f"h{n}")


_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from bot.config import load_settings
from bot.core.model import SourceInfo, StatementRecord
from bot.service import QuoteService
from bot.store.corpus import CorpusStore
from bot.store.database import make_engine
imports = time.perf_counter() - t0
settings = load_settings()
changes = int(sys.argv[1])
if changes:  # made while no bot runs, straight into the database (not part of the start-up time)
    store = CorpusStore(make_engine(settings.resolved_database_url))
    for k in range(changes):
        store.add_statement(StatementRecord(text=f"Change number {k} made while the bot was down, {k * 7} words later",
                                            speaker="Bench", source=SourceInfo(kind="transcript")), actor="bench", guild_id=None)
    store.engine.dispose()
saving = [0.0]
plain_save = QuoteService.save_snapshot
def timed_save(self):
    t = time.perf_counter()
    try:
        return plain_save(self)
    finally:
        saving[0] += time.perf_counter() - t
QuoteService.save_snapshot = timed_save
t2 = time.perf_counter()
service = QuoteService.open(settings, progress=False)
ready = time.perf_counter()
cpu = time.process_time()
quote = "Change number 3 made while the bot was down" if changes else "the state of the union is strong"
result = service.check(quote, log_lookup=False)
lookup = time.perf_counter()
service.close()
print(json.dumps({"imports": imports, "ready": imports + ready - t2, "cpu": cpu, "saved": saving[0], "lookup_ms": (lookup - ready) * 1000,
                  "verdict": result.verdict, "statements": len(service.matcher)}))
"""


def _start(env: dict[str, str], changes: int) -> dict[str, float]:
    import json
    import subprocess

    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _CHILD, str(changes)], env={**os.environ, **env}, cwd=ROOT,
                         capture_output=True, text=True, check=True)
    total = time.perf_counter() - started
    values = json.loads(out.stdout.strip().splitlines()[-1])
    values["total"] = total
    return values


if __name__ == "__main__":
    raise SystemExit(main())
