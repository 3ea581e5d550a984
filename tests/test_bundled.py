"""The bundled corpus brought up to date at start: a database built by an older parser gets what the
new one yields (SQLite and PostgreSQL).

The "older parser" is what the previous release made of the same file: no cited quotations, and the
invisible characters kept (so a statement holding one had another id).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.bundled import describe, update_bundled
from bot.core.documents import PARSER_VERSION, parse_document
from bot.core.model import ParsedDocument
from bot.ingest import ingest_paths
from bot.store.corpus import CorpusStore
from bot.store.database import make_engine
from bot.store.replay import differences
from bot.store.tables import DocumentRow, StatementRow

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
REAGAN_1986 = CORPUS / "sotu" / "1986-Reagan-1.txt"
SPOOFED = "may I point out that tonight marks"  # a sentence given a zero-width space in the file
REMOVED = "We paused together to mourn and honor the valor of our seven Challenger heroes."
EDITED = "Thank you for allowing me to delay my address until this evening."


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    """A bundled folder: the 1986 address with a zero-width space in one sentence, and the seed article."""
    folder = tmp_path / "bundled"
    folder.mkdir()
    text = REAGAN_1986.read_text(encoding="utf-8")
    assert SPOOFED in text
    (folder / REAGAN_1986.name).write_text(text.replace("point out", "point\u200b out", 1), encoding="utf-8")
    shutil.copy(CORPUS / "000_41f3c08ac7623368.txt", folder)
    return folder


def old_parse(path: Path) -> ParsedDocument:
    """What the previous parser made of a file: sentences only, invisible characters kept."""
    raw = path.read_text(encoding="utf-8")
    doc = parse_document(path.name, raw)
    speaker = doc.statements[0].speaker
    statements = []
    for record in doc.statements:
        if record.speaker != speaker:
            continue  # a cited quotation: the old parser did not store them
        if SPOOFED in record.text:
            record = replace(record, text=record.text.replace("point out", "point\u200b out"))
        statements.append(record)
    return replace(doc, statements=tuple(statements))


def store_with_old_parser(store: CorpusStore, folder: Path) -> None:
    """The bundled folder as a database of the previous release holds it."""
    for path in sorted(folder.iterdir()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        doc = old_parse(path) if path.name == REAGAN_1986.name else parse_document(path.name, path.read_text(encoding="utf-8"))
        store.ingest_document(doc, origin=str(path.resolve()), content_hash=digest, actor="bundled", parser_version=PARSER_VERSION - 1)


def by_text(store: CorpusStore) -> dict[str, tuple[str, bool, str | None]]:
    """Every stored statement's text → (id, removed, speaker), removed ones too."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(StatementRow.id, StatementRow.text, StatementRow.removed, StatementRow.speaker)).all()
    return {text: (sid, removed, speaker) for sid, text, removed, speaker in rows}


def removal_reason(store: CorpusStore, sid: str) -> str | None:
    with store.engine.connect() as conn:
        return conn.scalar(select(StatementRow.removed_reason).where(StatementRow.id == sid))


def test_older_parser_database_gets_the_new_statements_and_keeps_ids_removals_and_edits(store: CorpusStore, bundled: Path) -> None:
    store_with_old_parser(store, bundled)
    before = by_text(store)
    spoofed_old = next(text for text in before if SPOOFED.replace("point out", "point\u200b out") in text)
    plain_removed = before[REMOVED][0]
    store.remove_statement(plain_removed, reason="duplicate", actor="mod", guild_id=None)
    store.remove_statement(before[spoofed_old][0], reason="off topic", actor="mod", guild_id=None)
    edited_id = before[EDITED][0]
    edited_text = "Thank you for allowing me to delay my address until tonight."
    store.edit_statement(edited_id, {"text": edited_text}, expected_version=1, actor="owner", guild_id=None)

    update = update_bundled(store, [bundled])

    # Both files are read again; only the address yields other statements.
    assert update.stored == 2 and update.changed == 1 and update.added == 2 and update.kept_edits == 1
    assert describe(update) == (
        "bundled corpus updated: 1 file, 2 statements added, 1 removed, 1 edited statement kept as edited (2 files read again)"
    )
    after = by_text(store)
    cited = {text: speaker for text, (_, _, speaker) in after.items() if speaker in {"Franklin Roosevelt", "Scoop Jackson"}}
    assert "Welfare is a narcotic, a subtle destroyer of the human spirit." in cited and len(cited) == 2
    # Every statement whose words did not change keeps its id.
    unchanged = {text: value[0] for text, value in before.items() if text not in {spoofed_old, EDITED}}
    assert {text: after[text][0] for text in unchanged} == unchanged
    # Removed stays removed: under its id, and under the id of the spoofed sentence's clean successor.
    assert after[REMOVED][1] is True
    clean = spoofed_old.replace("\u200b", "")
    assert spoofed_old not in after and after[clean][1] is True and after[clean][0] != before[spoofed_old][0]
    assert removal_reason(store, after[clean][0]) == "off topic" and removal_reason(store, plain_removed) == "duplicate"
    # The edit survives, once: the file's original words are not added back beside it.
    record, version, removed = store.get_statement(edited_id)  # type: ignore[misc]
    assert record.text == edited_text and version == 2 and not removed
    assert EDITED not in after
    assert [entry.action for entry in store.history(edited_id)] == ["edit"]
    assert differences(store) == []  # the audit log replays to exactly this corpus


