"""Ingesting files and folders: idempotent, one transaction per file, bad files rejected alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.documents import parse_document
from bot.core.model import CorpusFormatError, SourceInfo, StatementRecord
from bot.ingest import format_summary, ingest_paths
from bot.service import QuoteService
from bot.store.corpus import CorpusStore
from bot.store.database import make_engine

SPEECH = """---
kind: speech
speaker: Abraham Lincoln
date: 1863-11-19
---
Four score and seven years ago our fathers brought forth on this continent a new nation.
It is altogether fitting and proper that we should do this.
"""


@pytest.fixture
def store(db_url: str) -> CorpusStore:
    store = CorpusStore(make_engine(db_url))
    yield store
    store.engine.dispose()


@pytest.fixture
def folder(tmp_path: Path, bundled_seed_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "speeches").mkdir(parents=True)
    (root / "speeches" / "gettysburg.md").write_text(SPEECH, encoding="utf-8")
    shutil.copy(bundled_seed_path, root / "seed.txt")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "ignored.txt").write_text(SPEECH, encoding="utf-8")
    (root / "notes.csv").write_text("a,b\n", encoding="utf-8")  # not a corpus extension: not picked up
    return root


def test_folder_ingest_and_idempotent_rerun(store: CorpusStore, folder: Path) -> None:
    summary = ingest_paths(store, [folder], progress=False)
    assert (summary.files, summary.added, summary.skipped, summary.rejected) == (2, 13, 0, [])
    again = ingest_paths(store, [folder], progress=False)
    assert (again.added, again.skipped) == (0, 13)
    assert store.count() == 13


def test_bad_file_rejected_others_committed(store: CorpusStore, folder: Path) -> None:
    (folder / "broken.jsonl").write_text('{"text": "fine statement here"}\n{oops\n', encoding="utf-8")
    (folder / "latin1.txt").write_bytes("caf\xe9 au lait, said somebody".encode("latin-1"))
    summary = ingest_paths(store, [folder], progress=False)
    reasons = dict(summary.rejected)
    assert "line 2: not valid JSON" in reasons[str(folder / "broken.jsonl")]
    assert "not UTF-8" in reasons[str(folder / "latin1.txt")]
    assert summary.added == 13
    assert "fine statement here" not in {s.text for s in store.statements()}  # nothing of the bad file


def test_missing_path_and_unknown_extension(store: CorpusStore, tmp_path: Path) -> None:
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    summary = ingest_paths(store, [tmp_path / "nope", pdf], progress=False)
    reasons = dict(summary.rejected)
    assert reasons[str(tmp_path / "nope")] == "no such file or directory"
    assert "unknown format" in reasons[str(pdf)]
    assert "2 rejected" in format_summary(summary)


def test_changed_file_replaces(store: CorpusStore, folder: Path) -> None:
    ingest_paths(store, [folder], progress=False)
    speech = folder / "speeches" / "gettysburg.md"
    speech.write_text(SPEECH.replace("fitting and proper", "right and proper"), encoding="utf-8")
    summary = ingest_paths(store, [speech], progress=False)
    assert summary.replaced == 1
    texts = {s.text for s in store.statements()}
    assert "It is altogether right and proper that we should do this." in texts
    assert "It is altogether fitting and proper that we should do this." not in texts
    assert store.count() == 13


def test_export_round_trip_into_an_empty_database(store: CorpusStore, folder: Path, tmp_path: Path) -> None:
    ingest_paths(store, [folder], progress=False)
    exported = [s.to_export() for s in store.statements(all_guilds=True)]
    dump = tmp_path / "export.jsonl"
    dump.write_text("".join(json.dumps(line) + "\n" for line in exported), encoding="utf-8")
    other = CorpusStore(make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}"))
    summary = ingest_paths(other, [dump], progress=False)
    assert summary.added == len(exported) and not summary.rejected
    assert [s.to_export() for s in other.statements(all_guilds=True)] == exported
    other.engine.dispose()


# -- servers' own statements through export and re-ingest ---------------------------------------------

HARBOUR, MARKET = 1234567890123456789, 42  # two servers; the first id is past 2**53, as real ones are


def add_own(store: CorpusStore, guild_id: int, text: str, **source: str) -> str:
    record = StatementRecord(text, "Harbour Master Jane Doe", SourceInfo(**source), date="2025-01-02",
                             context_before="The council met on Tuesday.", context_after="The vote was unanimous.")
    return store.add_statement(record, actor="test", guild_id=guild_id).id  # type: ignore[return-value]


def dump_export(store: CorpusStore, path: Path) -> list[dict]:
    exported = [s.to_export() for s in store.statements(all_guilds=True)]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in exported), encoding="utf-8")
    return exported


def test_export_round_trip_keeps_each_servers_statements_in_that_server(
    store: CorpusStore, folder: Path, tmp_path: Path, other_db_url: str
) -> None:
    ingest_paths(store, [folder], progress=False)
    harbour = add_own(store, HARBOUR, "The harbour lighthouse will shine again before the winter storms", title="Minutes")
    market = add_own(store, MARKET, "The market square will stay closed to cars every Sunday", outlet="Town Crier")
    gone = add_own(store, MARKET, "This statement was removed and must not come back after an export")
    store.remove_statement(gone, reason="test", actor="test", guild_id=MARKET)
    exported = dump_export(store, tmp_path / "export.jsonl")
    by_id = {line["id"]: line for line in exported}
    assert by_id[harbour]["guild_id"] == str(HARBOUR) and by_id[market]["guild_id"] == str(MARKET)
    assert gone not in by_id
    assert sum("guild_id" in line for line in exported) == 2  # shared statements name no server

    other = CorpusStore(make_engine(other_db_url))
    try:
        summary = ingest_paths(other, [tmp_path / "export.jsonl"], progress=False)
        assert summary.added == len(exported) and not summary.rejected
        assert [s.to_export() for s in other.statements(all_guilds=True)] == exported
        assert [s.id for s in other.scope_statements(HARBOUR)] == [harbour]
        assert [s.id for s in other.scope_statements(MARKET)] == [market]
        assert {s.id for s in other.statements(None)} == {line["id"] for line in exported} - {harbour, market}
        assert harbour not in {s.id for s in other.statements(MARKET)}
        assert other.get_statement(harbour, MARKET) is None and other.get_statement(harbour, HARBOUR) is not None
    finally:
        other.engine.dispose()


def test_a_servers_statement_stays_invisible_to_other_servers_after_the_round_trip(
    store: CorpusStore, tmp_path: Path, other_db_url: str
) -> None:
    words = "The harbour lighthouse will shine again before the winter storms"
    add_own(store, HARBOUR, words, title="Minutes")
    dump_export(store, tmp_path / "export.jsonl")
    other = CorpusStore(make_engine(other_db_url))
    assert not ingest_paths(other, [tmp_path / "export.jsonl"], progress=False).rejected
    service = QuoteService.build(other, Settings())
    try:
        assert service.check(words, guild_id=HARBOUR, log_lookup=False).verdict == "verified"
        assert service.check(words, guild_id=MARKET, log_lookup=False).verdict == "unverified"
        assert service.check(words, log_lookup=False).verdict == "unverified"
    finally:
        service.close()


def test_a_statement_list_from_the_command_line_goes_into_the_servers_it_names(store: CorpusStore, tmp_path: Path) -> None:
    lines = [
        {"id": "own-1", "text": "Ferries run every hour from the north pier this summer", "guild_id": str(HARBOUR)},
        {"id": "own-2", "text": "Stalls open at seven on market days from now on", "guild_id": MARKET},
        {"id": "shared-1", "text": "Everyone may see this statement in every server", "guild_id": None},
    ]
    statements = tmp_path / "mixed.jsonl"
    statements.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    assert ingest_paths(store, [statements], progress=False).added == 3
    assert [s.id for s in store.scope_statements(HARBOUR)] == ["own-1"]
    assert [s.id for s in store.scope_statements(MARKET)] == ["own-2"]
    assert [s.id for s in store.scope_statements(None)] == ["shared-1"]
    assert ingest_paths(store, [statements], progress=False).skipped == 3  # unchanged: nothing moves


def test_a_bad_server_id_rejects_the_file_with_its_reason(store: CorpusStore, tmp_path: Path) -> None:
    lines = [{"text": "A fine statement about the ferry timetable"}, {"text": "This one names no real server", "guild_id": "-3"}]
    statements = tmp_path / "bad.jsonl"
    statements.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    summary = ingest_paths(store, [statements], progress=False)
    assert summary.rejected == [(str(statements), 'line 2: `guild_id` must be a Discord server id (a positive whole number), not "-3"')]
    assert store.count() == 0


def test_a_servers_import_cannot_write_into_another_server(store: CorpusStore, tmp_path: Path) -> None:
    theirs = {"id": "planted", "text": "A statement planted in the harbour server by another server", "guild_id": str(HARBOUR)}
    ours = {"id": "ours", "text": "A statement the market server imports for itself", "guild_id": str(MARKET)}
    unnamed = {"id": "unnamed", "text": "A statement that names no server becomes the importer's"}
    doc = parse_document("x.jsonl", "\n".join(json.dumps(line) for line in (ours, unnamed, theirs)))
    with pytest.raises(CorpusFormatError, match="statement 3 belongs to another server"):
        store.ingest_document(doc, origin="discord:42/x.jsonl", content_hash="h1", guild_id=MARKET, actor="mod")
    assert store.count() == 0  # the whole file, not just the planted line
    files = tmp_path / "import.jsonl"
    files.write_text("\n".join(json.dumps(line) for line in (ours, theirs)), encoding="utf-8")
    assert "another server" in ingest_paths(store, [files], guild_id=MARKET, progress=False).rejected[0][1]
    allowed = parse_document("y.jsonl", "\n".join(json.dumps(line) for line in (ours, unnamed)))
    store.ingest_document(allowed, origin="discord:42/y.jsonl", content_hash="h2", guild_id=MARKET, actor="mod")
    stored = list(store.scope_statements(MARKET))
    assert {s.text for s in stored} == {ours["text"], unnamed["text"]}
    assert not {s.id for s in stored} & {"ours", "unnamed"}  # a server's import computes its own ids
    assert list(store.scope_statements(HARBOUR)) == []


# -- speakers' other names through export and re-ingest ------------------------------------------------

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def debate_excerpt() -> str:
    """The head of a real debate transcript, where "Joe Biden" is a speaker of its own."""
    text = (CORPUS / "debates" / "2020-09-29-presidential.txt").read_text(encoding="utf-8")
    return "\n".join(text.split("\n")[:40]) + "\n"


@pytest.fixture
def aliased_folder(tmp_path: Path, bundled_seed_path: Path) -> Path:
    """A debate (Joe Biden), then a State of the Union given as Joseph R. Biden Jr. with `aliases:` that
    include "Joe Biden", then the seed article ("Putin", "President Trump"), ingested in that order."""
    root = tmp_path / "aliased"
    root.mkdir()
    (root / "1_debate.txt").write_text(debate_excerpt(), encoding="utf-8")
    shutil.copy(CORPUS / "sotu" / "2024-Biden-1.txt", root / "2_sotu.txt")
    shutil.copy(bundled_seed_path, root / "3_seed.txt")
    return root


def alias_checks(store: CorpusStore) -> list[tuple[str, str]]:
    """(another name of the speaker, words) for the first statement of every speaker name with other names."""
    names = store.other_speaker_names()
    first: dict[str, str] = {}
    for record in store.statements(all_guilds=True):
        if record.speaker in names:
            first.setdefault(record.speaker, record.text)
    return [(other, first[speaker]) for speaker in sorted(first) for other in names[speaker]]


def verdicts(store: CorpusStore, checks: list[tuple[str, str]]) -> list[str]:
    service = QuoteService.build(store, Settings())
    try:
        return [service.check(text, speaker=name, log_lookup=False).verdict for name, text in checks]
    finally:
        service.close()


def forms(store: CorpusStore) -> dict[str, set[str]]:
    return {name: set(others) for name, others in store.speaker_aliases().items()}


def test_export_round_trip_keeps_speakers_other_names(
    store: CorpusStore, aliased_folder: Path, tmp_path: Path, other_db_url: str
) -> None:
    assert not ingest_paths(store, [aliased_folder], progress=False).rejected
    checks = alias_checks(store)
    assert {name for name, _ in checks} >= {"Joe Biden", "Joseph Biden", "Putin", "Trump", "President Trump"}
    before = verdicts(store, checks)
    assert before.count("verified") == len(checks)
    service = QuoteService.build(store, Settings())
    exported = list(service.export())
    service.close()
    dump = tmp_path / "export.jsonl"
    dump.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in exported), encoding="utf-8")
    biden = next(line for line in exported if line["speaker"] == "Joseph R. Biden Jr.")
    assert biden["speaker_aliases"] == ["Joe Biden", "Joseph Biden", "Joseph R. Biden"]
    assert all("speaker_aliases" not in line for line in exported if line["speaker"] == "Chris Wallace")

    other = CorpusStore(make_engine(other_db_url))
    try:
        assert ingest_paths(other, [dump], progress=False).added == len(exported)
        assert verdicts(other, checks) == before
        assert forms(other) == forms(store)  # the debate's Joe Biden is still a speaker of his own
        again = QuoteService.build(other, Settings())
        try:
            assert list(again.export()) == exported
            result = again.check("Ukraine can stop Putin", speaker="Joe Biden", log_lookup=False)
            assert result.verdict == "verified" and result.match.speaker == "Joseph R. Biden Jr."
        finally:
            again.close()
    finally:
        other.engine.dispose()


def test_without_speaker_aliases_the_round_trip_loses_the_other_names(
    store: CorpusStore, aliased_folder: Path, tmp_path: Path, other_db_url: str
) -> None:
    """What the field is for: the same export, minus `speaker_aliases`, misattributes the alias checks."""
    ingest_paths(store, [aliased_folder], progress=False)
    checks = alias_checks(store)
    service = QuoteService.build(store, Settings())
    stripped = [{k: v for k, v in line.items() if k != "speaker_aliases"} for line in service.export()]
    service.close()
    dump = tmp_path / "old-export.jsonl"
    dump.write_text("".join(json.dumps(line) + "\n" for line in stripped), encoding="utf-8")
    other = CorpusStore(make_engine(other_db_url))
    try:
        ingest_paths(other, [dump], progress=False)
        lost = [name for (name, _), verdict in zip(checks, verdicts(other, checks)) if verdict == "misattributed"]
        assert "Joe Biden" in lost
    finally:
        other.engine.dispose()


def test_an_alias_naming_another_speaker_is_kept_apart_as_a_speechs_alias_is(store: CorpusStore, tmp_path: Path,
                                                                               other_db_url: str) -> None:
    """A name that is already a speaker of its own ("Joe Biden" of a debate) is not merged into the
    speaker a statement line gives it to, exactly as with a speech's `aliases:`."""
    debate = tmp_path / "1_debate.txt"
    debate.write_text(debate_excerpt(), encoding="utf-8")
    speech = tmp_path / "2_speech.md"
    speech.write_text(SPEECH.replace("speaker: Abraham Lincoln", "speaker: Joseph R. Biden Jr.\naliases: Joe Biden"),
                      encoding="utf-8")
    line = {"text": SPEECH.split("\n")[6], "speaker": "Joseph R. Biden Jr.", "speaker_aliases": ["Joe Biden"]}
    statements = tmp_path / "2_statements.jsonl"
    statements.write_text(json.dumps(line), encoding="utf-8")
    ingest_paths(store, [debate, speech], progress=False)
    other = CorpusStore(make_engine(other_db_url))
    try:
        ingest_paths(other, [debate, statements], progress=False)
        assert forms(other) == forms(store)
        assert "Joe Biden" in forms(other) and "Joe Biden" in forms(other)["Joseph R. Biden Jr."]
    finally:
        other.engine.dispose()


@pytest.mark.parametrize(("alias", "reason"), [("Joe\u0007Biden", "control character"), ("J" * 301, "longer than 300")])
def test_a_bad_speaker_alias_rejects_the_file_with_its_reason(store: CorpusStore, tmp_path: Path, alias: str, reason: str) -> None:
    lines = [{"text": "Ukraine can stop Putin if we stand with Ukraine", "speaker": "Joseph R. Biden Jr."},
             {"text": "We will not walk away from Ukraine", "speaker": "Joseph R. Biden Jr.", "speaker_aliases": [alias]}]
    statements = tmp_path / "aliases.jsonl"
    statements.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    (rejected,) = ingest_paths(store, [statements], progress=False).rejected
    assert "speaker alias" in rejected[1] and reason in rejected[1]
    assert store.count() == 0 and store.speaker_aliases() == {}
