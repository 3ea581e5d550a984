"""Matching benchmark: accuracy of verdicts on doctored real quotes, and speed at scale.

Prints, side by side: verdict accuracy on a test set generated from real statements (each kind of
perturbation the verdicts must tell apart, plus quotes that are not in the corpus); then for each
corpus size the index build time, memory per statement, p50/p95/p99 per lookup, recall@1 against
brute-force rapidfuzz, and the same queries through brute force and PostgreSQL pg_trgm as peers.
No assertions: numbers and the targets they are measured against.

    python bench/matching.py                       # the default run (< 10 minutes)
    python bench/matching.py --sizes 10000 --queries 100 --accuracy 40   # a quick run
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from array import array
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

import datasets  # noqa: E402
from bot.config import MatchingSettings, load_settings  # noqa: E402
from bot.core.matcher import Matcher, quote_score  # noqa: E402
from bot.core.model import StatementRecord  # noqa: E402
from bot.core.normalize import match_text  # noqa: E402
from bot.core.verdict import ANTONYMS  # noqa: E402

GENUINE = ("exact", "elided", "styled", "typo", "filler", "contraction")
DOCTORED = ("negation+", "negation-", "number", "name", "antonym", "insertion", "deletion", "splice")

TARGETS = {
    "found": ">= 99%",
    "altered caught": ">= 95%",
    "misattributed caught": ">= 98%",
    "not in corpus -> unverified": ">= 99%",
    "false verified/close on doctored": "<= 1%",
    "p95": "<= 10 ms at 10^6",
    "recall@1": ">= 99.5% of brute force",
    "build": "<= 15 s at 10^6 (database -> ready)",
}

_ANTONYM_OF: dict[str, str] = {}
for _pair in ANTONYMS:
    _a, _b = sorted(_pair)
    _ANTONYM_OF.setdefault(_a, _b)
    _ANTONYM_OF.setdefault(_b, _a)
_AUX = ("is", "are", "was", "were", "will", "would", "can", "could", "should", "must", "do", "does", "did", "has", "have")
_NEG_WORDS = re.compile(r"\b(not|never|no)\b\s*|n't\b", re.I)
_FILLERS = ("well,", "you know,", "I mean,", "really", "actually", "just")
_CONTRACT = {"do not": "don't", "is not": "isn't", "will not": "won't", "can not": "can't", "cannot": "can't", "are not": "aren't",
             "I am": "I'm", "it is": "it's", "we are": "we're", "they are": "they're", "does not": "doesn't", "did not": "didn't"}
_EXPAND = {v: k for k, v in _CONTRACT.items()}
_NAMES = ["Lincoln", "Moscow", "Germany", "Mexico", "Clinton", "Jefferson", "Chicago", "Japan", "Britain", "Obama", "Texas", "France"]
_NUM_WORDS = {"one": "two", "two": "three", "three": "four", "four": "five", "five": "six", "six": "seven", "ten": "twelve",
              "twenty": "thirty", "hundred": "thousand", "thousand": "million", "million": "billion", "billion": "trillion"}


# -- test set ---------------------------------------------------------------------------------

def _fragment(text: str, rng: random.Random, lo: int = 8, hi: int = 25) -> str:
    words = text.split()
    if len(words) <= hi:
        return text.strip()
    size = rng.randint(lo, hi)
    start = rng.randint(0, len(words) - size)
    return " ".join(words[start : start + size])


def _typo(text: str, rng: random.Random) -> str | None:
    words = text.split()
    spots = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha() and w.islower()]
    if not spots:
        return None
    for i in rng.sample(spots, min(len(spots), 2 if len(words) >= 15 else 1)):
        w = words[i]
        j = rng.randint(1, len(w) - 3)
        op = rng.choice(("swap", "drop", "double"))
        if op == "swap":
            w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        elif op == "drop":
            w = w[:j] + w[j + 1 :]
        else:
            w = w[:j] + w[j] + w[j:]
        words[i] = w
    return " ".join(words)


def _styled(text: str, rng: random.Random) -> str:
    out = text.replace("'", "\u2019").replace(" - ", " \u2014 ")
    out = out.upper() if rng.random() < 0.3 else out.lower()
    words = out.split()
    i = rng.randrange(len(words))
    words[i] = words[i][:1] + "\u200b" + words[i][1:]
    out = "\u201c" + "  ".join(words) + "\u201d"
    return out.replace("a", "\u0430", 1) if rng.random() < 0.5 else out


def _elided(text: str, rng: random.Random) -> str | None:
    words = text.split()
    if len(words) < 12:
        return None
    cut = rng.randint(3, len(words) - 7)
    return " ".join(words[:cut]) + " \u2026 " + " ".join(words[cut + rng.randint(2, 4) :])


def _filler(text: str, rng: random.Random) -> str:
    words = text.split()
    filler = rng.choice(_FILLERS)
    if filler.endswith(","):
        return filler.capitalize() + " " + text
    i = rng.randint(1, len(words) - 1)
    return " ".join(words[:i] + [filler] + words[i:])


def _contraction(text: str) -> str | None:
    for table in (_CONTRACT, _EXPAND):
        for a, b in table.items():
            pattern = re.compile(rf"\b{re.escape(a)}\b", re.I)
            if pattern.search(text):
                return pattern.sub(b, text, count=1)
    return None


def _negation_added(text: str, rng: random.Random) -> str | None:
    words = text.split()
    spots = [i for i, w in enumerate(words[:-1]) if w.lower() in _AUX and words[i + 1].lower() not in ("not", "no", "never")]
    if not spots or _NEG_WORDS.search(text):
        return None
    i = rng.choice(spots)
    return " ".join(words[: i + 1] + ["not"] + words[i + 1 :])


def _negation_removed(text: str) -> str | None:
    # Only a negation inside the fragment: one at either end would leave a shorter genuine fragment.
    for m in _NEG_WORDS.finditer(text):
        if 3 < m.start() < len(text) - 8 and not text[m.end():].lstrip().startswith(","):
            return (text[: m.start()] + text[m.end() :]).replace("  ", " ")
    return None


def _number(text: str, rng: random.Random) -> str | None:
    words = text.split()
    for i, w in enumerate(words):
        core = w.strip(",.;:")
        if core.isdigit() or re.fullmatch(r"\d{1,3}(,\d{3})+", core):
            digits = core.replace(",", "")
            changed = str(int(digits) * 10 if rng.random() < 0.5 else int(digits) + 1 + rng.randint(0, 9))
            words[i] = w.replace(core, changed)
            return " ".join(words)
        if core.lower() in _NUM_WORDS:
            words[i] = w.replace(core, _NUM_WORDS[core.lower()])
            return " ".join(words)
    return None


def _name(text: str, rng: random.Random) -> str | None:
    words = text.split()
    spots = [i for i, w in enumerate(words) if i > 0 and w[:1].isupper() and w.strip(",.;:").isalpha() and len(w) > 3
             and not words[i - 1].endswith((".", "!", "?"))]
    if not spots:
        return None
    i = rng.choice(spots)
    core = words[i].strip(",.;:")
    new = rng.choice([n for n in _NAMES if n != core])
    words[i] = words[i].replace(core, new)
    return " ".join(words)


def _antonym(text: str, rng: random.Random) -> str | None:
    words = text.split()
    spots = [i for i, w in enumerate(words) if w.strip(",.;:").lower() in _ANTONYM_OF]
    if not spots:
        return None
    i = rng.choice(spots)
    core = words[i].strip(",.;:")
    words[i] = words[i].replace(core, _ANTONYM_OF[core.lower()])
    return " ".join(words)


def _inserted(text: str, other: str, rng: random.Random) -> str:
    words = text.split()
    extra = other.split()
    k = rng.randint(3, 5)
    start = rng.randint(0, max(0, len(extra) - k))
    i = rng.randint(1, len(words) - 1)
    return " ".join(words[:i] + extra[start : start + k] + words[i:])


def _deleted(text: str, rng: random.Random) -> str | None:
    words = text.split()
    if len(words) < 12:
        return None
    k = rng.randint(3, 5)
    i = rng.randint(2, len(words) - k - 2)
    return " ".join(words[:i] + words[i + k :])


def _spliced(text: str, other: str, rng: random.Random) -> str | None:
    a, b = text.split(), other.split()
    if len(a) < 8 or len(b) < 8:
        return None
    return " ".join(a[: rng.randint(5, min(12, len(a) - 2))] + b[-rng.randint(5, min(12, len(b) - 2)) :])


def make_cases(statements: list[StatementRecord], per_kind: int, outside: dict[str, list[str]], seed: int = 1) -> list[tuple[str, str, str | None, StatementRecord | None]]:
    """(kind, quote, speaker given, source) for every perturbation; `source` None for not-in-corpus."""
    rng = random.Random(seed)
    pool = [s for s in statements if 10 <= len(s.text.split()) <= 60 and s.speaker]
    cases: list[tuple[str, str, str | None, StatementRecord | None]] = []
    counts: Counter[str] = Counter()
    speakers = sorted({s.speaker for s in pool if s.speaker})
    attempts = 0
    kinds = GENUINE + DOCTORED + ("misattributed",)
    while min(counts[k] for k in kinds) < per_kind and attempts < per_kind * 400:
        attempts += 1
        s = rng.choice(pool)
        other = rng.choice(pool)
        frag = _fragment(s.text, rng, 10, 25)
        kind = rng.choice([k for k in kinds if counts[k] < per_kind])
        quote: str | None
        speaker: str | None = None
        if kind == "exact":
            quote = frag
        elif kind == "elided":
            quote = _elided(frag, rng)
        elif kind == "styled":
            quote = _styled(frag, rng)
        elif kind == "typo":
            quote = _typo(frag, rng)
        elif kind == "filler":
            quote = _filler(frag, rng)
        elif kind == "contraction":
            quote = _contraction(frag)
        elif kind == "negation+":
            quote = _negation_added(frag, rng)
        elif kind == "negation-":
            quote = _negation_removed(frag)
        elif kind == "number":
            quote = _number(frag, rng)
        elif kind == "name":
            quote = _name(frag, rng)
        elif kind == "antonym":
            quote = _antonym(frag, rng)
        elif kind == "insertion":
            quote = _inserted(frag, other.text, rng)
        elif kind == "deletion":
            quote = _deleted(frag, rng)
        elif kind == "splice":
            quote = _spliced(frag, _fragment(other.text, rng, 10, 25), rng) if other.id != s.id else None
        else:
            quote = frag
            last = (s.speaker or "").split()[-1:]
            wrong = rng.choice(speakers)
            if not last or wrong.split()[-1:] == last:
                continue
            speaker = wrong
        if not quote or quote == frag and kind not in ("exact", "misattributed"):
            continue
        if kind in GENUINE and kind != "styled" and rng.random() < 0.3:
            speaker = s.speaker  # the right speaker given, in some cases
        cases.append((kind, quote, speaker, s))
        counts[kind] += 1
    for name, texts in outside.items():
        for text in rng.sample(texts, min(len(texts), per_kind)):
            cases.append((f"not-in-corpus ({name})", _fragment(text, rng, 8, 25), None, None))
    return cases


def accuracy(matcher: Matcher, cases: list[tuple[str, str, str | None, StatementRecord | None]]) -> dict[str, object]:
    """Verdict counts per kind, and the summary rates with their targets."""
    per_kind: dict[str, Counter[str]] = defaultdict(Counter)
    right_source = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for kind, quote, speaker, source in cases:
        result = matcher.check(quote, speaker)
        per_kind[kind][result.verdict] += 1
        if source is not None and result.match is not None and (
            result.match.id == source.id or match_text(result.match.text) == match_text(source.text)
        ):
            right_source[kind] += 1
        wanted = (
            ("misattributed",) if kind == "misattributed" else ("unverified",) if kind.startswith("not-in-corpus")
            else ("verified", "close") if kind in GENUINE else ("altered",)
        )
        if result.verdict not in wanted and len(examples[kind]) < 3:
            said = f" ~ {result.match.text[:70]!r}" if kind.startswith("not-in-corpus") and result.match else ""
            examples[kind].append(f"{result.verdict}: {quote[:90]!r}{said}")
    def rate(kinds: Sequence[str], verdicts: Sequence[str]) -> tuple[int, int]:
        hit = sum(per_kind[k][v] for k in kinds for v in verdicts)
        return hit, sum(sum(per_kind[k].values()) for k in kinds)
    return {
        "per_kind": per_kind,
        "right_source": right_source,
        "examples": examples,
        "found": rate(GENUINE, ("verified", "close")),
        "altered caught": rate(DOCTORED, ("altered",)),
        "misattributed caught": rate(("misattributed",), ("misattributed",)),
        "not in corpus -> unverified": rate([k for k in per_kind if k.startswith("not-in-corpus")], ("unverified",)),
        "false verified/close on doctored": rate(DOCTORED, ("verified", "close")),
    }


# -- speed --------------------------------------------------------------------------------------

def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def footprint(matcher: Matcher) -> int:
    """Bytes held by the matcher: numpy/array buffers, the strings, lists and dictionaries."""
    seen: set[int] = set()

    def size(obj: object) -> int:
        if id(obj) in seen:
            return 0
        seen.add(id(obj))
        if isinstance(obj, np.ndarray):
            return obj.nbytes
        if isinstance(obj, (str, bytes, bytearray, array, int, float)) or obj is None:
            return sys.getsizeof(obj)
        if isinstance(obj, dict):
            return sys.getsizeof(obj) + sum(size(k) + size(v) for k, v in obj.items())
        if isinstance(obj, (list, tuple, set, frozenset)):
            return sys.getsizeof(obj) + sum(size(v) for v in obj)
        if hasattr(obj, "__dict__"):
            return sys.getsizeof(obj) + size(vars(obj))
        return sys.getsizeof(obj)

    return size(matcher._index) + sum(
        size(getattr(matcher, name)) for name in vars(matcher) if name not in ("_index", "_lock", "_fetch", "settings")
    )


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(np.array(values), p)) if values else float("nan")


def make_queries(statements: list[StatementRecord], count: int, seed: int = 3) -> list[tuple[str, str]]:
    """(quote, id of the source statement): fragments of 8-25 words with 0-2 typos."""
    rng = random.Random(seed)
    pool = [s for s in statements if len(s.text.split()) >= 8]
    out = []
    for _ in range(count):
        s = rng.choice(pool)
        q = _fragment(s.text, rng, 8, 25)
        if rng.random() < 0.5:
            q = _typo(q, rng) or q
        out.append((q, s.id or ""))
    return out


class BruteForce:
    """Every statement scored with the `quote` score by rapidfuzz (two threads); the reference."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.lengths = np.array([len(t) for t in texts])

    def best(self, quote: str) -> tuple[int, float]:
        q = match_text(quote)
        partial = process.cdist([q], self.texts, scorer=fuzz.partial_ratio, processor=None, workers=-1, dtype=np.float32)[0]
        short = np.flatnonzero(self.lengths < len(q))
        if len(short):
            ratio = process.cdist([q], [self.texts[i] for i in short], scorer=fuzz.ratio, processor=None, workers=-1, dtype=np.float32)[0]
            partial[short] = ratio
        i = int(np.argmax(partial))
        return i, float(partial[i])


