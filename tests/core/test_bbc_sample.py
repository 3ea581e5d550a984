"""Extraction on a second kind of text: BBC News copy (UK style, paragraphs run together), samples of
the data set's `val` split annotated by hand in tests/fixtures/bbc_sample/: annotated.json, 12
articles with 58 quotations of four words or more (and 11 shorter ones counted only as quoted
text), used while the rules were written; held_out.json, 8 articles with 28 quotations (and 3
shorter), annotated after the rules were final and measured once.

Scored as the PolNeAR bench scores: a gold quotation is found when stored statements cover at least
half of its characters; a stored statement is right when at least half of its characters are inside
an annotated quotation; a person's quotation must name that person, an organisation's must be
stored as an organisation's."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.core.documents import is_statement
from bot.core.extract import ExtractedQuote, extract_quotes
from bot.core.speakers import same_person

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "bbc_sample"
SAMPLE = SAMPLES / "annotated.json"
HELD_OUT = SAMPLES / "held_out.json"


@dataclass
class Figures:
    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0
    speakers: int = 0
    speakers_right: int = 0

    def line(self) -> str:
        return (
            f"recall {self.found}/{self.gold}, precision {self.correct}/{self.predicted}, "
            f"speakers {self.speakers_right}/{self.speakers}"
        )


def _chars(text: str, start: int, end: int) -> set[int]:
    return {i for i in range(start, end) if not text[i].isspace()}


def _gold_chars(text: str, starts: str) -> set[int]:
    """From the opening mark before `starts` to the next double mark."""
    open_at = text.index('"' + starts) + 1
    close = text.find('"', open_at)
    return _chars(text, open_at, len(text) if close < 0 else close)


def _right_speaker(gold: dict, quote: ExtractedQuote) -> bool:
    if gold["kind"] != "person":
        return quote.speaker_kind == gold["kind"]
    names = [gold["speaker"], *gold.get("also", ())]
    return quote.speaker_kind == "person" and bool(quote.speaker) and any(same_person(n, quote.speaker) for n in names)


def score_sample(sample: Path = SAMPLE) -> Figures:
    figures = Figures()
    for article in json.loads(sample.read_text(encoding="utf-8"))["articles"]:
        text = article["text"]
        stored = [q for q in extract_quotes(text) if is_statement(q)]
        spans = [set().union(*(_chars(text, a, b) for a, b in q.spans)) for q in stored]
        quoted: set[int] = set()
        for gold in article["quotes"]:
            chars = _gold_chars(text, gold["starts"])
            quoted |= chars
            if gold.get("short"):
                continue
            figures.gold += 1
            overlaps = [len(chars & span) for span in spans]
            if sum(overlaps) * 2 < len(chars):
                continue
            figures.found += 1
            figures.speakers += 1
            best = stored[overlaps.index(max(overlaps))]
            figures.speakers_right += _right_speaker(gold, best)
        for span in spans:
            figures.predicted += 1
            figures.correct += len(span & quoted) * 2 >= len(span)
    return figures


def test_bbc_sample_recall_precision_and_speakers():
    figures = score_sample()
    print("BBC sample:", figures.line())
    assert figures.gold == 58
    assert figures.found / figures.gold >= 0.97, figures.line()
    assert figures.correct / figures.predicted >= 0.95, figures.line()
    # 53 of 58 measured: below the 95% aimed at on news (UK copy names speakers by role and by
    # organisation more often); the bound keeps what is reached from slipping back.
    assert figures.speakers_right / figures.speakers >= 0.90, figures.line()


def test_bbc_held_out_sample():
    figures = score_sample(HELD_OUT)
    print("BBC held-out sample:", figures.line())
    assert figures.gold == 28
    assert figures.found / figures.gold >= 0.97, figures.line()
    assert figures.correct / figures.predicted >= 0.95, figures.line()
    # 23 of 28 measured once: the misses are speakers that are not people ("Her lawyers said in a
    # statement" taken for the person named before, a station's words left unattributed).
    assert figures.speakers_right / figures.speakers >= 0.80, figures.line()
