"""Ingest of speeches that cite other people, and of files with invisible characters (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from bot.core.documents import parse_document
from bot.core.invisible import remove_invisible
from bot.store.corpus import CorpusStore

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
REAGAN_1986 = CORPUS / "sotu" / "1986-Reagan-1.txt"
SEED = CORPUS / "000_41f3c08ac7623368.txt"


def _ingest(store: CorpusStore, path: Path, text: str, digest: str):
    return store.ingest_document(parse_document(path.name, text), origin=str(path), content_hash=digest)


def _ids_and_speakers(store: CorpusStore) -> dict[str, str | None]:
    return {s.id or "": s.speaker for s in store.statements()}


def test_a_bundled_speech_stores_the_people_it_cites_and_re_ingests_to_the_same_ids(store: CorpusStore) -> None:
    text = REAGAN_1986.read_text(encoding="utf-8")
    first = _ingest(store, REAGAN_1986, text, "h1")
    stored = _ids_and_speakers(store)
    assert first.added == len(stored)
    welfare = [s for s in store.statements() if s.text == "Welfare is a narcotic, a subtle destroyer of the human spirit."]
    assert [s.speaker for s in welfare] == ["Franklin Roosevelt"]
    assert welfare[0].source.kind == "speech" and welfare[0].source.title == parse_document(REAGAN_1986.name, text).source.title

    assert _ingest(store, REAGAN_1986, text, "h1").status == "skipped"
    replaced = _ingest(store, REAGAN_1986, text, "h2")  # a new hash: parsed and stored again
    assert replaced.status == "replaced"
    assert _ids_and_speakers(store) == stored


def test_invisible_characters_never_reach_the_store(store: CorpusStore) -> None:
    clean = SEED.read_text(encoding="utf-8")
    spoofed = clean.replace("Putin", "Pu\u200btin").replace("Trump", "Tr\u00adump").replace("Zelenskyy", "Zelen\u202eskyy\u202c")
    _ingest(store, SEED, spoofed, "spoofed")
    names = {s.speaker for s in store.statements()}
    assert {"Vladimir Putin", "Donald Trump", "Volodymyr Zelenskyy"} <= names
    aliases = store.speaker_aliases()
    every_string = [s.text for s in store.statements()] + list(aliases) + [a for forms in aliases.values() for a in forms]
    assert every_string and all(remove_invisible(value) == value for value in every_string)
    speakers_before = store.stats().speakers

    _ingest(store, SEED.with_name("clean-copy.txt"), clean, "clean")  # the clean article meets the same speakers
    assert store.stats().speakers == speakers_before
