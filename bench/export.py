"""Export round trip on the bundled corpus: export size and time, then re-ingest and alias checks.

Loads the corpus into an empty SQLite database, times `quotecheck export`, ingests its output into
a second empty database, and checks one statement of every speaker name under each of that
speaker's other names ("Joe Biden" for Joseph R. Biden Jr.) in both: the verdicts should not change.
No assertions.

    python bench/export.py
    python bench/export.py --without-aliases     # the re-ingest of an export without `speaker_aliases`
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.cli import main as cli  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.ingest import ingest_paths  # noqa: E402
from bot.service import QuoteService  # noqa: E402
from bot.store.corpus import CorpusStore  # noqa: E402
from bot.store.database import make_engine  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--without-aliases", action="store_true",
                        help="drop `speaker_aliases` before the re-ingest (an export made before the field existed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        first, second = f"sqlite:///{Path(tmp) / 'first.sqlite'}", f"sqlite:///{Path(tmp) / 'second.sqlite'}"
        store = CorpusStore(make_engine(first))
        ingest_paths(store, [args.corpus], progress=False)
        dump = Path(tmp) / "export.jsonl"
        started = time.perf_counter()
        exported = export(first, dump)
        seconds = time.perf_counter() - started
        lines = exported.count("\n")
        aliased = exported.count('"speaker_aliases"')
        print(f"export: {lines} lines, {len(exported.encode()):,} bytes in {seconds:.2f} s; "
              f"{aliased} lines name their speaker's other names")
        if args.without_aliases:
            dump.write_text("".join(_without_aliases(line) for line in exported.splitlines(keepends=True)), encoding="utf-8")
        again = CorpusStore(make_engine(second))
        started = time.perf_counter()
        summary = ingest_paths(again, [dump], progress=False)
        print(f"re-ingest: {summary.added} statements in {time.perf_counter() - started:.1f} s, "
              f"{len(summary.rejected)} rejected; export identical: {export(second, Path(tmp) / 'again.jsonl') == exported}")
        checks = alias_checks(store)
        before, after = verdicts(store, checks), verdicts(again, checks)
        changed = [(check, b, a) for check, b, a in zip(checks, before, after) if b != a]
        print(f"alias checks: {len(checks)}; before {dict(collections.Counter(before))}, "
              f"after {dict(collections.Counter(after))}; {len(changed)} changed")
        for (speaker, _text), b, a in changed[:10]:
            print(f"  {speaker}: {b} -> {a}")
        store.engine.dispose()
        again.engine.dispose()
    return 0


def export(url: str, path: Path) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli(["export", "--db", url])
    path.write_text(out.getvalue(), encoding="utf-8")
    return out.getvalue()


def _without_aliases(line: str) -> str:
    data = json.loads(line)
    data.pop("speaker_aliases", None)
    return json.dumps(data, ensure_ascii=False) + "\n"


def alias_checks(store: CorpusStore) -> list[tuple[str, str]]:
    """(another name, words) for the first statement of every speaker name that has other names."""
    names = store.other_speaker_names()
    first: dict[str, str] = {}
    for record in store.statements(all_guilds=True):
        if record.speaker in names and record.speaker not in first:
            first[record.speaker] = record.text
    return [(other, first[speaker]) for speaker in sorted(first) for other in names[speaker]]


def verdicts(store: CorpusStore, checks: list[tuple[str, str]]) -> list[str]:
    service = QuoteService.build(store, Settings())
    try:
        return [service.check(text, speaker=speaker, log_lookup=False).verdict for speaker, text in checks]
    finally:
        service.close()


if __name__ == "__main__":
    raise SystemExit(main())
