"""Claim retrieval benchmark: related statements for posts about fact-checked claims, and their cost.

Quality: CLEF 2020 CheckThat! Task 2 (English). The 10,375 fact-checked claims (text and title) are
ingested as a statement list; each tweet of the `dev` split (posts never used to choose anything)
asks for its related statements. Prints MAP@5 and P@1 (the task's measures) of the related ranking
beside plain BM25 (bm25s over claim text + title, English stop words, untuned, the raw tweet) and BM25
done well (the same with English stems, posts cleaned, a claim stored twice listed once), in the
same run, and what the floor keeps. `--split train` measures the training posts instead.

Cost: the time `related` adds per query at 10^4, 10^5 and 10^6 statements (speeches, debates, quotes,
then synthetic text, as bench/matching.py builds them), the memory it holds per statement, and the
snapshot save/load time with it. No assertions: numbers and the targets they are measured against.

    python bench/claims.py                                 # quality, then cost at 10^4 and 10^5
    python bench/claims.py --sizes 10000,100000,1000000    # cost at 10^6 too (several GB, minutes)
    python bench/claims.py --sizes "" --postgres postgresql://postgres@127.0.0.1:5432/test   # quality on pg_trgm too
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import datasets
import numpy as np

from bot.config import load_settings
from bot.core.matcher import Matcher
from bot.core.model import SourceInfo, StatementRecord
from bot.core.normalize import match_text

TARGETS = {"map5": "≥ 0.93 (best published system on the task's test posts: 0.929)", "p95": "check() p95 ≤ 15 ms at 10^6 with related"}


def claims() -> list[StatementRecord]:
    """The fact-checked claims as statements: text = claim, source title = the fact check's title."""
    path = datasets.data_dir() / "clef2020_claims" / "verified_claims.docs.tsv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))[1:]
    return [
        StatementRecord(text=text, speaker=None, source=SourceInfo(title=title or None, kind="statements"), id=f"vclaim-{cid}")
        for cid, text, title in rows
    ]


