"""The real million: every data set of the shared data folder loaded through the CLI, then the
verdicts, lookup times, cold start and ingest rate a user meets at that size.

    python bench/scale_real.py                     # converts once into the cache, builds once, measures
    python bench/scale_real.py --cache DIR         # where the statement lists and the database live
    python bench/scale_real.py --rebuild           # ingest again into a fresh database (the ingest row)

The data sets become statement lists (`bench/real_million.py`) in the cache folder; each is loaded
with one command, `quotecheck ingest --skip-invalid FILE`. The database is kept in the cache and
reused by later runs (the ingest figures of the build that made it are kept beside it): a build
takes minutes. Lookups: 1,000 fragments of statements drawn at random (6-15 consecutive words), and
the same fragments with one letter of one word changed into a word the corpus does not hold. Only
fragments the contract says must verify are drawn: one cut right after a negation ("raise taxes"
out of "will not raise taxes") or right before a condition is `altered` by the contract, so it is
skipped and counted (`bench/cuts.py`, the rule `bench/matching.py` draws its genuine quotes with).

    python bench/scale_real.py --lookups-only --show-misses   # no start-up rows; every miss, by kind
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import real_million  # noqa: E402
from cuts import governing_cut  # noqa: E402

_WORD = re.compile(r"[A-Za-z]+")
_SUMMARY = re.compile(r"(\d+) statements? added")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=real_million.data_dir())
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get("QUOTECHECK_BENCH_CACHE") or ROOT / "bench" / "results" / "real"))
    parser.add_argument("--rebuild", action="store_true", help="ingest again into a fresh database")
    parser.add_argument("--fragments", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--lookups-only", action="store_true", help="leave out the start-up measures (the lookups still load the index)")
    parser.add_argument("--snapshots", type=Path, help="keep the index snapshot here between runs (default: a temporary folder)")
    parser.add_argument("--show-misses", action="store_true", help="print every miss, grouped by kind, with the statement found")
    args = parser.parse_args()

    started = time.perf_counter()
    lists = real_million.convert(args.data, args.cache)
    print(f"statement lists in {args.cache} ({time.perf_counter() - started:.0f} s): "
          + ", ".join(f"{name} {lines:,}" for name, (_, lines) in lists.items()))
    database = args.cache / "real.sqlite"
    url = f"sqlite:///{database}"
    build = _build(lists, database, url, args.cache, args.rebuild)
    statements = build["statements"]

    snapshots = args.snapshots or Path(tempfile.mkdtemp(prefix="scale-real-snap-"))
    snapshots.mkdir(parents=True, exist_ok=True)
    rows_start = [] if args.lookups_only else _start_rows(url, snapshots, statements)

    try:
        lookups = _lookups(url, snapshots, args.fragments, args.seed, show_misses=args.show_misses)
    finally:
        if args.snapshots is None:
            shutil.rmtree(snapshots, ignore_errors=True)
    ingest_s = build["seconds"]
    rows = [
        ("right statement, verdict verified/close (fragments)", f"{lookups['right_plain']}", "≥ 99%"),
        ("right statement, verdict verified/close (one typo)", f"{lookups['right_typo']}", "≥ 99%"),
        ("one-letter typos called **altered**", f"{lookups['altered']} of {lookups['typos']:,}", "0"),
        ("p50 / p95 / p99 lookup", lookups["times"], "p95 ≤ 10 ms"),
        *rows_start,
        ("ingest (one `quotecheck ingest --skip-invalid` per data set)",
         f"{ingest_s:.0f} s ({statements / ingest_s:,.0f} statements/s); processor time {build.get('cpu', 0):.0f} s "
         f"({statements / max(build.get('cpu', 0), 1e-9):,.0f} statements/s)", "state it; faster is better"),
    ]
    print()
    print("| measure | result | goal |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


def _start_rows(url: str, snapshots: Path, statements: int) -> list[tuple[str, str, str]]:
    """Cold start (no snapshot) and start from the snapshot it saves, each in a process of its own."""
    import startup

    env = {"QUOTECHECK_DATABASE_URL": url, "QUOTECHECK_MATCHING_SNAPSHOT_DIR": str(snapshots)}
    cpu = _children_cpu()
    cold = startup._start(env, changes=0)
    cold_cpu, cpu = _children_cpu() - cpu, _children_cpu()
    warm = startup._start(env, changes=0)
    warm_cpu = _children_cpu() - cpu
    load = os.getloadavg()[0]
    print(f"cold start (database -> ready, no snapshot): {cold['ready']:.1f} s for {cold['statements']:,} statements "
          f"(interpreter and imports {cold['imports']:.1f} s; the process used {cold_cpu:.1f} s of processor time, "
          f"writing the snapshot after ready included); from the snapshot: {warm['ready']:.1f} s ({warm_cpu:.1f} s of processor time); "
          f"load average {load:.1f} on {os.cpu_count()} cores")
    return [(f"cold start (database → ready, no snapshot), {statements:,} statements", f"{cold['ready']:.1f} s "
             f"(snapshot: {warm['ready']:.1f} s); processor time {cold_cpu:.1f} s (snapshot {warm_cpu:.1f} s)", "≤ 15 s")]


def _children_cpu() -> float:
    """Processor seconds (user + system) used so far by the child processes that have ended: the
    machine is shared, so wall time alone says as much about the neighbours as about the code."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _build(lists: dict[str, tuple[Path, int]], database: Path, url: str, cache: Path, rebuild: bool) -> dict:
    """Ingest every statement list with one CLI command each, unless the cache holds that build."""
    record = cache / "build.json"
    if database.exists() and record.exists() and not rebuild:
        build = json.loads(record.read_text())
        print(f"reusing {database} ({build['statements']:,} statements; built in {build['seconds']:.0f} s; --rebuild to build again)")
        return build
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    total_s, total_cpu, total = 0.0, 0.0, 0
    per_set = {}
    for name, (path, lines) in lists.items():
        rejects = cache / f"{name}.rejects.jsonl"
        command = [sys.executable, "-m", "bot", "--db", url, "ingest", "--quiet", "--skip-invalid", "--rejects", str(rejects), str(path)]
        started, cpu = time.perf_counter(), _children_cpu()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
        found = _SUMMARY.search(done.stdout)
        if done.returncode not in (0, 1) or not found:
            print(f"{name}: ingest failed ({done.returncode}): {done.stderr.strip()[-500:]}", file=sys.stderr)
            raise SystemExit(1)
        added = int(found.group(1))
        left_out = sum(1 for _ in open(rejects, encoding="utf-8")) if rejects.exists() else 0
        print(f"quotecheck ingest --skip-invalid {path.name}: {added:,} of {lines:,} lines in {seconds:.0f} s "
              f"({added / seconds:,.0f}/s; {cpu:.0f} s of processor time), {left_out} left out")
        per_set[name] = {"added": added, "seconds": seconds, "cpu": cpu, "rejected": left_out}
        total_s += seconds
        total_cpu += cpu
        total += added
    build = {"statements": total, "seconds": total_s, "cpu": total_cpu, "per_set": per_set}
    record.write_text(json.dumps(build, indent=1))
    print(f"ingest: {total:,} statements in {total_s:.0f} s ({total / total_s:,.0f} statements/s; "
          f"{total_cpu:.0f} s of processor time, {total / total_cpu:,.0f} statements per processor second)")
    return build


