"""`quotecheck console`: type quotes, get the reply a chat user would see, as text."""

from __future__ import annotations

import re
import sys
from typing import Any, TextIO

from bot.core.render import render_result
from bot.core.terminal import one_line
from bot.service import QuoteError
from bot.store.records import StoreUnavailableError

# "Speaker Name: quote": one to five capitalised words (initials and particles allowed) before a colon.
_SPEAKER_PREFIX = re.compile(
    r"^\s*((?:[A-Z][\w.'’\-]*|[A-Z]\.)(?:\s+(?:[A-Z][\w.'’\-]*|[A-Z]\.|de|da|van|von|der|bin|al)){0,4})\s*:\s+(\S.*)$",
    re.DOTALL,
)
QUIT = {"quit", "exit", ":q", "/quit", "/exit"}
# `check --image FILE`: the quotations printed in a picture, as on the command line.
_IMAGE = re.compile(r"^check\s+--image\s+(?P<path>\S.*?)\s*$")
BANNER = (
    "quotecheck console: type a quote and press Enter; write `Speaker Name: quote` to name the speaker,\n"
    "`check --image FILE` to check the quotations in a picture. `quit` or Ctrl-D to leave."
)


def parse_line(line: str) -> tuple[str | None, str]:
    """(speaker or None, quote) from a console line."""
    match = _SPEAKER_PREFIX.match(line)
    if match:
        return " ".join(match.group(1).split()), match.group(2).strip()
    return None, line.strip()


def run_console(service: Any, *, stdin: TextIO | None = None, stdout: TextIO | None = None, guild_id: int | None = None) -> int:
    """Read quotes until end of input or `quit`; print one reply per quote. Returns the exit code."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty() and stdout.isatty()
    if interactive:
        try:
            import readline  # noqa: F401  (line editing and history for input())
        except ImportError:
            pass
        stats = service.stats(guild_id)
        print(BANNER, file=stdout)
        print(f"{stats.statements} statements from {stats.speakers} speakers loaded.\n", file=stdout)
    while True:
        if interactive:
            try:
                line = input("quote> ")
            except EOFError:
                print(file=stdout)
                return 0
        else:
            line = stdin.readline()
            if not line:
                return 0
        line = line.strip()
        if line.lower() in QUIT:
            return 0
        if not line:
            continue
        image = _IMAGE.match(line)
        if image:
            print(check_image(service, image.group("path").strip("\"'"), guild_id), file=stdout)
            print(file=stdout)
            stdout.flush()
            continue
        speaker, quote = parse_line(line)
        try:
            result = service.check(quote, speaker=speaker, guild_id=guild_id)
        except (QuoteError, StoreUnavailableError) as exc:  # a database outage costs this line, not the session
            print(one_line(f"error: {exc}"), file=stdout)
            continue
        print(render_result(result), file=stdout)  # terminal-safe: see bot.core.terminal
        print(file=stdout)
        stdout.flush()


def check_image(service: Any, path: str, guild_id: int | None = None) -> str:
    """The reply for a picture file: the text read and each quotation's verdict, or one line saying why not."""
    from pathlib import Path

    from bot.core.render import render_image_result
    from bot.imaging.decode import ImageError
    from bot.imaging.reader import check_claims, read_file, shared_reader

    try:
        reading = read_file(Path(path).expanduser(), shared_reader(service.settings.limits))
        results = check_claims(service, reading.claims, guild_id=guild_id)
    except (ImageError, StoreUnavailableError) as exc:
        return one_line(f"error: {exc}")
    return render_image_result(reading.text, results)
