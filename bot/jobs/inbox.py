"""Inbox folders: corpus files dropped there are ingested, then moved to `done/` or `rejected/`.

A file still being written must not be read half. Two guards: names that copy tools and editors
use while writing (`.name`, `name.tmp`, `name.part`, ...) are never picked up, and any other file is
only taken once its size and modification time are the same on two looks, or it has not been
touched for `settle_seconds` (so a file that was already complete is not held back one interval).
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.model import CorpusFormatError

log = logging.getLogger(__name__)

DONE = "done"
REJECTED = "rejected"
CORPUS_SUFFIXES = frozenset({".txt", ".md", ".jsonl"})
TEMP_SUFFIXES = frozenset({".tmp", ".part", ".partial", ".crdownload", ".swp", ".download", ".filepart"})


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What ingesting one file gave: accepted (with counts) or rejected with a one-line reason."""

    ok: bool
    reason: str = ""
    added: int = 0
    skipped: int = 0
    lines_rejected: int = 0  # bad lines of a statement list left out (`[jobs] inbox_skip_invalid`)
    rejects_file: Path | None = None  # where they were written, each with its line number and reason


IngestFile = Callable[[Path], FileOutcome]


@dataclass(slots=True)
class InboxReport:
    """What one look at the inbox folders did."""

    ingested: list[Path] = field(default_factory=list)
    rejected: list[tuple[Path, str]] = field(default_factory=list)
    waiting: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)  # left in place, retried next look
    added: int = 0
    skipped: int = 0
    bad_lines: list[tuple[Path, int, Path]] = field(default_factory=list)  # (file, lines left out, rejects file)

    def summary(self) -> str:
        """One line for the job history."""
        text = (
            f"{len(self.ingested)} file(s) ingested ({self.added} statements added, "
            f"{self.skipped} already present), {len(self.rejected)} rejected, {len(self.waiting)} still being written"
        )
        if self.failed:
            text += f", {len(self.failed)} failed and left for the next run"
        for name, count, rejects in self.bad_lines:
            text += f"; {count} bad line(s) of {name.name} left out, each with its line number and reason in {rejects}"
        if self.rejected:
            name, reason = self.rejected[0]
            text += f"; first rejection: {name.name}: {reason}"
        return text


def is_temporary(path: Path) -> bool:
    """Names that partial downloads, copies and editors use while a file is being written."""
    name = path.name
    return name.startswith((".", "~")) or name.endswith("~") or path.suffix.lower() in TEMP_SUFFIXES


class Inbox:
    """Watches folders; each `scan()` ingests the files that are complete and moves them away."""

    def __init__(self, folders: Iterable[Path], ingest: IngestFile, *, settle_seconds: float = 60.0) -> None:
        self.folders = tuple(Path(f) for f in folders)
        self.ingest = ingest
        self.settle_seconds = settle_seconds
        self._last_look: dict[Path, tuple[int, int]] = {}

    def scan(self, *, now: float | None = None) -> InboxReport:
        """Look at every folder once: ingest complete files, remember the others for the next look."""
        now = time.time() if now is None else now
        report = InboxReport()
        looked: dict[Path, tuple[int, int]] = {}
        for folder in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
            for path in sorted(folder.iterdir()):
                if not path.is_file() or is_temporary(path):
                    continue
                stat = path.stat()
                signature = (stat.st_size, stat.st_mtime_ns)
                settled = now - stat.st_mtime >= self.settle_seconds
                if not settled and self._last_look.get(path) != signature:
                    looked[path] = signature
                    report.waiting.append(path)
                    continue
                self._take(folder, path, report)
        self._last_look = looked
        return report

    def _take(self, folder: Path, path: Path, report: InboxReport) -> None:
        if path.suffix.lower() not in CORPUS_SUFFIXES:
            outcome = FileOutcome(ok=False, reason=f"not a corpus file (expected {', '.join(sorted(CORPUS_SUFFIXES))})")
        else:
            try:
                outcome = self.ingest(path)
            except CorpusFormatError as exc:
                outcome = FileOutcome(ok=False, reason=str(exc))
            except Exception as exc:
                # Not the file's fault (database locked or down): keep it for the next run, and
                # let the other files go on.
                log.exception("inbox: ingesting %s failed", path)
                report.failed.append((path, f"{type(exc).__name__}: {exc}"))
                return
        if outcome.lines_rejected and outcome.rejects_file is not None:
            report.bad_lines.append((path, outcome.lines_rejected, outcome.rejects_file))
            log.warning("inbox: %d bad line(s) of %s left out, written to %s", outcome.lines_rejected, path, outcome.rejects_file)
        if outcome.ok:
            moved = _move(path, folder / DONE)
            report.ingested.append(moved)
            report.added += outcome.added
            report.skipped += outcome.skipped
        else:
            moved = _move(path, folder / REJECTED)
            moved.with_name(moved.name + ".reason").write_text(outcome.reason.strip() + "\n", encoding="utf-8")
            report.rejected.append((moved, outcome.reason))


def rejected_lines_file(path: Path) -> Path:
    """Where the bad lines of a dropped statement list go (`[jobs] inbox_skip_invalid`): beside the
    rejected files of its folder, `rejected/NAME.rejected-lines.jsonl`, never over an earlier one."""
    return _free_name(path.parent / REJECTED, f"{path.name}.rejected-lines", ".jsonl")


def _move(path: Path, target_dir: Path) -> Path:
    """Move into `target_dir`, never overwriting an earlier file of the same name."""
    target_dir.mkdir(parents=True, exist_ok=True)
    target = _free_name(target_dir, path.stem, path.suffix)
    shutil.move(str(path), target)
    return target


def _free_name(folder: Path, stem: str, suffix: str) -> Path:
    target = folder / f"{stem}{suffix}"
    counter = 1
    while target.exists():
        target = folder / f"{stem}.{counter}{suffix}"
        counter += 1
    return target