def _lookups(url: str, snapshots: Path, count: int, seed: int, *, show_misses: bool = False) -> dict:
    """Fragments of random statements, plain and with one typo, checked without a speaker; fragments
    the contract says are `altered` (a governing word cut off) are not drawn, only counted."""
    from dataclasses import replace

    from bot.config import MatchingSettings, Settings
    from bot.core.normalize import match_text
    from bot.service import QuoteService
    from bot.store.corpus import CorpusStore
    from bot.store.database import make_engine

    settings = Settings(database_url=url, matching=replace(MatchingSettings(), snapshot_dir=str(snapshots)))
    store = CorpusStore(make_engine(url))
    service = QuoteService.build(store, settings)
    columns = _statements_as_written(store)
    vocabulary = {w.lower() for text in columns.texts for w in _WORD.findall(text)}
    rng = random.Random(seed)
    plain, typos = [], []
    left_out: Counter[str] = Counter()
    while len(plain) < count:
        k = rng.randrange(len(columns.ids))
        words = columns.texts[k].split()
        if len(words) < 6:
            continue
        size = rng.randint(6, min(15, len(words)))
        start = rng.randint(0, len(words) - size)
        fragment = words[start : start + size]
        why = governing_cut(words, start, start + size)
        if why is not None:
            left_out[why] += 1
            continue
        typo = _with_typo(fragment, vocabulary, rng)
        if typo is None:
            continue
        plain.append((" ".join(fragment), columns.ids[k], columns.texts[k]))
        typos.append((typo, columns.ids[k], columns.texts[k]))
    # The bot holds no second copy of the corpus: a collection walking these during the lookups is the bench's.
    del columns, vocabulary
    times: list[float] = []
    cpu_times: list[float] = []  # processor time of each lookup: what the neighbours on a shared machine do not add
    right = {"plain": 0, "typo": 0}
    altered = 0
    misses: list[str] = []
    causes: Counter[str] = Counter()
    every_miss: dict[str, list[str]] = {}
    for kind, queries in (("plain", plain), ("typo", typos)):
        for (quote, sid, text), (fragment, _, _) in zip(queries, plain):
            source_words = match_text(fragment)
            cpu = time.process_time()
            result = service.check(quote, log_lookup=False)
            cpu_times.append((time.process_time() - cpu) * 1000)
            times.append(result.elapsed_ms)
            # The right statement, or another holding the same words (a fragment many statements share).
            found = result.match is not None and (
                result.match.id == sid or result.match.text == text or f" {source_words} " in f" {match_text(result.match.text)} "
            )
            if found and result.verdict in {"verified", "close"}:
                right[kind] += 1
            else:
                first = result.differences[0] if result.differences else None
                cause = ("wrong statement" if not found else
                         f"{result.verdict}, {first.kind} ({getattr(first, 'reason', '') or 'no reason'})" if first else result.verdict)
                causes[f"{kind}: {cause}"] += 1
                if len(misses) < 12:
                    misses.append(f"  {kind}: {result.verdict} {quote[:90]!r}")
                found_text = result.match.text if result.match is not None else None
                every_miss.setdefault(f"{kind}: {cause}", []).append(
                    f"    {quote!r}\n      from {text[:300]!r}\n      found {found_text if found_text is None else found_text[:300]!r}"
                    + "".join(f"\n      {d.kind} {d.quoted!r} / {d.original!r} ({d.reason}, meaningful={d.meaningful})"
                              for d in result.differences[:4])
                )
            altered += kind == "typo" and result.verdict == "altered"
    service.close()
    times.sort()
    cpu_times.sort()

    def pct(p: float, values: list[float] = times) -> float:
        return values[min(len(values) - 1, int(len(values) * p))]

    print(f"fragments drawn: {count:,}; left out as the contract makes them altered: {sum(left_out.values()):,}"
          + "".join(f"; {n} {why}" for why, n in left_out.most_common()))
    if misses:
        print("some misses:\n" + "\n".join(misses))
        print("misses by cause: " + "; ".join(f"{cause}: {n}" for cause, n in causes.most_common()))
    if show_misses:
        for cause, shown in sorted(every_miss.items(), key=lambda item: -len(item[1])):
            print(f"  {cause} ({len(shown)}):\n" + "\n".join(shown))
    return {
        "right_plain": f"{right['plain'] / count:.1%} ({right['plain']} of {count:,})",
        "right_typo": f"{right['typo'] / count:.1%} ({right['typo']} of {count:,})",
        "altered": altered,
        "typos": count,
        "times": f"{statistics.median(times):.1f} / {pct(0.95):.1f} / {pct(0.99):.1f} ms ({len(times):,} lookups); processor time "
                 f"{statistics.median(cpu_times):.1f} / {pct(0.95, cpu_times):.1f} / {pct(0.99, cpu_times):.1f} ms",
    }


def _statements_as_written(store):
    """The live statements in the index's order, with their texts as stored (the index columns hold
    the stored matching keys instead: lower case, no punctuation, "I'll" as "ill")."""
    from sqlalchemy import text

    columns = store.index_columns()
    with store.engine.connect() as conn:
        written = dict(conn.execute(text("SELECT id, text FROM statements WHERE removed = :no"), {"no": False}).all())
    columns.texts[:] = [written[sid] for sid in columns.ids]
    return columns


def _with_typo(words: list[str], vocabulary: set[str], rng: random.Random) -> str | None:
    """The fragment with one letter of one word (4 letters or more) changed, making a word the
    corpus does not hold (a typo, not another real word)."""
    candidates = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 4]
    for _ in range(20):
        if not candidates:
            return None
        i = rng.choice(candidates)
        word = words[i]
        at = rng.randrange(1, len(word))
        letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
        changed = word[:at] + (letter.upper() if word[at].isupper() else letter) + word[at + 1 :]
        if changed.lower() != word.lower() and changed.lower() not in vocabulary:
            return " ".join(words[:i] + [changed] + words[i + 1 :])
    return None


if __name__ == "__main__":
    raise SystemExit(main())
