"""Picture benchmark: quote cards drawn with Pillow, read by the OCR engine, checked against the bundled corpus.

For each kind of card (the words of a corpus statement; a corpus statement doctored the ways
bench/matching.py doctors them; a claim that is not in the corpus, given to a corpus speaker) it
prints the share of cards whose quotation got the right verdict and the right statement, and the
time to read one 1080x1080 picture (decoding and OCR, not the lookup). Card styles are drawn at
random: fonts, sizes, colours, plain, gradient and photo-like backgrounds, a few degrees of turn,
JPEG compression, and screenshots of posts.
No assertions: numbers and the targets they are measured against.

    python bench/images.py                 # 40 cards of each kind
    python bench/images.py --per-kind 10   # a quick run
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

import datasets  # noqa: E402
import matching  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.core.model import StatementRecord  # noqa: E402
from bot.core.normalize import match_text  # noqa: E402
from bot.imaging.reader import ImageReader, check_claims  # noqa: E402
from bot.service import QuoteService  # noqa: E402
from tests.cards import post_card, quote_card, random_style  # noqa: E402

TARGETS = {
    "corpus": "verified >= 95%",
    "altered": "altered >= 90%",
    "fabricated": "verified = 0%",
    "time": "<= 2 s per 1080x1080 picture (2 cores)",
}
DOCTORINGS = ("negation+", "negation-", "number", "name", "antonym", "insertion", "deletion", "splice")
SEED_ARTICLE = "000_41f3c08ac7623368"


def doctored(kind: str, text: str, other: str, rng: random.Random) -> str | None:
    """`text` changed in one way that alters its meaning (the doctorings of bench/matching.py)."""
    return {
        "negation+": lambda: matching._negation_added(text, rng),
        "negation-": lambda: matching._negation_removed(text),
        "number": lambda: matching._number(text, rng),
        "name": lambda: matching._name(text, rng),
        "antonym": lambda: matching._antonym(text, rng),
        "insertion": lambda: matching._inserted(text, other, rng),
        "deletion": lambda: matching._deleted(text, rng),
        "splice": lambda: matching._spliced(text, other, rng),
    }[kind]()


def card_text(statement: StatementRecord, rng: random.Random) -> str:
    """What a card would print of a statement: all of it when short, else a run of 10-25 words."""
    return matching._fragment(statement.text, rng, 10, 25)


def make_cards(statements: list[StatementRecord], outside: list[str], per_kind: int, seed: int) -> list[dict]:
    """Cards of each kind with what they should get: (kind, printed words, speaker, source statement)."""
    rng = random.Random(seed)
    pool = [s for s in statements if s.speaker and 8 <= len(s.text.split()) <= 60]
    seed_pool = [s for s in pool if SEED_ARTICLE in (s.source.url or "") + (s.source.title or "") + (s.id or "")]
    cards: list[dict] = []
    for index in range(per_kind):
        # The seed article's quotations first, then the rest of the corpus.
        source = seed_pool[index] if index < len(seed_pool) else rng.choice(pool)
        cards.append({"kind": "corpus", "words": card_text(source, rng), "speaker": source.speaker, "source": source})
    made = 0
    while made < per_kind:
        source, other = rng.choice(pool), rng.choice(pool)
        words = card_text(source, rng)
        change = rng.choice(DOCTORINGS)
        altered = doctored(change, words, card_text(other, rng), rng)
        if not altered or altered == words or (change == "splice" and other.id == source.id):
            continue
        # A splice or an insertion may rightly be matched to the statement its other words come from.
        also = other if change in ("splice", "insertion") else None
        cards.append({"kind": "altered", "change": change, "words": altered, "speaker": source.speaker, "source": source,
                      "also": also})
        made += 1
    speakers = sorted({s.speaker for s in pool if s.speaker})
    for text in rng.sample(outside, min(per_kind, len(outside))):
        cards.append({"kind": "fabricated", "words": matching._fragment(text, rng, 8, 25), "speaker": rng.choice(speakers),
                      "source": None})
    for number, card in enumerate(cards):
        if rng.random() < 0.15:
            handle = "".join(ch for ch in (card["speaker"] or "someone") if ch.isalnum())[:15]
            card["picture"] = post_card(card["words"], card["speaker"], handle, dark=rng.random() < 0.5,
                                        rotation=rng.choice([0.0, rng.uniform(-3, 3)]), jpeg=rng.choice([None, 70]))
            card["style"] = "post"
        else:
            style = random_style(rng)
            card["picture"] = quote_card(card["words"], card["speaker"], style, seed=seed * 1000 + number)
            card["style"] = f"{style.font}/{style.size}/{style.background}/{style.rotation:.1f}/{style.jpeg}"
    return cards


def right(card: dict, result) -> bool:
    """The verdict the card's kind calls for, on the statement it came from."""
    wanted = {"corpus": "verified", "altered": "altered"}.get(card["kind"])
    if wanted is None:
        return result is None or result.verdict != "verified"
    if result is None or result.match is None or result.verdict != wanted:
        return False
    match = result.match
    for source in filter(None, (card["source"], card.get("also"))):
        if match.id == source.id or match_text(match.text) == match_text(source.text):
            return True
    # The same words said again by the same speaker (a line repeated in several speeches) are as good.
    return wanted == "verified" and match.speaker == card["source"].speaker and (
        match_text(card["words"]) in match_text(match.text))


