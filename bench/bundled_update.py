"""Upgrade benchmark: what bringing the bundled corpus up to date costs at start.

Loads the bundled corpus into a fresh database, then times `update_bundled` three ways: an
up-to-date database (every start: a hash and a query per file), a database whose documents were
stored by the previous parser version (the first start after an upgrade: every file parsed again
and replaced), and up to date again. Prints the times and the start-up line. No assertions.

    python bench/bundled_update.py
    python bench/bundled_update.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test   # must be empty
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import update  # noqa: E402

from bot.bundled import describe, update_bundled  # noqa: E402
from bot.core.documents import PARSER_VERSION  # noqa: E402
from bot.ingest import ingest_paths  # noqa: E402
from bot.store.corpus import CorpusStore  # noqa: E402
from bot.store.database import make_engine  # noqa: E402
from bot.store.tables import DocumentRow  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file); must be empty")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.sqlite"
        store = CorpusStore(make_engine(url))
        if store.count():
            print("the database is not empty", file=sys.stderr)
            return 2
        started = time.perf_counter()
        summary = ingest_paths(store, [args.corpus], progress=False)
        print(f"first load: {summary.files} files, {summary.added} statements in {time.perf_counter() - started:.1f} s")
        _timed("up to date", store, args.corpus)
        with store.engine.begin() as conn:
            conn.execute(update(DocumentRow).values(parser_version=PARSER_VERSION - 1))
        _timed("stored by the previous parser", store, args.corpus)
        _timed("up to date again", store, args.corpus)
    return 0


def _timed(label: str, store: CorpusStore, corpus: Path) -> None:
    started = time.perf_counter()
    result = update_bundled(store, [corpus])
    elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed * 1000:.0f} ms for {result.files} files; {describe(result) or 'nothing changed'}")


if __name__ == "__main__":
    raise SystemExit(main())
