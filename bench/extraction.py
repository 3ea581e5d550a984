"""Scores quote and speaker extraction on PolNeAR and measures extraction speed.

Usage: python bench/extraction.py [--split train|dev] [--data DIR] [--errors N]

Data: $QUOTECHECK_DATA/polnear, else ../shared/data/polnear relative to the repository root.

Gold direct quotes: for each attribution (`Attribution` and `Attribution-no-source`), the characters
of its Content span that lie between double quotation marks (“…”, "…", ''…''; paired per paragraph),
kept when they hold three words or more (one- or two-word quotes are scare quotes, flagged apart by
the extractor and left out of both sides; quoted titles in Title Case stay in the gold, so flagging
them costs recall). One annotator per article: the first .ann in sorted order.

Matching (character overlap, whitespace ignored):
- a predicted quote is correct when at least half of its characters are gold quoted characters;
  predictions lying mostly inside spans the annotators marked Discuss/Discard are not counted;
- a gold quote is found when at least half of its characters are covered by predicted quotes.
Speaker accuracy: over found gold quotes whose Source span names someone (its head, before any comma,
ends in capitalised words that are not a pronoun; PolNeAR has no coreference, so "he" sources and
"the spokesman" are not scored),
the predicted quote overlapping it most must name the same person (`same_person`).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.extract import ExtractedQuote, extract_quotes  # noqa: E402
from bot.core.speakers import PERSON_TITLES, QUALIFIERS, TITLE_WORDS, same_person  # noqa: E402

_NOT_NAMES = frozenset("he she they i we it you the a an his her their its this that these those our one some".split())


@dataclass
class Gold:
    chars: set[int]
    source: str | None
    text: str


@dataclass
class Article:
    name: str
    text: str
    gold: list[Gold] = field(default_factory=list)
    ignored: set[int] = field(default_factory=set)


def data_dir(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get("QUOTECHECK_DATA"):
        return Path(os.environ["QUOTECHECK_DATA"]) / "polnear"
    return ROOT.parent / "shared" / "data" / "polnear"


def quoted_chars(text: str) -> set[int]:
    """Characters between double quotation marks, pairing marks paragraph by paragraph."""
    inside: set[int] = set()
    for paragraph in re.finditer(r"[^\n]+", text):
        open_at: int | None = None
        for mark in re.finditer(r"''|[\"“”]", paragraph.group(0)):
            at = paragraph.start() + mark.start()
            token = mark.group(0)
            if token == "“" or (token != "”" and open_at is None):
                open_at = at + len(token)
            elif open_at is not None:
                inside.update(i for i in range(open_at, at) if not text[i].isspace())
                open_at = None
        if open_at is not None:
            inside.update(i for i in range(open_at, paragraph.end()) if not text[i].isspace())
    return inside


def span_chars(spans: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in (piece.split() for piece in spans.split(";"))]


def load(folder: Path) -> list[Article]:
    articles: list[Article] = []
    annotations = sorted((folder / "attributions").glob("*.ann"))
    for path in sorted((folder / "text").glob("*.txt")):
        candidates = [a for a in annotations if a.name.startswith(path.stem + "_") and len(a.stem) - len(path.stem) <= 6]
        if not candidates:
            continue
        text = path.read_text(encoding="utf-8")
        article = Article(path.stem, text)
        quoted = quoted_chars(text)
        spans: dict[str, tuple[str, list[tuple[int, int]], str]] = {}
        relations: list[dict[str, str]] = []
        for line in candidates[0].read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if line.startswith("T") and len(parts) >= 3:
                kind, _, pieces = parts[1].partition(" ")
                spans[parts[0]] = (kind, span_chars(pieces), parts[2])
                if kind in ("Discuss", "Discard"):
                    for a, b in span_chars(pieces):
                        article.ignored.update(range(a, b))
            elif line.startswith("E") and len(parts) >= 2:
                relations.append(dict(arg.split(":", 1) for arg in parts[1].split()))
        for relation in relations:
            content = spans.get(relation.get("Content", ""))
            if content is None:
                continue
            chars = {i for a, b in content[1] for i in range(a, b)} & quoted
            if not chars:
                continue
            words = " ".join(text[min(chars) : max(chars) + 1].split())
            if len(words.split()) <= 2:
                continue
            source = spans.get(relation.get("Source", ""))
            article.gold.append(Gold(chars, " ".join(text[a:b] for a, b in source[1]) if source else None, words))
        articles.append(article)
    return articles


_TRAILING_NAME = re.compile(r"(?:[A-Z][\w.'’-]*\s+)*[A-Z][\w.'’-]*$")
_TITLES = TITLE_WORDS | PERSON_TITLES | QUALIFIERS
_NOT_PERSON = frozenset(
    """
    news times post journal examiner legion house committee transcript today blaze tribune herald
    network magazine review report reports poll party campaign administration department ministry
    council commission union agency court office institute foundation association group center
    university college school senate congress government staff team monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august september
    october november december republicans democrats republican democrat americans voters
    """.split()
)


def names_someone(source: str | None) -> list[str]:
    """The person a gold Source names, as candidate names: the capitalised words ending its head,
    after the last title, qualifier (nationality, state, role word such as "Journalist"),
    possessive or acronym ("Florida Gov. Jeb Bush" → "Jeb Bush"; "Paul Ryan,
    the convention chair," → "Paul Ryan"; "Ben Cardin of Maryland" → also "Ben Cardin"). Empty for
    pronouns and heads that end in a common noun ("Clinton supporters", "Trump's attorney")."""
    if not source:
        return []
    head = re.split(r"[,(]", source.replace("’", "'"))[0].strip()
    names = []
    for part in (head, head.split(" of ")[0]):
        match = _TRAILING_NAME.search(part.strip())
        if not match:
            continue
        words = match.group(0).split()
        cut = 0
        for index, word in enumerate(words[:-1]):
            bare = word.rstrip(".").lower()
            if bare in _TITLES or word.endswith("'s") or (word.isupper() and len(word) > 1):
                cut = index + 1
        words = [w[:-2] if w.endswith("'s") else w for w in words[cut:]]
        if not words or words[0].lower() in _NOT_NAMES:
            continue
        if words[-1].rstrip(".").lower() in _NOT_PERSON or (len(words) == 1 and words[0].isupper()):
            continue  # an organisation, a publication or a date: "CNN", "Washington Examiner"
        names.append(" ".join(words))
    return names


def _names_match(gold: str, predicted: str) -> bool:
    """Same person, or a gold first name alone ("Hillary") that starts the predicted full name."""
    if same_person(gold, predicted):
        return True
    given, full = gold.lower().split(), predicted.lower().split()
    return len(given) == 1 and len(full) > 1 and given[0] == full[0]


@dataclass
class Prediction:
    chars: set[int]
    speaker: str | None


def predictions(article: Article, quotes: list[ExtractedQuote]) -> list[Prediction]:
    text = article.text
    out = []
    for quote in quotes:
        if quote.scare:
            continue
        chars = {i for a, b in quote.spans for i in range(a, b) if not text[i].isspace()}
        out.append(Prediction(chars, quote.speaker))
    return out


_NAIVE_QUOTE = re.compile(r"[“\"]([^”\"\n]+)[”\"]")
_NAME = r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*)*"
_NAIVE_AFTER = re.compile(rf"^[\s,]*(?:(?:said|says)\s+({_NAME})|({_NAME})\s+(?:said|says))")
_NAIVE_BEFORE = re.compile(rf"({_NAME})\s+(?:said|says)[^\"“]{{0,40}}$")


def naive(article: Article) -> list[Prediction]:
    """The baseline: text between double quotation marks, and a capitalised name next to 'said'."""
    text = article.text
    out = []
    for match in _NAIVE_QUOTE.finditer(text):
        if len(match.group(1).split()) <= 2:
            continue
        speaker = None
        after = _NAIVE_AFTER.match(text[match.end() : match.end() + 80])
        if after:
            speaker = (after.group(1) or after.group(2)).strip()
        else:
            before = _NAIVE_BEFORE.search(text[max(0, match.start() - 80) : match.start()])
            if before:
                speaker = before.group(1).strip()
        chars = {i for i in range(match.start(1), match.end(1)) if not text[i].isspace()}
        out.append(Prediction(chars, speaker))
    return out


@dataclass
class Score:
    predicted: int = 0
    correct: int = 0
    gold: int = 0
    found: int = 0
    speaker_total: int = 0
    speaker_right: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self, label: str) -> str:
        precision = self.correct / self.predicted if self.predicted else 0.0
        recall = self.found / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        speakers = self.speaker_right / self.speaker_total if self.speaker_total else 0.0
        return (
            f"{label:<10} precision {precision:6.1%}  recall {recall:6.1%}  F1 {f1:6.1%}  "
            f"speaker accuracy {speakers:6.1%} ({self.speaker_right}/{self.speaker_total})  "
            f"[{self.correct}/{self.predicted} predicted, {self.found}/{self.gold} gold]"
        )


def score(article: Article, predicted: list[Prediction], into: Score, keep_errors: bool) -> None:
    gold_chars: set[int] = set().union(*(g.chars for g in article.gold)) if article.gold else set()
    predicted_chars: set[int] = set().union(*(p.chars for p in predicted)) if predicted else set()
    for prediction in predicted:
        if not prediction.chars:
            continue
        if len(prediction.chars & article.ignored) * 2 >= len(prediction.chars):
            continue
        into.predicted += 1
        if len(prediction.chars & gold_chars) * 2 >= len(prediction.chars):
            into.correct += 1
        elif keep_errors:
            snippet = " ".join(article.text[min(prediction.chars) : max(prediction.chars) + 1].split())[:90]
            into.errors.append(f"FP {article.name}: {snippet}")
    for gold in article.gold:
        into.gold += 1
        if len(gold.chars & predicted_chars) * 2 < len(gold.chars):
            if keep_errors:
                into.errors.append(f"FN {article.name}: {gold.text[:90]}")
            continue
        into.found += 1
        names = names_someone(gold.source)
        if not names:
            continue
        name = names[0]
        best = max(predicted, key=lambda p: len(p.chars & gold.chars))
        into.speaker_total += 1
        if best.speaker and any(_names_match(candidate, best.speaker) for candidate in names):
            into.speaker_right += 1
        elif keep_errors:
            lo, hi = min(gold.chars), max(gold.chars)
            around = " ".join(article.text[max(0, lo - 160) : lo].split()) + " [[" + " ".join(article.text[lo:hi].split())[:80] + "]] " + " ".join(article.text[hi : hi + 120].split())
            into.errors.append(f"SPK {article.name}: gold {name!r} got {best.speaker!r}: {around}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("train", "dev"), default="dev")
    parser.add_argument("--data", help="the polnear folder (default: $QUOTECHECK_DATA/polnear or ../shared/data/polnear)")
    parser.add_argument("--errors", type=int, default=0, help="print this many errors of the extractor")
    args = parser.parse_args(argv)
    folder = data_dir(args.data) / args.split
    if not folder.is_dir():
        print(f"extraction bench: no PolNeAR data at {folder}; skipped")
        return 0
    articles = load(folder)
    ours, baseline = Score(), Score()
    for article in articles:
        score(article, predictions(article, extract_quotes(article.text)), ours, args.errors > 0)
        score(article, naive(article), baseline, False)

    print(f"PolNeAR {args.split}: {len(articles)} articles, {ours.gold} gold direct quotes (3+ words inside quotation marks in a Content span)")
    print("rule: a prediction is right when >= 50% of its characters are gold quoted characters; a gold quote is found")
    print("      when >= 50% of its characters are covered; speakers scored where the gold Source is a name (no coreference)")
    print("      predictions: quotes not flagged as scare quotes (one or two words, or Title Case titles);")
    print("      one annotator per article (first .ann in sorted order); baseline: text between double marks,")
    print("      speaker = capitalised words next to said/says")
    print(ours.line("extractor"))
    print(baseline.line("baseline"))

    texts = [a.text for a in articles]
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        for text in texts:
            extract_quotes(text)
        best = min(best, time.perf_counter() - began)
    chars = sum(map(len, texts))
    print(f"speed: {len(texts) / best:.0f} articles/s ({chars / best / 1e6:.2f} M chars/s, best of 3 runs)   (target >= 50/s)")
    print(ingest_speed(articles))
    for error in ours.errors[: args.errors]:
        print(error)
    return 0


def ingest_speed(articles: list[Article]) -> str:
    """Whole ingestion (read, parse, extract, store with audit rows) of the articles into a new SQLite file."""
    from bot.ingest import ingest_paths
    from bot.store.corpus import CorpusStore
    from bot.store.database import make_engine

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for article in articles:
            (folder / f"{article.name}.txt").write_text(article.text, encoding="utf-8")
        store = CorpusStore(make_engine(f"sqlite:///{tmp}/bench.sqlite"))
        began = time.perf_counter()
        summary = ingest_paths(store, [folder], progress=False)
        elapsed = time.perf_counter() - began
    return (
        f"ingest into SQLite: {summary.files / elapsed:.0f} articles/s ({summary.added} statements from "
        f"{summary.files} files in {elapsed:.2f} s, parse + extract + store with audit rows)   (target >= 50/s)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
