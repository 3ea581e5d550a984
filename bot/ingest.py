"""Ingest corpus files and folders into the store: one transaction per file, a summary at the end."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.core.documents import STATEMENT_SUFFIXES, SUPPORTED_SUFFIXES, parse_document
from bot.core.model import CorpusFormatError, IngestSummary, ParsedDocument
from bot.core.terminal import one_line
from bot.protocols import DocumentSink
from bot.statement_lists import Rejects, ingest_statement_list, reading_errors
from bot.store.records import DocumentOutcome

if TYPE_CHECKING:
    from bot.store.corpus import CorpusStore

__all__ = ["DocumentSink", "StoreSink", "as_sink", "format_summary", "ingest_file", "ingest_paths"]

# Folders with at least this many files get a progress bar (on a terminal).
PROGRESS_MIN_FILES = 20
# Articles, speeches and transcripts are read whole; statement lists are streamed, whatever their size.
MAX_FILE_BYTES = 50 * 1024 * 1024


def ingest_paths(
    target: DocumentSink | CorpusStore,
    paths: Sequence[Path],
    *,
    guild_id: int | None = None,
    actor: str | None = None,
    progress: bool = True,
    rejects: Rejects | None = None,
    max_bytes: int | None = None,
) -> IngestSummary:
    """Add every corpus file under `paths`; a bad file is rejected with its reason and the rest go in.
    With `rejects`, a statement list's bad lines are written there and its good lines go in."""
    sink = as_sink(target)
    summary = IngestSummary()
    files, missing = collect_files(paths)
    summary.rejected.extend(missing)
    bar = _progress(len(files), progress)
    try:
        for path in files:
            summary.files += 1
            try:
                outcome = ingest_file(
                    sink, path, guild_id=guild_id, actor=actor, rejects=rejects, progress=progress and bar is None, max_bytes=max_bytes
                )
            except CorpusFormatError as exc:
                summary.rejected.append((str(path), str(exc)))
            else:
                summary.added += outcome.added
                summary.skipped += outcome.skipped
                summary.replaced += outcome.status == "replaced"
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
        if rejects is not None:
            rejects.close()
    summary.files += len(missing)
    if rejects is not None and rejects.count:
        summary.lines_rejected, summary.rejects_file = rejects.count, str(rejects.path)
    return summary


def ingest_file(
    sink: DocumentSink,
    path: Path,
    *,
    guild_id: int | None = None,
    actor: str | None = None,
    rejects: Rejects | None = None,
    progress: bool = False,
    max_bytes: int | None = None,
) -> DocumentOutcome:
    """Read, parse and store one file; CorpusFormatError says why it was rejected. Statement lists
    are read line by line, whatever their size (`bot.statement_lists`); other files up to `max_bytes` (`[limits] ingest_max_file_mb`)."""
    if path.suffix.lower() in STATEMENT_SUFFIXES and not path.is_dir():
        return ingest_statement_list(sink, path, guild_id=guild_id, actor=actor, rejects=rejects, progress=progress)
    data = read_bytes(path, max_bytes)
    content_hash = hashlib.sha256(data).hexdigest()
    origin = str(path.resolve())
    known = sink.known_document(origin, content_hash, guild_id)
    if known is not None:
        # Unchanged file: no need to parse it again (articles cost a quote extraction).
        return DocumentOutcome(origin, "skipped", skipped=known)
    text = decode(data)
    doc = parse_document(path.name, text)
    return sink.import_document(doc, origin=origin, content_hash=content_hash, guild_id=guild_id, actor=actor)


def read_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """The file's bytes, or CorpusFormatError naming what went wrong (`max_bytes`: `[limits] ingest_max_file_mb`,
    by default MAX_FILE_BYTES)."""
    max_bytes = MAX_FILE_BYTES if max_bytes is None else max_bytes
    with reading_errors():
        size = path.stat().st_size
        if size > max_bytes:
            raise CorpusFormatError(f"file too large ({size // (1024 * 1024)} MB; the limit is {max_bytes / (1024 * 1024):g} MB)")
        return path.read_bytes()


def decode(data: bytes) -> str:
    """UTF-8 text (a BOM is allowed); anything else is not a corpus file."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusFormatError(f"not UTF-8 text (byte {exc.start})") from None


def collect_files(paths: Sequence[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Corpus files under `paths` in a stable order, and the paths that do not exist (with a reason).

    A file named directly is always tried (an unknown extension is then rejected with its reason);
    inside folders only corpus extensions are picked up, hidden files and folders are skipped.
    """
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = sorted(_walk(path))
        elif path.exists() or path.is_symlink():
            found = [path]
        else:
            missing.append((str(path), "no such file or directory"))
            continue
        for item in found:
            key = item.resolve()
            if key not in seen:
                seen.add(key)
                files.append(item)
    return files, missing


def _walk(folder: Path) -> Iterator[Path]:
    for item in folder.rglob("*"):
        relative = item.relative_to(folder).parts
        if any(part.startswith(".") for part in relative):
            continue
        if item.is_file() and item.suffix.lower() in SUPPORTED_SUFFIXES:
            yield item


def _progress(total: int, wanted: bool) -> Any:
    if not wanted or total < PROGRESS_MIN_FILES or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="file", desc="ingesting", file=sys.stderr, leave=False)


class StoreSink:
    """A CorpusStore seen as a DocumentSink (it stores documents, but by another name)."""

    def __init__(self, store: CorpusStore) -> None:
        self.store = store

    def import_document(
        self, doc: ParsedDocument, *, origin: str, content_hash: str, guild_id: int | None = None, actor: str | None = None
    ) -> DocumentOutcome:
        return self.store.ingest_document(doc, origin=origin, content_hash=content_hash, guild_id=guild_id, actor=actor)

    def known_document(self, origin: str, content_hash: str, guild_id: int | None = None) -> int | None:
        return self.store.known_document(origin, content_hash, guild_id)

    def part_origins(self, origin: str, guild_id: int | None = None) -> dict[str, str]:
        return self.store.part_origins(origin, guild_id)


def as_sink(target: DocumentSink | CorpusStore) -> DocumentSink:
    """Where ingested documents go: a CorpusStore through its adapter, or anything that already
    stores parsed documents itself (a QuoteService, which also updates its index)."""
    from bot.store.corpus import CorpusStore

    return StoreSink(target) if isinstance(target, CorpusStore) else target


def format_summary(summary: IngestSummary) -> str:
    """The lines `quotecheck ingest` prints."""
    lines = [
        f"{summary.files} file{'s' if summary.files != 1 else ''} read: "
        f"{summary.added} statement{'s' if summary.added != 1 else ''} added, "
        f"{summary.skipped} skipped as already present, "
        f"{summary.replaced} file{'s' if summary.replaced != 1 else ''} replaced, "
        f"{len(summary.rejected)} rejected"
    ]
    if summary.lines_rejected:
        lines.append(
            one_line(f"{summary.lines_rejected} bad line{'s' if summary.lines_rejected != 1 else ''} left out, "
                     f"each with its line number and reason in {summary.rejects_file}")
        )
    for path, reason in summary.rejected:
        # A file name or a reason quoting the file may hold control characters: shown, not obeyed.
        lines.append(one_line(f"rejected {path}: {reason}"))
    return "\n".join(lines)
