"""The bounded picture reader shared by the CLI, the console and the chat bot, and the checks of what it reads.

Every picture is decoded and read on one worker thread (the work is CPU-bound and the machine's
cores are few), never on the event loop. A caller waits at most `timeout` seconds; at most
`max_pending` pictures wait or run at once, and one more gets a plain "busy" answer instead of
queueing without end. A worker that overran keeps its slot until it finishes, so a run of hostile
pictures cannot pile up work behind the caller's back.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from bot.config import LimitSettings
from bot.core.image_text import ImageText, read_text

from .decode import ImageError, ImageLimits, check_size, decode
from .engine import OcrEngine, OcrUnavailable, RapidOcrEngine
from .words import english_counts

CLAIMS_MAX = 5  # quotations checked per picture (the same bound as for a chat message)


class ImageReader:
    """Reads pictures within limits of size, time and concurrency."""

    def __init__(self, engine: OcrEngine | None = None, limits: ImageLimits | None = None, *,
                 timeout: float = 20.0, max_pending: int = 4) -> None:
        self.engine = engine or RapidOcrEngine()
        self.limits = limits or ImageLimits()
        self.timeout = timeout
        self.max_pending = max_pending
        self._pending = 0
        self._count_lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="image-reader")

    @classmethod
    def from_settings(cls, limits: LimitSettings, engine: OcrEngine | None = None) -> ImageReader:
        """A reader within the picture limits of the `[limits]` section of the settings."""
        return cls(engine, ImageLimits.from_settings(limits), timeout=limits.image_seconds,
                   max_pending=limits.images_in_flight)

    def read(self, data: bytes) -> ImageText:
        """The text and quotations of the picture in `data`; ImageError (one plain line) when it cannot be read."""
        with self._count_lock:
            if self._pending >= self.max_pending:
                raise ImageError("Too many pictures are being read right now; please try again in a minute.")
            self._pending += 1
        try:
            future = self._worker.submit(self._read_now, data)
        except RuntimeError:
            self._release()
            raise ImageError("Pictures cannot be read right now (the reader is shutting down).") from None
        future.add_done_callback(lambda _: self._release())
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            raise ImageError(f"Reading the picture took too long (over {self.timeout:.0f} s), so it was given up.") from None
        except OcrUnavailable as exc:
            raise ImageError(f"This installation cannot read pictures: {exc}.") from None

    def _read_now(self, data: bytes) -> ImageText:
        image = decode(data, self.limits)
        return read_text(self.engine.read(image), english_counts())

    def _release(self) -> None:
        with self._count_lock:
            self._pending -= 1

    def close(self) -> None:
        """Stop the worker once the picture it is reading (if any) is done."""
        self._worker.shutdown(wait=False, cancel_futures=True)


def read_file(path: Path, reader: ImageReader) -> ImageText:
    """The text and quotations of a picture file; ImageError (one plain line) when it cannot be read,
    its size checked before a byte of it is read."""
    try:
        check_size(path.stat().st_size, reader.limits)
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImageError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise ImageError(f"{path} is a folder, not a picture.") from None
    except OSError as exc:
        raise ImageError(f"{path} cannot be read ({exc.strerror or exc}).") from None
    return reader.read(data)


def check_claims(service: Any, claims: Sequence[tuple[str, str | None]], *, guild_id: int | None = None,
                 speaker: str | None = None, log_lookup: bool = True) -> list[Any]:
    """The verdict on each quotation read from a picture (at most CLAIMS_MAX), the engine's misreadings
    of the statement matched put right (`check_read`); `speaker`, when the user gave one, is used
    instead of the name printed on the picture. Quotations that cannot be checked (only symbols) are
    passed over."""
    from bot.service import QuoteError

    results: list[Any] = []
    for quote, printed in claims:
        if len(results) >= CLAIMS_MAX:
            break
        try:
            results.append(service.check_read(quote, speaker, guild_id, printed=printed, log_lookup=log_lookup))
        except QuoteError:
            continue
    return results


_shared: ImageReader | None = None
_shared_lock = threading.Lock()


def shared_reader(limits: LimitSettings | None = None) -> ImageReader:
    """The process's reader (one worker, one loaded model), made within `limits` on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ImageReader.from_settings(limits or LimitSettings())
        return _shared
