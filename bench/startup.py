"""First-start benchmark: the bundled corpus into an empty database, then the index, then lookups.

Prints what `make run` costs on a fresh clone (ingest and index build), the later starts (index
only), ingestion speed per backend, and lookup latency through the service. No assertions.

    python bench/startup.py                      # SQLite in a temporary folder
    python bench/startup.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.ingest import collect_files, ingest_paths  # noqa: E402
from bot.service import QuoteService  # noqa: E402
from bot.store.corpus import CorpusStore  # noqa: E402
from bot.store.database import make_engine  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file); must be empty")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
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


if __name__ == "__main__":
    raise SystemExit(main())
