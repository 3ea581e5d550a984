"""Statement lists (`.jsonl`) of any size, read line by line and stored in parts.

A list of up to `PART_LINES` lines is one document, exactly as any other corpus file. A longer one
is stored as consecutive parts of `PART_LINES` lines (`FILE`, `FILE#2`, `FILE#3`, ...), each a
document of its own with the hash of its bytes, so memory stays bounded whatever the size, and
re-reading an unchanged file costs a hash per part; a list read again with fewer parts retires the
parts past its new end. Without a rejects file a list is all or nothing: every line is checked
before the first part is stored. With one (`--skip-invalid`) the good lines go in and each bad line
is written there with its line number and reason.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bot.core.documents import StatementLines
from bot.core.model import CorpusFormatError, ParsedDocument, StatementRecord
from bot.protocols import DocumentSink
from bot.store.records import DocumentOutcome
from bot.store.validation import check_alias, check_record

# Lines per stored part: large enough that a part's transaction and audit row amortise, small
# enough that one part's statements (tens of MB at most) fit comfortably in memory.
PART_LINES = 20_000
# Lists at least this large show a progress bar (on a terminal).
PROGRESS_MIN_BYTES = 8 * 1024 * 1024
# What a part that a list no longer reaches holds once retired: nothing.
EMPTY_PART_HASH = hashlib.sha256(b"").hexdigest()


@dataclass
class Rejects:
    """Where the lines left out by `--skip-invalid` go: one JSON object per line with the file,
    the line number, the reason and the line as it was read."""

    path: Path
    count: int = 0
    _out: IO[str] | None = field(default=None, repr=False)

    def write(self, file: Path, number: int, reason: str, line: str) -> None:
        if self._out is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._out = open(self.path, "w", encoding="utf-8")
        entry = {"file": str(file), "line": number, "reason": reason, "text": line}
        self._out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.count += 1

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


def check_line(record: StatementRecord, names: list[str]) -> None:
    """What the database needs of one line: its statement and the speaker's other names."""
    check_record(record)
    for name in names:
        check_alias(record.speaker or "", name)


def ingest_statement_list(
    sink: DocumentSink,
    path: Path,
    *,
    guild_id: int | None = None,
    actor: str | None = None,
    rejects: Rejects | None = None,
    progress: bool = False,
) -> DocumentOutcome:
    """Store a statement list part by part; CorpusFormatError (nothing stored) when it is not one,
    or, without `rejects`, when any line is bad."""
    origin = str(path.resolve())
    if rejects is None and _size(path) > 0:
        _check_every_line(sink, path, origin, guild_id)
    total = DocumentOutcome(origin, "skipped")
    read_lines = parts = 0
    bar = _bar(path, progress)
    try:
        for parts, (raw, lines) in enumerate(_parts(path), start=1):
            part_origin = _part_origin(origin, parts)
            outcome = _store_part(sink, path, part_origin, raw, lines, guild_id=guild_id, actor=actor, rejects=rejects)
            read_lines += sum(1 for _, line in lines if line.strip())
            total = _merge(total, outcome)
            if bar is not None:
                bar.update(len(raw))
    finally:
        if bar is not None:
            bar.close()
    if not read_lines:
        raise CorpusFormatError("the file is empty")
    for outcome in _retire_lost_parts(sink, path, origin, parts, guild_id=guild_id, actor=actor):
        total = _merge(total, outcome)
    if total.status == "skipped" and not total.skipped and not total.added and rejects is not None:
        raise CorpusFormatError("no statement in the file could be stored (see the rejects file)")
    return total


def _part_origin(origin: str, number: int) -> str:
    return origin if number == 1 else f"{origin}#{number}"


def _retire_lost_parts(
    sink: DocumentSink, path: Path, origin: str, parts: int, *, guild_id: int | None, actor: str | None
) -> Iterator[DocumentOutcome]:
    """A list read again with fewer parts than it had: each part past its new end is replaced by an
    empty version, so its statements go (the way any replaced document loses the ones it no longer
    holds, moderators' edits kept) and the change is in the audit log like any other replacement."""
    empty = ParsedDocument(StatementLines(path.name).source, ())
    for part_origin, content_hash in sorted(sink.part_origins(origin, guild_id).items()):
        if int(part_origin.rsplit("#", 1)[1]) > parts and content_hash != EMPTY_PART_HASH:
            yield sink.import_document(empty, origin=part_origin, content_hash=EMPTY_PART_HASH, guild_id=guild_id, actor=actor)