def pg_peer(texts: list[str], queries: list[str], rerank_limit: int = 100) -> dict[str, float] | None:
    """The same lookups through PostgreSQL pg_trgm (word_similarity, GIN), then the same rerank."""
    try:
        import sqlalchemy as sa
    except ImportError:
        return None
    url = os.environ.get("QUOTECHECK_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    try:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            conn.execute(sa.text("DROP TABLE IF EXISTS bench_matching"))
            conn.execute(sa.text("CREATE TABLE bench_matching (id integer primary key, norm text not null)"))
        started = time.perf_counter()
        with engine.begin() as conn:
            for lo in range(0, len(texts), 20000):
                conn.execute(
                    sa.text("INSERT INTO bench_matching (id, norm) VALUES (:id, :norm)"),
                    [{"id": i, "norm": t} for i, t in enumerate(texts[lo : lo + 20000], start=lo)],
                )
            conn.execute(sa.text("CREATE INDEX bench_matching_trgm ON bench_matching USING gin (norm gin_trgm_ops)"))
            conn.execute(sa.text("ANALYZE bench_matching"))
        build = time.perf_counter() - started
        times = []
        tops = []
        with engine.connect() as conn:
            conn.execute(sa.text("SET pg_trgm.word_similarity_threshold = 0.5"))
            for q in queries:
                qn = match_text(q)
                t0 = time.perf_counter()
                rows = conn.execute(
                    sa.text("SELECT id, norm FROM bench_matching WHERE :q <% norm ORDER BY word_similarity(:q, norm) DESC LIMIT :n"),
                    {"q": qn, "n": rerank_limit},
                ).all()
                best = max(rows, key=lambda r: quote_score([qn], r[1]), default=None)
                times.append((time.perf_counter() - t0) * 1000)
                tops.append(best[0] if best else -1)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS bench_matching"))
        engine.dispose()
        return {"build_s": build, "p50": percentile(times, 50), "p95": percentile(times, 95), "p99": percentile(times, 99), "tops": tops}  # type: ignore[dict-item]
    except Exception as exc:  # the peer is optional: no server, no extension
        print(f"  pg_trgm peer skipped: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
        return None


def corpus(size: int, real: list[StatementRecord], quotes: list[StatementRecord]) -> list[StatementRecord]:
    """`size` statements: speeches and debates, then quotes, then synthetic text."""
    out = list(real[:size])
    if len(out) < size:
        out.extend(quotes[: size - len(out)])
    if len(out) < size:
        out.extend(datasets.synthetic([s.text for s in real[:50000]], size - len(out)))
    return out


def speed(size: int, real: list[StatementRecord], quotes: list[StatementRecord], settings: MatchingSettings,
          n_queries: int, n_brute: int, pg: bool) -> None:
    statements = corpus(size, real, quotes)
    by_id = {s.id: s for s in statements}

    def fetch(ids: Sequence[str]) -> dict[str, StatementRecord]:
        return {i: by_id[i] for i in ids if i in by_id}

    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    matcher = Matcher(settings, fetch=fetch)
    matcher.add_many(statements)
    build = time.perf_counter() - started
    gc.collect()
    rss = (rss_mb() - before) * 2**20 / max(len(statements), 1)
    memory = footprint(matcher) / max(len(statements), 1)
    snapshot = Path(tempfile.gettempdir()) / f"quotecheck-bench-{os.getpid()}.snapshot"
    t0 = time.perf_counter()
    matcher.save(snapshot, token="bench")
    saved = time.perf_counter() - t0
    t0 = time.perf_counter()
    restored = Matcher.load(snapshot, settings, fetch=fetch, token="bench")
    loaded = time.perf_counter() - t0
    snapshot_mb = snapshot.stat().st_size / 2**20
    snapshot.unlink()
    if restored is not None:
        matcher = restored  # the lookups below run on the restored index
    queries = make_queries(statements, n_queries)
    times = []
    hits = 0
    results = []
    cpu = []
    for q, source in queries:
        c0 = time.thread_time()
        result = matcher.check(q)
        cpu.append((time.thread_time() - c0) * 1000)
        times.append(result.elapsed_ms)
        results.append(result)
        hits += result.match is not None and (result.match.id == source or match_text(result.match.text) == match_text(by_id[source].text))
    print(f"\n== {len(statements):,} statements ==")
    print(f"  index build: {build:.1f} s   ({TARGETS['build']})   memory: {memory:.0f} bytes/statement"
          f" (counted; RSS grew {rss:.0f} bytes/statement; records loaded by id, not kept)")
    print(f"  snapshot: saved in {saved:.1f} s ({snapshot_mb:.0f} MB), loaded in {loaded:.1f} s"
          f" -> start-up from a snapshot {loaded:.1f} s   ({TARGETS['build']})")
    print(f"  check(): p50 {percentile(times, 50):.2f} ms  p95 {percentile(times, 95):.2f} ms  p99 {percentile(times, 99):.2f} ms"
          f"  over {len(times)} lookups   (target p95 {TARGETS['p95']})")
    print(f"           CPU time of the lookup thread: p50 {percentile(cpu, 50):.2f} ms  p95 {percentile(cpu, 95):.2f} ms"
          f"  p99 {percentile(cpu, 99):.2f} ms   (wall time above includes waiting for a core; load average now"
          f" {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"  top-1 is the source statement (or the same words): {hits / len(queries):.1%}")
    if n_brute:
        brute = BruteForce([match_text(s.text) for s in statements])
        sample = queries[:n_brute]
        agree = 0
        btimes = []
        for (q, _), result in zip(sample, results):
            t0 = time.perf_counter()
            i, score = brute.best(q)
            btimes.append((time.perf_counter() - t0) * 1000)
            got = quote_score([match_text(q)], match_text(result.match.text)) if result.match else 0.0
            agree += got >= score - 0.01  # cdist scores are float32
        print(f"  recall@1 vs brute force: {agree}/{len(sample)} = {agree / len(sample):.1%}   (target {TARGETS['recall@1']})")
        print(f"  brute force peer (cdist, 2 threads): p50 {percentile(btimes, 50):.0f} ms  p95 {percentile(btimes, 95):.0f} ms")
    if pg:
        peer = pg_peer([match_text(s.text) for s in statements], [q for q, _ in queries[: max(n_brute, 50)]])
        if peer:
            tops = peer.pop("tops")  # type: ignore[arg-type]
            agree = sum(
                1 for t, r in zip(tops, results) if t >= 0 and r.match is not None and match_text(statements[t].text) == match_text(r.match.text)
            )
            print(f"  pg_trgm peer (GIN, word_similarity <% 0.5, top 100 + same rerank): build {peer['build_s']:.1f} s, "
                  f"p50 {peer['p50']:.1f} ms p95 {peer['p95']:.1f} ms p99 {peer['p99']:.1f} ms; same top-1 as the index {agree}/{len(tops)}")
    del matcher, statements, by_id
    gc.collect()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="corpus sizes for the speed runs (comma-separated)")
    parser.add_argument("--queries", type=int, default=300, help="lookups timed per size")
    parser.add_argument("--brute", default="100,30,5", help="brute-force sample per size (comma-separated, last repeats)")
    parser.add_argument("--accuracy", type=int, default=150, help="test quotes per perturbation kind (0: skip)")
    parser.add_argument("--accuracy-corpus", type=int, default=200000, help="statements in the accuracy corpus")
    parser.add_argument("--pg-max", type=int, default=100000, help="largest size also run through pg_trgm (0: never)")
    args = parser.parse_args(argv)
    settings = load_settings().matching
    print(f"matching benchmark; settings: {settings}")
    t0 = time.perf_counter()
    real = list(datasets.sotu()) + list(datasets.debates())
    random.Random(5).shuffle(real)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    need_quotes = max(sizes + [args.accuracy_corpus]) - len(real)
    quotes = list(datasets.quotes500k(limit=max(0, need_quotes) + 1000)) if need_quotes > 0 else []
    print(f"loaded {len(real):,} speech/debate sentences and {len(quotes):,} quotes in {time.perf_counter() - t0:.1f} s")

    if args.accuracy:
        statements = corpus(args.accuracy_corpus, real, quotes)
        matcher = Matcher(settings)
        t0 = time.perf_counter()
        matcher.add_many(statements)
        print(f"\n== accuracy on {len(statements):,} statements (built in {time.perf_counter() - t0:.1f} s) ==")
        cases = make_cases(statements, args.accuracy, {"LIAR claims": datasets.liar(), "BBC news": datasets.bbc()})
        report = accuracy(matcher, cases)
        for name in ("found", "altered caught", "misattributed caught", "not in corpus -> unverified", "false verified/close on doctored"):
            hit, total = report[name]  # type: ignore[misc]
            print(f"  {name:34s} {hit:5d}/{total:<5d} = {hit / max(total, 1):6.1%}   (target {TARGETS[name]})")
        print("  per kind (verdict counts; right source = the match is the statement the quote was made from):")
        for kind, counts in report["per_kind"].items():  # type: ignore[union-attr]
            total = sum(counts.values())
            print(f"    {kind:14s} n={total:4d}  " + "  ".join(f"{v} {c}" for v, c in counts.most_common())
                  + (f"   right source {report['right_source'][kind]}/{total}" if not kind.startswith("not-in-corpus") else ""))  # type: ignore[index]
        for kind, lines in report["examples"].items():  # type: ignore[union-attr]
            for line in lines:
                print(f"      miss [{kind}] {line}")
        del matcher
        gc.collect()

    brutes = [int(b) for b in args.brute.split(",")]
    for n, size in enumerate(sizes):
        speed(size, real, quotes, settings, args.queries, brutes[min(n, len(brutes) - 1)], size <= args.pg_max)


if __name__ == "__main__":
    main()
