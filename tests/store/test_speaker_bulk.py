"""A statement list naming thousands of speakers resolves them as one name at a time would: a
surname joins the one full name it ends, an ambiguous surname stays its own speaker, and names
written in this same document count. Both ways of finding surnames (a query per one-word name, and
one read of every full name when a document names many by one word) give the same speakers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

import bot.store.speakers as speakers
from bot.ingest import ingest_paths
from bot.store.corpus import CorpusStore
from bot.store.tables import SpeakerRow, StatementRow


def _list(path: Path, names: list[str]) -> Path:
    lines = [json.dumps({"text": f"Words number {n} from {name} worth checking", "speaker": name}) for n, name in enumerate(names)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _speakers_by_name(store: CorpusStore) -> dict[str, str]:
    with Session(store.engine) as session:
        rows = session.execute(
            select(StatementRow.speaker, SpeakerRow.name).join(SpeakerRow, StatementRow.speaker_id == SpeakerRow.id)
        ).all()
    return dict(rows)


@pytest.mark.parametrize("scan_after", [0, 10_000])  # every document reads all surnames / none does
def test_many_names_resolve_as_one_at_a_time(store: CorpusStore, tmp_path: Path, scan_after: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speakers, "_SURNAME_SCAN_AFTER", scan_after)
    first = _list(tmp_path / "first.jsonl", ["Vladimir Putin", "Joe Smith", "Ann Smith", "President Lula da Silva"])
    ingest_paths(store, [first], progress=False)
    one_word = [f"Solo{n}" for n in range(60)]
    second = _list(tmp_path / "second.jsonl", ["Putin", "Smith", "Maria Okafor", "Okafor", *one_word, "Mr. Putin", "Silva"])
    ingest_paths(store, [second], progress=False)
    found = _speakers_by_name(store)
    assert found["Putin"] == found["Mr. Putin"] == "Vladimir Putin"
    assert found["Smith"] == "Smith"  # two Smiths: a surname alone joins neither
    assert found["Okafor"] == "Maria Okafor"  # a full name written earlier in the same document
    assert found["Silva"] == "Lula da Silva"
    assert all(found[name] == name for name in one_word)
    with Session(store.engine) as session:
        assert session.scalars(select(SpeakerRow.name).where(SpeakerRow.name == "Putin")).first() is None
