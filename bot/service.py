"""The service layer: the corpus store and the in-memory matcher, kept in step.

Synchronous on purpose: the CLI calls it directly and the chat adapter through `asyncio.to_thread`.
Every write goes to the database first (with its audit row), then the matcher catches up from the
audit log (`refresh`), the same way it catches up with writes made by other processes.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from bot.config import PROJECT_ROOT, Settings
from bot.core.claims import attributed_quote
from bot.core.image_text import reread
from bot.core.matcher import Matcher
from bot.core.model import CheckResult, IngestSummary, ParsedDocument, SearchFilter, StatementRecord
from bot.core.query import MAX_QUOTE_CHARS, QuoteError, checkable, clean_quote
from bot.core.snapshots import snapshot_state, write_snapshot
from bot.core.text_rules import replace_surrogates
from bot.protocols import QuoteMatcher
from bot.store.buttons import ButtonRefs
from bot.store.corpus import CorpusStore
from bot.store.database import StoreError, make_engine
from bot.store.identity import audit_fingerprint, database_identity
from bot.store.match_keys import fill_match_keys
from bot.store.records import AuditEntry, CorpusStats, DocumentOutcome, Report, StoreUnavailableError, UnverifiedQuote

__all__ = ["MAX_QUOTE_CHARS", "QuoteError", "QuoteService", "clean_quote", "snapshot_path"]

log = logging.getLogger(__name__)

# How well the words were found, whoever said them: lower is better.
_WORDS_RANK = {"verified": 0, "close": 1, "misattributed": 1, "altered": 2, "unverified": 3}
# A speaker read out of the quote ("Putin said …") replaces the verdict on the words as typed when it is
# better by this rank: words found with harmless changes, what reads as the attribution included
# ("Thao said," for "That said,"), stand, and their rest being someone else's does not replace them.
_CLAIM_RANK = {**_WORDS_RANK, "misattributed": 1.5}


class QuoteService:
    """Checks quotes against the corpus and applies corpus changes to both the database and the index."""

    def __init__(self, store: CorpusStore, matcher: QuoteMatcher, settings: Settings | None = None) -> None:
        self.store = store
        self.matcher = matcher
        self.settings = settings or Settings()
        self._lock = threading.RLock()
        self._watermark = 0
        self._snapshot: tuple[Path, str] | None = None  # (file, database identity) of the memory index
        self._saved_mark: int | None = None
        self._saving = threading.Lock()
        self._background_save: threading.Thread | None = None
        self._button_refs: ButtonRefs | None = None
        # Filling in missing matching keys runs after the warm-up; closing stops it between two batches.
        self._closing = threading.Event()
        self._filling = threading.Lock()

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, settings: Settings, *, load_bundled: bool = False, progress: bool = True) -> QuoteService:
        """Open the configured database, bring the bundled corpus up to date in it if asked, build the index."""
        engine = make_engine(settings.resolved_database_url)
        store = CorpusStore(engine)
        if load_bundled:
            _update_bundled(store, settings, progress)
        return cls.build(store, settings, progress=progress)

    @classmethod
    def build(cls, store: CorpusStore, settings: Settings | None = None, *, progress: bool = False) -> QuoteService:
        """A service over `store`, ready to check quotes.

        Memory backend: the index comes from the snapshot on disk when it belongs to this database
        and to a state of it the audit log still holds (then only the changes since are applied),
        else it is built from every live statement and saved in the background. pg_trgm backend:
        nothing is loaded; candidates come from the database (StoreError on SQLite or without the
        extension)."""
        settings = settings or Settings()
        backend = settings.matching.backend.strip().lower()
        if backend == "pg_trgm":
            return cls._over_trigrams(store, settings)
        if backend != "memory":
            raise StoreError(f'unknown matching backend {settings.matching.backend!r}: use "memory" or "pg_trgm"')
        snapshot = snapshot_path(store, settings)
        identity = database_identity(store.engine) if snapshot else ""
        if snapshot and identity:
            service = cls._from_snapshot(store, settings, snapshot, identity)
            if service is not None:
                return service
        service = cls._built(store, settings, progress)
        if snapshot and identity:
            service._snapshot = (snapshot, identity)
            service.save_snapshot_in_background()
        return service

    @classmethod
    def _built(cls, store: CorpusStore, settings: Settings, progress: bool) -> QuoteService:
        watermark = store.watermark()  # read first: changes racing the load are re-applied by refresh
        matcher = Matcher(settings.matching, fetch=store.get_statements)
        if progress and sys.stderr.isatty():
            print("Building the search index...", file=sys.stderr)
        # Only the indexed columns, in bulk: full records are fetched when a result shows them.
        with _collection_paused():
            matcher.add_columns(store.index_columns())
            matcher.set_aliases(store.speaker_aliases())
        service = cls(store, matcher, settings)
        service._watermark = watermark
        return service

    @classmethod
    def _from_snapshot(cls, store: CorpusStore, settings: Settings, path: Path, identity: str) -> QuoteService | None:
        if not path.exists():
            return None
        with _collection_paused():
            matcher = Matcher.load(path, settings.matching, fetch=store.get_statements, token=identity)
        if matcher is None:
            log.warning("index snapshot %s not used (unreadable, truncated or of another version); rebuilding the index", path)
            return None
        mark = matcher.meta.get("watermark")
        if not isinstance(mark, int) or audit_fingerprint(store.engine, mark) != matcher.meta.get("fingerprint"):
            # The audit row it caught up to is gone or different: a restored backup, or a reset database.
            log.warning("index snapshot %s is stale (the database no longer holds the state it reflects); rebuilding the index", path)
            return None
        service = cls(store, matcher, settings)
        service._watermark = mark
        service._snapshot = (path, identity)
        service._saved_mark = mark
        applied = service.refresh()  # the changes made while this process was not running
        matcher.set_aliases(store.speaker_aliases())
        log.info("index loaded from snapshot %s (%d statements, %d changes applied since)", path, len(matcher), applied)
        return service

    @classmethod
    def _over_trigrams(cls, store: CorpusStore, settings: Settings) -> QuoteService:
        from bot.core.candidates import CandidateMatcher
        from bot.core.related import RelatedSettings
        from bot.store.fulltext import FullTextRelated
        from bot.store.trigram import TrigramCandidates, speaker_names_from

        candidates = TrigramCandidates(store.engine, settings.matching.trigram_threshold)
        watermark = store.watermark()
        filled = candidates.backfill()
        if filled:
            log.info("matching keys computed for %d statements", filled)
        related = FullTextRelated(store.engine, RelatedSettings(floor=settings.matching.related_floor))
        matcher = CandidateMatcher(candidates, store.get_statements, settings.matching, speaker_names_from(store), related)
        matcher.set_aliases(store.speaker_aliases())
        service = cls(store, matcher, settings)
        service._watermark = watermark
        return service

    def save_snapshot(self) -> bool:
        """Write the in-memory index to its snapshot file, tagged with the state of the database it
        reflects; False when this service keeps no snapshot or the file cannot be written. The index
        is copied under the lock and written outside it: lookups and refreshes go on meanwhile."""
        if self._snapshot is None or not isinstance(self.matcher, Matcher):
            return False
        path, identity = self._snapshot
        with self._saving:  # one writer at a time, the later one with the later state
            try:
                with self._lock:
                    mark = self._watermark
                    meta = {"watermark": mark, "fingerprint": audit_fingerprint(self.store.engine, mark)}
                    state = snapshot_state(self.matcher, identity, meta)
                path.parent.mkdir(parents=True, exist_ok=True)
                write_snapshot(state, path)
            except (OSError, SQLAlchemyError) as exc:
                log.warning("index snapshot not saved to %s: %s", path, str(exc).splitlines()[0] if str(exc) else exc)
                return False
            self._saved_mark = mark
            return True

    def save_snapshot_in_background(self) -> threading.Thread:
        """Save the snapshot in a thread of its own, so a cold start is ready a pickling sooner
        (about 2 s at 10^6); `close` waits for it, so a short command still leaves the file."""

        def save() -> None:
            try:
                self.save_snapshot()
            except Exception:  # the next start builds the index again; nothing else is lost
                log.warning("index snapshot not saved", exc_info=True)

        thread = threading.Thread(target=save, name="quotecheck-snapshot")
        self._background_save = thread
        thread.start()
        return thread

    def snapshot_saved(self, timeout: float | None = None) -> bool:
        """Wait for a snapshot being saved in the background; True when none is still being written."""
        thread = self._background_save
        if thread is not None:
            thread.join(timeout)
        return thread is None or not thread.is_alive()

    def warm_up_in_background(self) -> threading.Thread:
        """Warm the index up (`Matcher.warm_up`) in a daemon thread, while a bot connects or a
        console waits for its first quote; a failure there only leaves the first lookup slower.
        The same thread then stores the matching keys the database lacks (`store_match_keys`)."""

        def warm() -> None:
            try:
                self.matcher.warm_up()
            except Exception:  # the lookup that needs it builds it again, and reports its own error
                log.debug("warming the index up failed", exc_info=True)
            self.store_match_keys()

        thread = threading.Thread(target=warm, name="quotecheck-warm-up", daemon=True)
        thread.start()
        return thread

    def store_match_keys(self) -> int:
        """Store the matching key of every statement stored without one (before migration 0009, or
        after a change of the rules), so the next start without a snapshot reads them instead of
        computing them; done after start-up, as it takes seconds at 10^6 statements. Returns how many."""
        if not isinstance(self.matcher, Matcher):
            return 0  # the pg_trgm backend stored them before it was ready
        with self._filling:
            if self._closing.is_set():
                return 0
            try:
                filled = fill_match_keys(self.store.engine, stop=self._closing)
            except SQLAlchemyError as exc:  # the next start computes them again: slower, never wrong
                log.warning("matching keys not stored: %s", str(exc).splitlines()[0] if str(exc) else exc)
                return 0
        if filled:
            log.info("matching keys stored for %d statements", filled)
        return filled

    def close(self) -> None:
        """Save the index snapshot when changes were applied since it was written, then release the database connections."""
        self._closing.set()
        with self._filling:  # a batch of keys being stored ends first
            pass
        self.snapshot_saved()
        if self._snapshot is not None and self._saved_mark != self._watermark:
            self.save_snapshot()
        self.store.engine.dispose()

    # -- checking -----------------------------------------------------------------------------

    def check(
        self, quote: str, speaker: str | None = None, guild_id: int | None = None, *, log_lookup: bool = True
    ) -> CheckResult:
        """The verdict on one quote (statements of `guild_id` and the shared corpus); logs the lookup."""
        text, pieces = checkable(quote)  # chat syntax removed: the reply shows the quote as matched
        speaker = _valid_text(speaker).strip() or None if speaker else None
        started = time.perf_counter()
        flt = SearchFilter(guild_id=guild_id)
        # No service lock: the matcher locks its index only while it reads it, never across the
        # database reads of records (a refresh in another thread waits for nothing here).
        with _unavailable_is_an_answer(changing=False):  # the index reads records from the database
            result = self.matcher.check(text, speaker=speaker, flt=flt, pieces=pieces)
            if text != quote.strip() and result.verdict not in {"verified", "close"}:
                # A statement may hold chat syntax itself (a post quoting "@everyone"): the words as pasted, too.
                pasted = self.matcher.check(quote.strip(), speaker=speaker, flt=flt)
                if (_WORDS_RANK[pasted.verdict], -pasted.score) < (_WORDS_RANK[result.verdict], -result.score):
                    result, text = pasted, quote.strip()
            claim = attributed_quote(text) if speaker is None and result.verdict != "verified" else None
            if claim is not None:
                # "Putin said Russia is ready…": the words after the attribution, checked against Putin.
                claimed = self.matcher.check(claim[0], speaker=claim[1], flt=flt)
                if (_CLAIM_RANK[claimed.verdict], -claimed.score) < (_CLAIM_RANK[result.verdict], -result.score):
                    note = f"speaker taken from the quote: {claim[1]}"
                    result = replace(claimed, note="; ".join(filter(None, (note, claimed.note))))
                    speaker = claim[1]
        elapsed = (time.perf_counter() - started) * 1000
        matched = None if text == quote.strip() else text
        result = replace(result, quote=quote, matched_quote=matched, speaker=speaker, elapsed_ms=elapsed)
        if log_lookup:
            self._log(result, guild_id)
        return result

    def check_read(
        self, quote: str, speaker: str | None = None, guild_id: int | None = None, *, printed: str | None = None,
        log_lookup: bool = True,
    ) -> CheckResult:
        """The verdict on a quotation read from a picture: as `check`, then again with the OCR engine's
        misreadings of the matched statement put right (letters it confuses, spaces lost or added), in
        the words and in the name `printed` under them; `speaker`, given by the user, wins over `printed`."""
        result = self.check(quote, speaker or printed, guild_id, log_lookup=False)
        # The statement the words were matched to, else the closest one found (misreadings can sink the score).
        nearest = result.match or next((a.statement for a in result.alternatives), None) or next(
            (r.statement for r in result.related or ()), None)
        if nearest is not None and result.verdict != "verified":
            mended = reread(result.quote, None if speaker else printed, nearest.text, nearest.speaker)
            if mended is not None:
                again = self.check(mended.quote, speaker or mended.speaker, guild_id, log_lookup=False)
                result = replace(again, note="; ".join(filter(None, (mended.note, again.note))))
        if log_lookup:
            self._log(result, guild_id)
        return result

    def _log(self, result: CheckResult, guild_id: int | None) -> None:
        try:
            self.store.log_lookup(
                result.quote,
                result.speaker,
                result.verdict,
                result.score,
                result.match.id if result.match else None,
                guild_id,
            )
        except SQLAlchemyError as exc:  # a busy database must not cost the user the answer
            log.warning("lookup not logged: %s", str(exc).splitlines()[0])

    def search(self, query: str, flt: SearchFilter | None = None, limit: int = 10) -> list[tuple[StatementRecord, float]]:
        """Statements resembling `query`, best first, within the filter (speaker, dates, server)."""
        with _unavailable_is_an_answer(changing=False):
            return list(self.matcher.search(query, flt or SearchFilter(), limit=limit))

    def get(self, statement_id: str, guild_id: int | None = None) -> StatementRecord | None:
        """The statement, or None when it does not exist, was removed, or belongs to another server."""
        found = self.store.get_statement(statement_id, guild_id)
        if found is None or found[2]:
            return None
        return found[0]

    def version(self, statement_id: str, guild_id: int | None = None) -> int | None:
        """The statement's current version (pass it to `edit` as `expected_version`)."""
        found = self.store.get_statement(statement_id, guild_id)
        return None if found is None else found[1]

    def check_may_change(self, statement_id: str, guild_id: int | None, *, owner: bool = False) -> None:
        """NotFoundError or SharedCorpusError unless the caller may edit, remove or restore the statement
        (lets an adapter refuse before asking for the new values; the change itself checks again)."""
        self.store.check_may_change(statement_id, guild_id, owner=owner)

    def speakers(self, prefix: str = "", guild_id: int | None = None, limit: int = 25) -> list[str]:
        """Speaker names for autocomplete, most quoted first (from the index: no database query per keystroke)."""
        with self._lock:
            return list(self.matcher.speakers(prefix, guild_id, limit))

    def stats(self, guild_id: int | None = None) -> CorpusStats:
        """Corpus counts for the shared corpus plus `guild_id`'s statements."""
        return self.store.stats(guild_id)

    def history(self, statement_id: str, guild_id: int | None = None) -> list[AuditEntry]:
        """The audit rows of a statement visible to `guild_id` (empty for another server's)."""
        if self.store.get_statement(statement_id, guild_id) is None:
            return []
        return self.store.history(statement_id)

    def export(self, guild_id: int | None = None, *, all_guilds: bool = True) -> Iterator[dict[str, Any]]:
        """Every live statement as a contract `export` line."""
        return self.store.export_lines(self.store.statements(guild_id, all_guilds=all_guilds))

    # -- changes ------------------------------------------------------------------------------

    def add(
        self, record: StatementRecord, *, actor: str, guild_id: int | None, interaction_id: str | None = None
    ) -> StatementRecord:
        """Add one statement (chat `/corpus add`)."""
        with _unavailable_is_an_answer():
            created = self.store.add_statement(record, actor=actor, guild_id=guild_id, interaction_id=interaction_id)
        self.refresh()
        return created

    def edit(
        self,
        statement_id: str,
        changes: Mapping[str, Any],
        *,
        expected_version: int,
        actor: str,
        guild_id: int | None,
        interaction_id: str | None = None,
        owner: bool = False,
    ) -> StatementRecord:
        """Edit a statement; ConflictError when it changed since `expected_version`.

        A server changes only its own statements; the shared corpus only the bot's owner (`owner`) or
        the operator without a server: SharedCorpusError otherwise (see `bot.store.permissions.may_change`).
        """
        with _unavailable_is_an_answer():
            edited = self.store.edit_statement(
                statement_id,
                changes,
                expected_version=expected_version,
                actor=actor,
                guild_id=guild_id,
                interaction_id=interaction_id,
                owner=owner,
            )
        self.refresh()
        return edited

    def remove(
        self,
        statement_id: str,
        *,
        reason: str | None,
        actor: str,
        guild_id: int | None,
        interaction_id: str | None = None,
        owner: bool = False,
    ) -> StatementRecord:
        """Tombstone a statement; it stops matching at once (same rights as `edit`)."""
        with _unavailable_is_an_answer():
            removed = self.store.remove_statement(
                statement_id, reason=reason, actor=actor, guild_id=guild_id, interaction_id=interaction_id, owner=owner
            )
        self.refresh()
        return removed

    def restore(
        self,
        statement_id: str,
        *,
        actor: str,
        guild_id: int | None,
        interaction_id: str | None = None,
        owner: bool = False,
    ) -> StatementRecord:
        """Undo a removal (same rights as `edit`)."""
        with _unavailable_is_an_answer():
            restored = self.store.restore_statement(
                statement_id, actor=actor, guild_id=guild_id, interaction_id=interaction_id, owner=owner
            )
        self.refresh()
        return restored

    def import_document(
        self,
        doc: ParsedDocument,
        *,
        origin: str,
        content_hash: str,
        guild_id: int | None = None,
        actor: str | None = None,
    ) -> DocumentOutcome:
        """Store one parsed document and index its statements."""
        with _unavailable_is_an_answer():
            outcome = self.store.ingest_document(
                doc, origin=origin, content_hash=content_hash, guild_id=guild_id, actor=actor
            )
        if outcome.status != "skipped":
            self.refresh()
        return outcome

    def known_document(self, origin: str, content_hash: str, guild_id: int | None = None) -> int | None:
        """Statement count of an already stored, unchanged document, else None."""
        return self.store.known_document(origin, content_hash, guild_id)

    def part_origins(self, origin: str, guild_id: int | None = None) -> dict[str, str]:
        """Origin → content hash of the stored parts of a statement list after its first."""
        return self.store.part_origins(origin, guild_id)

    def button_refs(self, retention_days: int) -> ButtonRefs:
        """The store of chat buttons' payloads, kept `retention_days` (as long as the lookup log)."""
        if self._button_refs is None:
            self._button_refs = ButtonRefs(self.store.engine, retention_days)
        return self._button_refs

    def ingest(
        self, paths: Sequence[Path], *, guild_id: int | None = None, actor: str | None = None, progress: bool = False
    ) -> IngestSummary:
        """Ingest files and folders (see `bot.ingest.ingest_paths`) and index what they add."""
        from bot.ingest import ingest_paths

        max_bytes = int(self.settings.limits.ingest_max_file_mb * 1024 * 1024)
        return ingest_paths(self, paths, guild_id=guild_id, actor=actor, progress=progress, max_bytes=max_bytes)

    def refresh(self) -> int:
        """Apply corpus changes committed since the last refresh (by this or another process); returns how many."""
        with self._lock:
            changes, mark = self.store.changes_since(self._watermark)
            if not changes:
                self._watermark = mark
                return 0
            upserted: dict[str, None] = {}
            dropped: set[str] = set()
            aliases_changed = False
            for change in changes:
                for sid in change.removed:
                    dropped.add(sid)
                    upserted.pop(sid, None)
                for sid in change.upserted:
                    upserted[sid] = None
                    dropped.discard(sid)
                aliases_changed |= change.action in {"ingest", "replace", "add", "edit"}
            if not self.matcher.holds_corpus:
                upserted, dropped = {}, set()  # the database-side index already has them
            for sid in dropped:
                self._unindex(sid)
            live = self.store.get_statements(list(upserted), live_only=True) if upserted else {}
            for sid in upserted:
                self._unindex(sid)
                if sid in live:
                    self.matcher.add(live[sid])
            if aliases_changed:
                self.matcher.set_aliases(self.store.speaker_aliases())
            self._watermark = mark
            return len(changes)

    def _unindex(self, sid: str) -> None:
        try:
            self.matcher.remove(sid)
        except (KeyError, ValueError, LookupError):
            pass  # not indexed: nothing to drop

    # -- lookups and reports ------------------------------------------------------------------

    def report(
        self,
        *,
        quote: str,
        reporter: str | None,
        guild_id: int | None,
        speaker: str | None = None,
        statement_id: str | None = None,
        verdict: str | None = None,
        note: str | None = None,
        interaction_id: str | None = None,
    ) -> Report:
        """Queue a user's report on a verdict for the moderators."""
        return self.store.add_report(
            quote=quote,
            reporter=reporter,
            guild_id=guild_id,
            speaker=speaker,
            statement_id_=statement_id,
            verdict=verdict,
            note=note,
            interaction_id=interaction_id,
        )

    def open_reports(self, guild_id: int | None = None, limit: int = 25) -> list[Report]:
        """Reports waiting for a moderator."""
        return self.store.open_reports(guild_id, limit)

    def resolve_report(self, report_id: int, *, resolution: str, actor: str, guild_id: int | None = None) -> Report:
        """Close a report."""
        return self.store.resolve_report(report_id, resolution=resolution, actor=actor, guild_id=guild_id)

    def top_unverified(self, since: datetime, guild_id: int | None = None, limit: int = 10) -> list[UnverifiedQuote]:
        """Quotes most often checked without a match since `since`."""
        return self.store.top_unverified(since, guild_id, limit)


