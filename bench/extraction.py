"""Scores quote and speaker extraction on PolNeAR by k-fold cross-validation, and measures speed.

Usage: python bench/extraction.py [--split both|train|dev] [--folds K] [--held-out F] [--errors N]
                                  [--no-ingest]

Data: $QUOTECHECK_DATA/polnear, else ../shared/data/polnear relative to the repository root.

Folds: the articles of the chosen splits (`train` and `dev` by default; the test split is reserved
and not here) are dealt into K folds by a hash of their names, so a fold never changes when others
are added. The rules are not fitted per fold: each fold's score is what the extractor does on
articles it was never tuned on, provided misses are studied only on the other folds. The fold
`--held-out` (default 0) is that untouched fold: `--errors` prints misses of the other folds only,
and the held-out figure is printed apart next to the mean and the worst fold.

Gold direct quotes: for each attribution (`Attribution` and `Attribution-no-source`), the characters
of its Content span that lie between double quotation marks (“…”, "…", ''…''; paired per paragraph),
one gold quote per pair of marks. Quotes of four words or more are the ones to find (recall); any gold
quoted character makes a prediction right (precision). One annotator per article: the first .ann in sorted order.

Predictions are the quotes an article stores as statements (`bot.core.documents.parse_article`):
not flagged as scare quotes, with a speaker of any kind, or of four words or more without one.

Matching (character overlap, whitespace ignored):
- a predicted quote is correct when at least half of its characters are gold quoted characters;
  predictions lying mostly inside spans the annotators marked Discuss/Discard are not counted;
- a gold quote is found when at least half of its characters are covered by predicted quotes.
Speaker accuracy: over found gold quotes whose Source span names someone (its head, before any comma,
ends in capitalised words that are not a pronoun; PolNeAR has no coreference, so "he" sources and
"the spokesman" are not scored), the predicted quote overlapping it most must name the same person
(`same_person`).

Error kinds (the table): each miss, wrong speaker and wrong prediction is put in the first kind that
fits: a standalone quoted paragraph (the paragraph holds no narration outside quotation marks); a
speaker that is an organisation, an unnamed person or a document (by the gold Source); a role noun
for a person ("the Ohio congresswoman"); a pronoun whose person is named in an earlier paragraph
only; a prediction too long (it overlaps a gold quote but most of it is not quoted); other.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.documents import is_statement  # noqa: E402
from bot.core.extract import ExtractedQuote, extract_quotes  # noqa: E402
from bot.core.speakers import PERSON_TITLES, QUALIFIERS, TITLE_WORDS, same_person  # noqa: E402

_NOT_NAMES = frozenset("he she they i we it you the a an his her their its this that these those our one some".split())
MIN_GOLD_WORDS = 4  # the quotes every article must keep (shorter ones may be scare quotes)


@dataclass
class Gold:
    chars: set[int]
    source: str | None
    text: str
    source_at: int | None = None  # offset of the Source span, when there is one


@dataclass
class Article:
    name: str
    text: str
    gold: list[Gold] = field(default_factory=list)  # quotes of MIN_GOLD_WORDS words or more
    quoted: set[int] = field(default_factory=set)  # every gold quoted character
    ignored: set[int] = field(default_factory=set)


def data_dir(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get("QUOTECHECK_DATA"):
        return Path(os.environ["QUOTECHECK_DATA"]) / "polnear"
    return ROOT.parent / "shared" / "data" / "polnear"


def quoted_chars(text: str) -> dict[int, int]:
    """Characters between double quotation marks (each to the offset of its opening mark), pairing
    marks paragraph by paragraph."""
    inside: dict[int, int] = {}
    for paragraph in re.finditer(r"[^\n]+", text):
        open_at: int | None = None
        for mark in re.finditer(r"''|[\"“”]", paragraph.group(0)):
            at = paragraph.start() + mark.start()
            token = mark.group(0)
            if token == "“" or (token != "”" and open_at is None):
                open_at = at + len(token)
            elif open_at is not None:
                inside.update((i, open_at) for i in range(open_at, at) if not text[i].isspace())
                open_at = None
        if open_at is not None:
            inside.update((i, open_at) for i in range(open_at, paragraph.end()) if not text[i].isspace())
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
            chars = {i for a, b in content[1] for i in range(a, b) if i in quoted}
            article.quoted |= chars
            source = spans.get(relation.get("Source", ""))
            source_text = " ".join(text[a:b] for a, b in source[1]) if source else None
            by_quote: dict[int, set[int]] = {}
            for i in chars:
                by_quote.setdefault(quoted[i], set()).add(i)
            for piece in by_quote.values():  # each pair of marks is one quotation
                words = " ".join(text[min(piece) : max(piece) + 1].split())
                if len(words.split()) >= MIN_GOLD_WORDS:
                    article.gold.append(Gold(piece, source_text, words, source[1][0][0] if source else None))
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


# --- Error kinds -----------------------------------------------------------------------------------

KINDS = (
    "standalone quoted paragraph",
    "organisation speaker",
    "unnamed speaker",
    "document speaker",
    "role noun",
    "cross-paragraph pronoun",
    "too long",
    "other",
)
_PRONOUNS = frozenset("he she they i we you him her".split())
_DOCUMENTS = re.compile(
    r"\b(?:statement|statements|filing|filings|letter|memo|report|ad|advert|advertisement|editorial|"
    r"release|email|e-mail|tweet|tweets|post|video|documents?|complaint|lawsuit|suit|order|ruling|"
    r"opinion|audit|indictment|affidavit|transcript|book|article|column|website|page|script|note|"
    r"announcement|spot|commercial|message|petition|brief|motion|policy|platform|survey|poll|study|"
    r"analysis|notice|bill|law|guidance|manual|minutes|speech|op-ed)\s*$",
    re.IGNORECASE,
)
_GROUP_WORDS = re.compile(
    r"\b(?:campaign|committee|party|administration|department|ministry|agency|office|company|firm|"
    r"group|organization|organisation|network|newspaper|paper|magazine|station|court|government|"
    r"council|union|association|foundation|institute|university|team|staff|board|commission|"
    r"airline|bank|police|service|house|senate|congress|pac|outlet|channel|center|centre|"
    r"corporation|coalition|movement|club|church|school|panel|caucus|bureau|army|military|"
    r"embassy|state|city|county|district|court|fund|site|publication)\s*$",
    re.IGNORECASE,
)


def _is_role_noun(source: str) -> bool:
    """"the Ohio congresswoman", "the 71-year-old governor": a definite description ending in a
    person's role."""
    words = source.replace("’", "'").split()
    if len(words) < 2 or words[0].lower() not in ("the", "this", "that"):
        return False
    last = words[-1].rstrip(".,").lower()
    return last in PERSON_TITLES or last in _PERSON_ROLES