def miss_kind(card: dict, claims: tuple[tuple[str, str | None], ...], result) -> str:
    """Where a miss comes from: the picture gave no quotation; the words were read wrong (the OCR engine);
    cut or joined at the wrong place (quotation boundaries); the name under them read wrong (speaker
    line); or read right and given the wrong verdict or statement (matcher verdict)."""
    if not claims:
        return "nothing read"
    quote, speaker = claims[0]
    read, printed = match_text(quote), match_text(card["words"])
    if read != printed:
        if read and (read in printed or printed in read):
            return "quotation boundaries"
        return "OCR misread"
    if result is not None and result.verdict == "misattributed" and match_text(speaker or "") != match_text(card["speaker"] or ""):
        return "speaker line"
    return "matcher verdict"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--show", type=int, default=4, help="misses shown per kind")
    args = parser.parse_args()

    outside = datasets.liar() or datasets.bbc()
    work = Path(tempfile.mkdtemp(prefix="quotecheck-images-"))
    settings = Settings(database_url=f"sqlite:///{work / 'bench.sqlite'}")
    started = time.perf_counter()
    service = QuoteService.open(settings, load_bundled=True, progress=False)
    print(f"bundled corpus loaded in {time.perf_counter() - started:.0f} s ({len(service.matcher)} statements)")
    statements = list(service.store.statements())
    cards = make_cards(statements, outside, args.per_kind, args.seed)
    reader = ImageReader(timeout=120)
    reader.read(cards[0]["picture"])  # the model is loaded once, before the clock runs

    hits: Counter[str] = Counter()
    verdict_only: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    verdicts: dict[str, Counter[str]] = defaultdict(Counter)
    seconds: list[float] = []
    cpu: list[float] = []
    misses: dict[str, list[str]] = defaultdict(list)
    causes: dict[str, Counter[str]] = defaultdict(Counter)
    for card in cards:
        began, began_cpu = time.perf_counter(), time.process_time()
        read = reader.read(card["picture"])
        took, took_cpu = time.perf_counter() - began, time.process_time() - began_cpu
        if card["style"] != "post" and "/0.0/" in card["style"]:
            seconds.append(took)  # unturned square cards: exactly 1080x1080
            cpu.append(took_cpu)
        results = check_claims(service, read.claims, log_lookup=False)
        result = results[0] if results else None
        kind = card["kind"]
        totals[kind] += 1
        verdicts[kind][result.verdict if result else "no quotation"] += 1
        if result is not None and result.verdict == {"corpus": "verified", "altered": "altered"}.get(kind):
            verdict_only[kind] += 1
        if right(card, result):
            hits[kind] += 1
            continue
        cause = miss_kind(card, read.claims, result)
        causes[kind][cause] += 1
        if len(misses[kind]) < args.show:
            got = f"{result.verdict} ({result.score:.0f})" if result else "nothing read"
            change = f" {card['change']}" if card.get("change") else ""
            misses[kind].append(f"{cause}: {got}{change} [{card['style']}] printed {card['words'][:70]!r} / read "
                                f"{read.claims[:1]!r}"[:300])
    service.close()

    print(f"\n{len(cards)} cards, seed {args.seed}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(the times include waiting for a core on a shared machine; CPU time does not)")
    print("right: the verdict the kind calls for, on the statement the card came from (fabricated: not verified);"
          " verdict: the verdict alone")
    print(f"{'kind':<12}{'right':>8}{'verdict':>9}{'cards':>7}  verdicts")
    for kind in ("corpus", "altered", "fabricated"):
        if totals[kind]:
            share = 100 * hits[kind] / totals[kind]
            verdict_share = f"{100 * verdict_only[kind] / totals[kind]:.1f}%" if kind != "fabricated" else "-"
            print(f"{kind:<12}{share:>7.1f}%{verdict_share:>9}{totals[kind]:>7}  {dict(verdicts[kind].most_common())}"
                  f"   target {TARGETS[kind]}")
    if seconds:
        ordered = sorted(seconds)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        print(f"time to read a 1080x1080 card: p50 {statistics.median(ordered):.2f} s, p95 {p95:.2f} s, "
              f"max {ordered[-1]:.2f} s over {len(ordered)} cards   target {TARGETS['time']}")
        spent = sorted(cpu)
        print(f"CPU time to read one: p50 {statistics.median(spent):.2f} s, "
              f"p95 {spent[min(len(spent) - 1, int(0.95 * len(spent)))]:.2f} s")
    for kind, lines in misses.items():
        print(f"\nmisses ({kind}): {dict(causes[kind].most_common())}")
        for line in lines:
            print("  " + line)
    reader.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