def _store_part(
    sink: DocumentSink,
    path: Path,
    origin: str,
    raw: bytes,
    lines: list[tuple[int, str]],
    *,
    guild_id: int | None,
    actor: str | None,
    rejects: Rejects | None,
) -> DocumentOutcome:
    content_hash = hashlib.sha256(raw).hexdigest()
    known = sink.known_document(origin, content_hash, guild_id)
    if known is not None:
        return DocumentOutcome(origin, "skipped", skipped=known)
    part = StatementLines(path.name)
    for number, line in lines:
        try:
            part.add(number, line, check_line)
        except CorpusFormatError as exc:
            if rejects is None:
                raise
            rejects.write(path, number, str(exc).split(": ", 1)[-1], line)
    if not part.statements:
        return DocumentOutcome(origin, "skipped")
    return sink.import_document(part.document(), origin=origin, content_hash=content_hash, guild_id=guild_id, actor=actor)


def _check_every_line(sink: DocumentSink, path: Path, origin: str, guild_id: int | None) -> None:
    """All or nothing: the first bad line rejects the file before anything is stored. A list of
    one part is checked as it is stored; parts stored before with the same bytes are not read again."""
    parts = _parts(path)
    if next(parts, None) is None or next(parts, None) is None:
        return
    checker = StatementLines(path.name)
    for number, (raw, lines) in enumerate(_parts(path), start=1):
        if sink.known_document(_part_origin(origin, number), hashlib.sha256(raw).hexdigest(), guild_id) is not None:
            continue
        for line_number, line in lines:
            checker.add(line_number, line, check_line)
        checker.statements.clear()  # only the check matters here: memory stays bounded


@contextmanager
def reading_errors() -> Iterator[None]:
    """File errors as the one-line reasons an ingest summary gives (CorpusFormatError)."""
    try:
        yield
    except FileNotFoundError:
        raise CorpusFormatError("no such file") from None
    except IsADirectoryError:
        raise CorpusFormatError("is a directory") from None
    except PermissionError:
        raise CorpusFormatError("permission denied") from None
    except OSError as exc:
        raise CorpusFormatError(f"cannot read: {exc.strerror or exc}") from None


def _parts(path: Path) -> Iterator[tuple[bytes, list[tuple[int, str]]]]:
    """(the part's bytes, its numbered lines) for each `PART_LINES` lines of `path`."""
    with reading_errors():
        fh = open(path, "rb")
    with fh:
        offset = 0
        number = 0
        while True:
            chunk: list[bytes] = []
            lines: list[tuple[int, str]] = []
            for raw in fh:
                number += 1
                chunk.append(raw)
                lines.append((number, _decode(raw, offset, first=number == 1)))
                offset += len(raw)
                if len(chunk) == PART_LINES:
                    break
            if not chunk:
                return
            yield b"".join(chunk), lines


def _decode(raw: bytes, offset: int, *, first: bool) -> str:
    """One line as text (a BOM is allowed on the first); not UTF-8 rejects the file, as for any corpus file."""
    try:
        text = raw.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusFormatError(f"not UTF-8 text (byte {offset + exc.start})") from None
    return text.rstrip("\r\n")


def _merge(total: DocumentOutcome, part: DocumentOutcome) -> DocumentOutcome:
    """The file's outcome so far with one more part's: added if any part added, replaced if any was."""
    order = {"skipped": 0, "added": 1, "replaced": 2}
    status = max(total.status, part.status, key=lambda s: order.get(s, 0))
    return DocumentOutcome(
        total.origin,
        status,
        added=total.added + part.added,
        skipped=total.skipped + part.skipped,
        removed=total.removed + part.removed,
        document_id=total.document_id or part.document_id,
        new=total.new + part.new,
        kept=total.kept + part.kept,
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _bar(path: Path, wanted: bool) -> Any:
    size = _size(path)
    if not wanted or size < PROGRESS_MIN_BYTES or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=size, unit="B", unit_scale=True, desc=path.name[:30], file=sys.stderr, leave=False)