_PERSON_ROLES = frozenset(
    """
    congressman congresswoman senator governor nominee candidate businessman businesswoman billionaire
    mogul host star actor actress singer rapper comedian author writer reporter journalist columnist
    anchor president secretary chairman chairwoman leader speaker mayor lawmaker politician mother
    father wife husband son daughter man woman boy girl veteran former republican democrat
    independent challenger incumbent opponent rival frontrunner front-runner real-estate developer
    tycoon magnate judge justice pastor preacher bishop officer agent sheriff lawyer attorney
    """.split()
)


def _head(source: str) -> str:
    return re.split(r"[,(]", source)[0].strip()


def source_kind(source: str | None) -> str | None:
    """The gold Source's kind: person (named), organisation, unnamed, document, role, pronoun."""
    if not source:
        return None
    head = _head(source)
    if not head:
        return None
    if head.lower() in _PRONOUNS:
        return "pronoun"
    if names_someone(source):
        return "person"
    if _is_role_noun(head):
        return "role"
    if _DOCUMENTS.search(head):
        return "document"
    if _GROUP_WORDS.search(head) or re.match(r"[A-Z]", head):
        return "organisation"
    return "unnamed"


def _paragraph(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def _is_standalone(article: Article, at: int) -> bool:
    """True when the paragraph of `at` holds nothing but quoted text (and punctuation)."""
    start, end = _paragraph(article.text, at)
    narration = "".join(
        ch for i, ch in enumerate(article.text[start:end], start) if i not in article.quoted and ch.isalpha()
    )
    return len(narration) <= 2


def _pronoun_across_paragraphs(article: Article, gold: Gold) -> bool:
    """A pronoun source whose paragraph names nobody before it."""
    if gold.source_at is None:
        return False
    start, _ = _paragraph(article.text, gold.source_at)
    before = article.text[start : gold.source_at]
    return not re.search(r"\b[A-Z][a-z]+ [A-Z][a-z]+|\b(?:Mr|Mrs|Ms|Sen|Rep|Gov|Dr)\. [A-Z]", before)


def miss_kind(article: Article, gold: Gold) -> str:
    if _is_standalone(article, min(gold.chars)):
        return "standalone quoted paragraph"
    kind = source_kind(gold.source)
    if kind in ("organisation", "unnamed", "document"):
        return f"{kind} speaker"
    if kind == "role":
        return "role noun"
    if kind == "pronoun" and _pronoun_across_paragraphs(article, gold):
        return "cross-paragraph pronoun"
    return "other"


# --- Predictions and scores ------------------------------------------------------------------------


@dataclass
class Prediction:
    chars: set[int]
    speaker: str | None
    kind: str = "person"


def predictions(article: Article, quotes: list[ExtractedQuote]) -> list[Prediction]:
    text = article.text
    out = []
    for quote in quotes:
        if not is_statement(quote):
            continue
        chars = {i for a, b in quote.spans for i in range(a, b) if not text[i].isspace()}
        out.append(Prediction(chars, quote.speaker, getattr(quote, "speaker_kind", "person")))
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
    kinds: Counter[tuple[str, str]] = field(default_factory=Counter)  # (error, kind) → count
    errors: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.predicted += other.predicted
        self.correct += other.correct
        self.gold += other.gold
        self.found += other.found
        self.speaker_total += other.speaker_total
        self.speaker_right += other.speaker_right
        self.kinds.update(other.kinds)
        self.errors.extend(other.errors)

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speakers(self) -> float:
        return self.speaker_right / self.speaker_total if self.speaker_total else 0.0

    def line(self, label: str) -> str:
        return (
            f"{label:<12} precision {self.precision:6.1%}  recall {self.recall:6.1%}  F1 {self.f1:6.1%}  "
            f"speaker accuracy {self.speakers:6.1%} ({self.speaker_right}/{self.speaker_total})  "
            f"[{self.correct}/{self.predicted} predicted, {self.found}/{self.gold} gold]"
        )


def _around(article: Article, lo: int, hi: int) -> str:
    text = article.text
    return (
        " ".join(text[max(0, lo - 160) : lo].split()) + " [[" + " ".join(text[lo:hi].split())[:100] + "]] "
        + " ".join(text[hi : hi + 120].split())
    )


def score(article: Article, predicted: list[Prediction], into: Score, keep_errors: bool) -> None:
    predicted_chars: set[int] = set().union(*(p.chars for p in predicted)) if predicted else set()
    for prediction in predicted:
        if not prediction.chars:
            continue
        if len(prediction.chars & article.ignored) * 2 >= len(prediction.chars):
            continue
        into.predicted += 1
        overlap = len(prediction.chars & article.quoted)
        if overlap * 2 >= len(prediction.chars):
            into.correct += 1
            continue
        kind = "too long" if overlap else "other"
        into.kinds[("wrong prediction", kind)] += 1
        if keep_errors:
            lo, hi = min(prediction.chars), max(prediction.chars) + 1
            into.errors.append(f"FP {kind} {article.name}: {_around(article, lo, hi)}")
    for gold in article.gold:
        into.gold += 1
        lo, hi = min(gold.chars), max(gold.chars) + 1
        if len(gold.chars & predicted_chars) * 2 < len(gold.chars):
            kind = miss_kind(article, gold)
            into.kinds[("missed quote", kind)] += 1
            if keep_errors:
                into.errors.append(f"FN {kind} (source {gold.source!r}) {article.name}: {_around(article, lo, hi)}")
            continue
        into.found += 1
        names = names_someone(gold.source)
        if not names:
            continue
        best = max(predicted, key=lambda p: len(p.chars & gold.chars))
        into.speaker_total += 1
        if best.speaker and any(_names_match(candidate, best.speaker) for candidate in names):
            into.speaker_right += 1
            continue
        kind = miss_kind(article, gold)
        into.kinds[("wrong speaker", kind)] += 1
        if keep_errors:
            into.errors.append(f"SPK {kind} {article.name}: gold {names[0]!r} got {best.speaker!r}: {_around(article, lo, hi)}")


def fold_of(name: str, folds: int) -> int:
    return zlib.crc32(name.encode("utf-8")) % folds


def kind_table(train: Score, held_out: Score, held: int) -> list[str]:
    errors = ("missed quote", "wrong speaker", "wrong prediction")
    lines = [f"errors by kind (other folds | held-out fold {held}):"]
    lines.append(f"  {'kind':<30}" + "".join(f"{e:>22}" for e in errors))
    for kind in KINDS:
        cells = "".join(f"{train.kinds[(e, kind)]:>14} | {held_out.kinds[(e, kind)]:<5}" for e in errors)
        lines.append(f"  {kind:<30}{cells}")
    totals = "".join(
        f"{sum(train.kinds[(e, k)] for k in KINDS):>14} | {sum(held_out.kinds[(e, k)] for k in KINDS):<5}" for e in errors
    )
    lines.append(f"  {'all':<30}{totals}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("both", "train", "dev"), default="both")
    parser.add_argument("--data", help="the polnear folder (default: $QUOTECHECK_DATA/polnear or ../shared/data/polnear)")
    parser.add_argument("--folds", type=int, default=5, help="number of folds (default 5)")
    parser.add_argument("--held-out", type=int, default=0, help="the fold never studied (default 0)")
    parser.add_argument("--errors", type=int, default=0, help="print this many errors of the other folds")
    parser.add_argument("--no-ingest", action="store_true", help="skip the ingest speed measurement")
    args = parser.parse_args(argv)
    root = data_dir(args.data)
    splits = ("train", "dev") if args.split == "both" else (args.split,)
    if not all((root / split).is_dir() for split in splits):
        print(f"extraction bench: no PolNeAR data at {root}; skipped")
        return 0
    articles = [article for split in splits for article in load(root / split)]
    folds = [Score() for _ in range(args.folds)]
    baseline = Score()
    for article in articles:
        number = fold_of(article.name, args.folds)
        keep = args.errors > 0 and number != args.held_out
        score(article, predictions(article, extract_quotes(article.text)), folds[number], keep)
        score(article, naive(article), baseline, False)

    total_gold = sum(f.gold for f in folds)
    print(
        f"PolNeAR {'+'.join(splits)}: {len(articles)} articles, {total_gold} gold direct quotes "
        f"({MIN_GOLD_WORDS}+ words inside quotation marks in a Content span), {args.folds} folds by name hash"
    )
    print("rule: a prediction (a stored statement) is right when >= 50% of its characters are gold quoted characters;")
    print("      a gold quote is found when >= 50% of its characters are covered; speakers scored where the gold")
    print("      Source is a name (no coreference); one annotator per article; baseline: text between double")
    print("      marks, speaker = capitalised words next to said/says")
    for number, fold in enumerate(folds):
        print(fold.line(f"fold {number}" + (" (held)" if number == args.held_out else "")))
    for label, pick in (("precision", "precision"), ("recall", "recall"), ("F1", "f1"), ("speakers", "speakers")):
        values = [getattr(f, pick) for f in folds]
        print(f"{label:<10} mean {sum(values) / len(values):6.1%}  worst fold {min(values):6.1%}  held-out fold {values[args.held_out]:6.1%}")
    everything = Score()
    for fold in folds:
        everything.add(fold)
    print(everything.line("all folds"))
    print(baseline.line("baseline"))
    others = Score()
    for number, fold in enumerate(folds):
        if number != args.held_out:
            others.add(fold)
    for line in kind_table(others, folds[args.held_out], args.held_out):
        print(line)

    texts = [a.text for a in articles]
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        for text in texts:
            extract_quotes(text)
        best = min(best, time.perf_counter() - began)
    chars = sum(map(len, texts))
    print(f"speed: {len(texts) / best:.0f} articles/s ({chars / best / 1e6:.2f} M chars/s, best of 3 runs)   (target >= 50/s)")
    if not args.no_ingest:
        print(ingest_speed(articles))
    for error in others.errors[: args.errors]:
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
