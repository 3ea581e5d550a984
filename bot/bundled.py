"""The bundled corpus (corpus/) kept up to date at every start, not only loaded into an empty database.

A release that parses files better (`bot.core.documents.PARSER_VERSION`) or ships new bundled files
reaches existing databases this way: files whose bytes or parser version changed are replaced, new
files added, and unchanged files cost a hash each and one query for all (no parse). Each file is its own
transaction, so several processes starting at once are safe: the store lets one of them replace a
document and the others then find it up to date (see `CorpusStore.ingest_document`).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.model import CorpusFormatError
from bot.ingest import as_sink, collect_files, ingest_file, read_bytes

log = logging.getLogger(__name__)

BUNDLED_ACTOR = "bundled"


@dataclass(frozen=True, slots=True)
class BundledUpdate:
    """What bringing the bundled corpus up to date did."""

    files: int = 0  # bundled files read
    stored: int = 0  # of them, stored anew (new files) or replaced (changed bytes or parser version)
    changed: int = 0  # of those, the files whose statements changed (new files included)
    added: int = 0  # statements the database did not hold before
    removed: int = 0  # statements the new versions no longer yield
    kept_edits: int = 0  # edited statements kept as edited in replaced files
    rejected: tuple[tuple[str, str], ...] = ()


def update_bundled(store: Any, paths: list[Path]) -> BundledUpdate:
    """Store every bundled file under `paths` that is new or changed (`store`: a CorpusStore)."""
    target = as_sink(store)
    files, missing = collect_files(paths)
    current = store.current_documents([str(path.resolve()) for path in files])
    stored = changed = added = removed = kept = 0
    rejected = list(missing)
    for path in files:
        try:
            if current.get(str(path.resolve())) == hashlib.sha256(read_bytes(path)).hexdigest():
                continue  # up to date: not even the per-file query
            outcome = ingest_file(target, path, actor=BUNDLED_ACTOR)
        except CorpusFormatError as exc:
            rejected.append((str(path), str(exc)))
            continue
        if outcome.status == "skipped":
            continue
        stored += 1
        # A file parsed again into the same statements is stored again but changed nothing.
        changed += outcome.status == "added" or bool(outcome.new or outcome.removed or outcome.kept)
        added += outcome.new
        removed += outcome.removed
        kept += outcome.kept
    return BundledUpdate(len(files), stored, changed, added, removed, kept, tuple(rejected))


def describe(update: BundledUpdate) -> str | None:
    """The one line said at start when the bundled corpus changed the database, else None."""
    if not update.stored:
        return None
    parts = [f"{update.changed} file{_s(update.changed)}", f"{update.added} statement{_s(update.added)} added"]
    if update.removed:
        parts.append(f"{update.removed} removed")
    if update.kept_edits:
        parts.append(f"{update.kept_edits} edited statement{_s(update.kept_edits)} kept as edited")
    line = "bundled corpus updated: " + ", ".join(parts)
    if update.stored > update.changed:
        line += f" ({update.stored} files read again)"
    return line


def _s(count: int) -> str:
    return "" if count == 1 else "s"