def _update_bundled(store: CorpusStore, settings: Settings, progress: bool) -> None:
    """Load the bundled corpus into an empty database; in one that holds it, store what a new release
    changed (files, parser); one line on standard error says what changed."""
    from bot.bundled import describe, update_bundled
    from bot.ingest import ingest_paths

    paths = [p for p in settings.bundled_paths() if p.exists()]
    if not paths:
        return
    if store.count() == 0:
        if progress:
            print("Loading the bundled corpus (first start only)...", file=sys.stderr)
        summary = ingest_paths(store, paths, actor="bundled", progress=progress)
        rejected = summary.rejected
    else:
        update = update_bundled(store, paths)
        rejected = list(update.rejected)
        message = describe(update)
        if message:
            log.info("%s", message)
            print(message, file=sys.stderr)
    for path, reason in rejected:
        log.warning("bundled file rejected: %s: %s", path, reason)


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Cyclic garbage collection off while the index is built or loaded: that makes millions of
    objects and no cycles, and every automatic collection would walk them all again (at 10^6
    statements it cost a cold start several seconds). Then they are frozen: kept for the life of
    the process, later collections skip them (at 10^6 each full one paused a lookup by 0.2 s)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_on:
            gc.enable()


@contextmanager
def _unavailable_is_an_answer(*, changing: bool = True) -> Iterator[None]:
    """Turn a database that is down or stays locked during a change into StoreUnavailableError.

    The change ran in one transaction, so the failure rolled all of it back (or the commit never
    reached the server): the caller can say "nothing was changed" and let the user try again.
    """
    try:
        yield
    except DBAPIError as exc:
        if not isinstance(exc, (OperationalError, InterfaceError)) and not exc.connection_invalidated:
            raise
        reason = str(exc.orig or exc).strip().splitlines()[:1]
        if not changing:
            raise StoreUnavailableError("the corpus database is not available (down or busy)", changing=False) from exc
        log.warning("corpus change not made, database unavailable: %s", reason)
        raise StoreUnavailableError("the corpus database is not available (down or busy); nothing was changed") from exc


def _valid_text(text: str) -> str:
    """`text` with lone surrogates replaced, so it can be stored and printed (a speaker name is only a filter)."""
    return replace_surrogates(text, "?")


def snapshot_path(store: CorpusStore, settings: Settings) -> Path | None:
    """Where the memory index of this database is saved: `[matching] snapshot_dir`, else next to
    the SQLite file, else the user's cache folder; None when snapshots are off or the database
    lives in memory."""
    chosen = settings.matching.snapshot_dir.strip()
    if chosen.lower() in {"off", "none", "false", "no"}:
        return None
    url = store.engine.url
    if chosen:
        folder = Path(chosen).expanduser()
        folder = folder if folder.is_absolute() else PROJECT_ROOT / folder
    elif url.get_backend_name() == "sqlite":
        database = url.database or ""
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return Path(database).expanduser().resolve().with_name(Path(database).name + ".index")
    else:
        cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(cache) / "quotecheck"
    return folder / f"index-{url.get_backend_name()}-{_url_key(url)}.snapshot"


def _url_key(url: Any) -> str:
    # Distinct files for distinct databases sharing one cache folder (the identity inside decides).
    return hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
