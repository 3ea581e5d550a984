"""The bundled corpus: every file parses, and `python -m bot.bundle` rebuilds it byte for byte."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from bot.core.documents import parse_document

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SHARED_DATA = Path("/work/shared/data")


def test_every_bundled_file_parses_with_speakers_and_dates() -> None:
    kinds: dict[str, int] = {}
    for path in sorted(CORPUS.rglob("*.txt")):
        doc = parse_document(path.name, path.read_text(encoding="utf-8"))
        assert doc.statements, path
        assert doc.source.date, path
        assert all(s.speaker for s in doc.statements), path
        kinds[doc.source.kind] = kinds.get(doc.source.kind, 0) + 1
    assert kinds == {"article": 1, "speech": len(list((CORPUS / "sotu").glob("*.txt"))),
                     "transcript": len(list((CORPUS / "debates").glob("*.txt")))}
    assert kinds["speech"] >= 90 and kinds["transcript"] >= 40


def test_speeches_carry_their_source_url() -> None:
    doc = parse_document("2024-Biden-1.txt", (CORPUS / "sotu" / "2024-Biden-1.txt").read_text(encoding="utf-8"))
    assert doc.source.url and doc.source.url.startswith("https://www.presidency.ucsb.edu/")
    assert doc.statements[0].speaker == "Joseph R. Biden Jr."
    assert ("Joseph R. Biden Jr.", "Joe Biden") in doc.aliases


def test_bundle_rebuilds_the_committed_corpus(tmp_path: Path) -> None:
    if not (SHARED_DATA / "sotu").exists():
        pytest.skip(f"the shared data sets are not at {SHARED_DATA}")
    from bot.bundle import main

    assert main([str(SHARED_DATA), str(tmp_path)]) == 0
    built = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.txt"))
    committed = sorted(p.relative_to(CORPUS) for p in CORPUS.rglob("*.txt"))
    assert built == committed
    _, mismatch, errors = filecmp.cmpfiles(tmp_path, CORPUS, [str(p) for p in built], shallow=False)
    assert mismatch == [] and errors == []