def test_an_up_to_date_database_changes_nothing(store: CorpusStore, bundled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = ingest_paths(store, [bundled], progress=False)
    assert summary.added > 0
    mark = store.watermark()

    def no_parse(*_args: object) -> None:
        raise AssertionError("an unchanged file was parsed")

    monkeypatch.setattr("bot.ingest.parse_document", no_parse)
    update = update_bundled(store, [bundled])

    assert update.files == 2 and update.stored == 0 and describe(update) is None
    assert store.watermark() == mark  # no audit row added


def test_a_newer_parsers_document_is_not_replaced_by_an_older_one(store: CorpusStore, bundled: Path) -> None:
    ingest_paths(store, [bundled], progress=False)
    path = bundled / REAGAN_1986.name
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    mark = store.watermark()
    older = store.ingest_document(old_parse(path), origin=str(path.resolve()), content_hash=digest, parser_version=PARSER_VERSION - 1)
    assert older.status == "skipped" and store.watermark() == mark
    assert store.known_document(str(path.resolve()), digest) is not None
    assert store.known_document(str(path.resolve()), digest, parser_version=PARSER_VERSION + 1) is None


def test_two_processes_upgrading_at_once_replace_each_file_once(db_url: str, bundled: Path) -> None:
    engines = [make_engine(db_url) for _ in range(2)]
    stores = [CorpusStore(engine) for engine in engines]
    store_with_old_parser(stores[0], bundled)
    expected_total = sum(len(parse_document(p.name, p.read_text(encoding="utf-8")).statements) for p in bundled.iterdir())
    mark = stores[0].watermark()
    results = [None, None]
    start = threading.Barrier(2)

    def upgrade(n: int) -> None:
        start.wait()
        results[n] = update_bundled(stores[n], [bundled])  # type: ignore[call-overload]

    threads = [threading.Thread(target=upgrade, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        # Two cited quotations and the spoofed sentence under its clean id; the spoofed one goes.
        assert sum(r.stored for r in results) == 2 and sum(r.added for r in results) == 3  # type: ignore[union-attr]
        assert sum(r.removed for r in results) == 1  # type: ignore[union-attr]
        assert stores[0].count() == expected_total
        assert len(stores[0].audit_log(since_id=mark)) == 2  # one replacement per file, not two
        with engines[0].connect() as conn:
            assert conn.scalar(select(func.count()).select_from(DocumentRow)) == 2
        assert differences(stores[0]) == []
    finally:
        for engine in engines:
            engine.dispose()


def run_console(db_url: str, config: Path, stdin: str) -> subprocess.CompletedProcess[str]:
    """`quotecheck console` as a process, without a token or settings from the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_") and k != "DISCORD_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", "--config", str(config), "--db", db_url],
        cwd=REPO, env=env, input=stdin, capture_output=True, text=True, timeout=180,
    )


def test_the_next_start_brings_an_older_database_up_to_date(db_url: str, bundled: Path, tmp_path: Path) -> None:
    config = tmp_path / "quotecheck.toml"
    config.write_text(f'[corpus]\nbundled = ["{bundled}"]\n', encoding="utf-8")
    engine = make_engine(db_url)
    try:
        store = CorpusStore(engine)
        store_with_old_parser(store, bundled)
        welfare = "Franklin Roosevelt: Welfare is a narcotic, a subtle destroyer of the human spirit\nquit\n"

        first = run_console(db_url, config, welfare)

        assert first.returncode == 0, first.stderr
        lines = [line for line in first.stderr.splitlines() if line.startswith("bundled corpus updated")]
        assert lines == ["bundled corpus updated: 1 file, 3 statements added, 1 removed (2 files read again)"]
        assert first.stdout.startswith("VERIFIED")  # a cited quotation the old parser never stored
        with engine.connect() as conn:
            versions = conn.scalars(select(DocumentRow.parser_version)).all()
        assert versions == [PARSER_VERSION, PARSER_VERSION]
        mark = store.watermark()

        second = run_console(db_url, config, "quit\n")

        assert second.returncode == 0 and "bundled corpus updated" not in second.stderr
        assert store.watermark() == mark
    finally:
        engine.dispose()


def test_documents_stored_before_parser_versions_are_read_again(db_url: str, bundled: Path) -> None:
    from sqlalchemy import create_engine, text

    from bot.store.database import upgrade

    path = bundled / "000_41f3c08ac7623368.txt"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if db_url.startswith("sqlite:///"):
        Path(db_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    previous_schema = create_engine(db_url)
    upgrade(previous_schema, "0005_words")  # the schema of the release before parser versions
    with previous_schema.begin() as conn:
        conn.execute(
            text("INSERT INTO documents (origin, guild_scope, content_hash, ingested_at) VALUES (:o, 0, :h, CURRENT_TIMESTAMP)"),
            {"o": str(path.resolve()), "h": digest},
        )
    previous_schema.dispose()
    engine = make_engine(db_url)  # migrated to the current schema
    try:
        store = CorpusStore(engine)
        assert store.known_document(str(path.resolve()), digest) is None  # NULL: an older parser's document
        assert store.known_document(str(path.resolve()), digest, parser_version=1) == 0
        update = update_bundled(store, [path])
        assert update.stored == 1 and update.added == store.count() > 0
        assert store.known_document(str(path.resolve()), digest) == update.added
    finally:
        engine.dispose()