def posts(split: str) -> list[tuple[str, str, set[str]]]:
    """(tweet id, text, ids of the claims it is about) of one split."""
    folder = datasets.data_dir() / "clef2020_claims" / split
    relevant: dict[str, set[str]] = {}
    with open(folder / "tweet-vclaim-pairs.qrels", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 3:
                relevant.setdefault(parts[0], set()).add(f"vclaim-{parts[2]}")
    with open(folder / "tweets.queries.tsv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))[1:]
    return [(tid, text, relevant[tid]) for tid, text in rows if tid in relevant]


def average_precision(ranked: list[str], relevant: set[str], k: int = 5) -> float:
    hits, total = 0, 0.0
    for rank, item in enumerate(ranked[:k], start=1):
        if item in relevant:
            hits += 1
            total += hits / rank
    return total / min(len(relevant), k) if relevant else 0.0


def scores(rankings: list[list[str]], queries: list[tuple[str, str, set[str]]]) -> tuple[float, float]:
    """MAP@5 and P@1."""
    ap = [average_precision(r, rel) for r, (_, _, rel) in zip(rankings, queries)]
    p1 = [1.0 if r and r[0] in rel else 0.0 for r, (_, _, rel) in zip(rankings, queries)]
    return float(np.mean(ap)), float(np.mean(p1))


def plain_bm25(
    statements: list[StatementRecord], queries: list[tuple[str, str, set[str]]], once: bool = False, well: bool = False
) -> list[list[str]]:
    """bm25s's top 5; with `once`, claims with the same words and title listed once (the first stored),
    as the related ranking lists them; with `well`, also English stems on both sides and the posts
    cleaned as the related ranking cleans them (bot/core/posts.py)."""
    import bm25s
    import Stemmer

    from bot.core.posts import clean_post

    stemmer = Stemmer.Stemmer("english") if well else None
    docs = [f"{s.text} {s.source.title or ''}" for s in statements]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(docs, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False)
    asked = [clean_post(text) if well else text for _, text, _ in queries]
    tokens = bm25s.tokenize(asked, stopwords="en", stemmer=stemmer, show_progress=False)
    found, _ = retriever.retrieve(tokens, k=20 if once else 5, show_progress=False)
    keys = [match_text(d) for d in docs]
    first = {}
    for k, key in enumerate(keys):
        first.setdefault(key, k)
    out = []
    for row in found:
        ranked = list(dict.fromkeys(first[keys[int(j)]] for j in row)) if once else [int(j) for j in row]
        out.append([statements[j].id or "" for j in ranked[:5]])
    return out


def quality(split: str) -> None:
    statements = claims()
    queries = posts(split)
    settings = load_settings().matching
    matcher = Matcher(replace(settings, related_floor=0.0))
    matcher.add_many(statements)
    print(f"== related statements for posts: CLEF 2020 CheckThat! 2a, {split} split ({len(queries)} posts, {len(statements):,} claims) ==")
    started = time.perf_counter()
    results = [matcher.related(text, limit=5) for _, text, _ in queries]
    per_query = (time.perf_counter() - started) * 1000 / max(len(queries), 1)
    ours = scores([[r.statement.id or "" for r in res] for res in results], queries)
    bm25 = scores(plain_bm25(statements, queries), queries)
    bm25_once = scores(plain_bm25(statements, queries, once=True), queries)
    bm25_well = scores(plain_bm25(statements, queries, once=True, well=True), queries)
    floor = settings.related_floor
    shown = [[r.statement.id or "" for r in res if r.score >= floor] for res in results]
    kept = scores(shown, queries)
    nothing = sum(1 for s in shown if not s)
    print(f"  related (hybrid)       MAP@5 {ours[0]:.3f}  P@1 {ours[1]:.3f}   ({per_query:.1f} ms a post)   target {TARGETS['map5']}")
    print(f"  plain BM25 (bm25s)     MAP@5 {bm25[0]:.3f}  P@1 {bm25[1]:.3f}   (the same claim stored twice listed once:"
          f" MAP@5 {bm25_once[0]:.3f}  P@1 {bm25_once[1]:.3f})")
    print(f"  BM25 done well         MAP@5 {bm25_well[0]:.3f}  P@1 {bm25_well[1]:.3f}   (bm25s, English stems, posts cleaned, the same"
          " claim stored twice listed once)")
    print(f"  as shown, floor {floor:.0f}    MAP@5 {kept[0]:.3f}  P@1 {kept[1]:.3f}   ({nothing} of {len(queries)} posts get no related statement)")
    lexical = Matcher(replace(settings, related_floor=0.0))
    lexical._related.settings = replace(lexical._related.settings, lexical_weight=1.0)
    lexical.add_many(statements)
    words_only = scores([[r.statement.id or "" for r in lexical.related(text, limit=5)] for _, text, _ in queries], queries)
    print(f"  without the dense rerank (BM25 part alone)  MAP@5 {words_only[0]:.3f}  P@1 {words_only[1]:.3f}")
    absent_claims(matcher, queries, results, floor)


FLOORS = (20.0, 25.0, 28.0, 30.0, 32.0, 34.0, 36.0, 40.0)


def absent_claims(matcher: Matcher, queries: list[tuple[str, str, set[str]]], results: list, floor: float) -> None:
    """The floor's trade-off: each post asked again with its own claims (and any claim stored with the
    same words and title) taken out of the ranking, as if the corpus did not hold them."""
    related = matcher._related
    position = {sid: k for k, sid in enumerate(matcher._ids)}
    key = {k: matcher._texts[k] + "\x1f" + related.title(k) for k in range(len(matcher._ids))}
    by_key: dict[str, list[int]] = {}
    for k, value in key.items():
        by_key.setdefault(value, []).append(k)
    absent, present = [], []
    for (_, text, rel), res in zip(queries, results):
        gone = np.array(sorted({d for sid in rel if sid in position for d in by_key[key[position[sid]]]}), dtype=np.int64)
        ranked = related.rank(text, matcher._index, matcher._texts, mask=lambda ids, gone=gone: ~np.isin(ids, gone), limit=1)
        absent.append(ranked[0].score if ranked else 0.0)
        right = [r.score for r in res if r.statement.id in rel]
        present.append(right[0] if right else None)
    found = [p for p in present if p is not None]
    print(f"  posts whose claims are taken out: {sum(t >= floor for t in absent)}/{len(absent)} still show a statement above the floor"
          f" (median best score {np.median(absent):.0f}; with their claim in, the right claim's median score {np.median(found):.0f})")
    print("  floor   claim absent: nothing shown   claim present and in the top 5: hidden   MAP@5 / P@1 as shown")
    for f in sorted({*FLOORS, floor}):
        shown = scores([[r.statement.id or "" for r in res if r.score >= f] for res in results], queries)
        print(f"  {f:5.1f}   {sum(t < f for t in absent) / len(absent):6.1%}                      "
              f"{sum(p < f for p in found) / max(len(found), 1):6.1%} of {len(found)}              {shown[0]:.3f} / {shown[1]:.3f}")


def postgres_quality(split: str, server: str) -> None:
    """The same posts on the pg_trgm backend: the claims ingested into a schema of their own on the
    PostgreSQL server at `server` (dropped after), related statements from its full-text search."""
    import json

    import psycopg

    from bot.config import Settings
    from bot.service import QuoteService
    from bot.store.corpus import CorpusStore
    from bot.store.database import make_engine

    schema = f"claims_bench_{os.getpid()}"
    plain = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    url = f"{server.replace('postgresql://', 'postgresql+psycopg://', 1)}?options=-csearch_path%3D{schema}"
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "claims.jsonl"
            with open(path, "w", encoding="utf-8") as fh:
                for s in claims():
                    fh.write(json.dumps({"id": s.id, "text": s.text, "source": {"title": s.source.title, "kind": "statements"}}) + "\n")

            def service(backend: str) -> QuoteService:
                matching = replace(load_settings().matching, backend=backend, snapshot_dir="off", related_floor=0.0)
                return QuoteService.build(CorpusStore(make_engine(url)), Settings(database_url=url, matching=matching))

            loader = service("memory")
            loader.ingest([path])
            loader.close()
        pg = service("pg_trgm")
        queries = posts(split)
        pg.matcher.related("warm up the sentence vectors", limit=5)
        times, cpu, rankings = [], [], []
        for _, text, _ in queries:
            c0, t0 = time.process_time(), time.perf_counter()
            found = pg.matcher.related(text, limit=5) or ()
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            rankings.append([r.statement.id or "" for r in found])
        pg.close()
        ours = scores(rankings, queries)
        print(f"  related on PostgreSQL (pg_trgm backend, full-text search)  MAP@5 {ours[0]:.3f}  P@1 {ours[1]:.3f}   per post p50"
              f" {percentile(times, 50):.1f} ms wall, {percentile(cpu, 50):.1f} ms in this process (the server's time is not in it)")
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(np.array(values), p)) if values else float("nan")


def _fetcher(by_id: dict[str | None, StatementRecord]) -> Callable[[Sequence[str]], dict[str, StatementRecord]]:
    def fetch(ids: Sequence[str]) -> dict[str, StatementRecord]:
        return {i: by_id[i] for i in ids if i in by_id}

    return fetch


def cost(sizes: list[int], n_queries: int) -> None:
    import matching  # the corpus the matching benchmark measures, for comparable figures

    settings = load_settings().matching
    real = list(datasets.sotu()) + list(datasets.debates())
    random.Random(5).shuffle(real)
    quotes = list(datasets.quotes500k(limit=max(0, max(sizes) - len(real)) + 1000)) if max(sizes) > len(real) else []
    rng = random.Random(11)
    asked = [text for _, text, _ in posts("dev")] + datasets.liar()[:400]
    rng.shuffle(asked)
    asked = asked[:n_queries]
    for size in sizes:
        statements = matching.corpus(size, real, quotes)
        by_id = {s.id: s for s in statements}
        gc.collect()
        before = rss_mb()
        t0 = time.perf_counter()
        fetch = _fetcher(by_id)
        matcher = Matcher(settings, fetch=fetch)
        matcher.add_many(statements)
        build = time.perf_counter() - t0
        held = matcher._related.nbytes() / max(len(statements), 1)
        matcher, saved, loaded, size_mb = matching.snapshot_round_trip(matcher, settings, fetch)
        matcher.related("warm up the sentence vectors", limit=5)
        times, cpu = [], []
        for q in asked:
            c0, t0 = time.thread_time(), time.perf_counter()
            matcher.related(q, limit=5)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
        print(f"\n== {len(statements):,} statements ==")
        print(f"  index build with related: {build:.1f} s; related index holds {held:.0f} bytes/statement"
              f" (RSS of the whole process grew {(rss_mb() - before) * 2**20 / len(statements):.0f} bytes/statement)")
        print(f"  snapshot with related: saved in {saved:.1f} s ({size_mb:.0f} MB), loaded in {loaded:.1f} s")
        print(f"  related() added per query: p50 {percentile(times, 50):.1f} ms  p95 {percentile(times, 95):.1f} ms"
              f"  p99 {percentile(times, 99):.1f} ms over {len(times)} posts and claims; CPU p50 {percentile(cpu, 50):.1f} ms"
              f"  p95 {percentile(cpu, 95):.1f} ms (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        del matcher, statements, by_id, fetch
        gc.collect()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=("dev", "train"), help="posts measured (dev: never tuned on)")
    parser.add_argument("--sizes", default="10000,100000", help="corpus sizes for the cost runs (comma-separated; '' skips)")
    parser.add_argument("--queries", type=int, default=300, help="posts and claims timed per size")
    parser.add_argument("--postgres", default="", help="also rank on the pg_trgm backend, on this PostgreSQL server (postgresql://USER@HOST:PORT/DB)")
    args = parser.parse_args(argv)
    quality(args.split)
    if args.postgres:
        postgres_quality(args.split, args.postgres)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if sizes:
        cost(sizes, args.queries)


if __name__ == "__main__":
    main()
