"""The container health check: is the heartbeat the scheduler's watchdog writes recent and healthy?

Run as `python -m bot.jobs.health [--max-age SECONDS] [FILE]`; exit 0 when healthy, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_MAX_AGE = 180.0  # three watchdog passes


def check_heartbeat(path: Path, max_age: float, *, now: datetime | None = None) -> tuple[bool, str]:
    """(healthy, one line saying why) for the heartbeat file at `path`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        at = datetime.fromisoformat(data["at"])
    except FileNotFoundError:
        return False, f"{path}: no heartbeat yet"
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return False, f"{path}: unreadable heartbeat ({exc})"
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    age = ((now or datetime.now(UTC)) - at).total_seconds()
    if age > max_age:
        return False, f"heartbeat is {age:.0f} s old (limit {max_age:.0f} s): the bot's event loop or scheduler is stuck"
    if not data.get("healthy", False):
        return False, "the scheduler reported itself unhealthy"
    stale = data.get("stale_jobs") or []
    note = f"; jobs not succeeding: {', '.join(stale)}" if stale else ""
    return True, f"heartbeat {age:.0f} s old{note}"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point of the health check."""
    # Only the settings: the check runs every minute in the container, so it imports nothing heavy.
    from bot.config import PROJECT_ROOT, load_settings

    parser = argparse.ArgumentParser(prog="python -m bot.jobs.health", description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, help="heartbeat file (default: jobs.heartbeat_file)")
    parser.add_argument("--max-age", type=float, default=DEFAULT_MAX_AGE, help="seconds (default %(default)s)")
    args = parser.parse_args(argv)
    path = args.file
    if path is None:
        path = Path(load_settings().jobs.heartbeat_file).expanduser()
        path = path if path.is_absolute() else PROJECT_ROOT / path
    healthy, message = check_heartbeat(path, args.max_age)
    print(("healthy: " if healthy else "unhealthy: ") + message)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
