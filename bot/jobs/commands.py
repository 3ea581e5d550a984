"""The `jobs`, `backup` and `restore` subcommands (registered through `bot.cli.COMMAND_MODULES`)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.core.terminal import json_text, one_line, terminal_text

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the operations subcommands to the `quotecheck` parser."""
    jobs = sub.add_parser("jobs", parents=[common], help="list scheduled jobs: last run, result, next run")
    jobs.add_argument("--json", action="store_true", help="print one JSON object per job")
    actions = jobs.add_subparsers(dest="jobs_action", metavar="ACTION")
    run = actions.add_parser("run", parents=[common], help="run one job now, in this process")
    run.add_argument("job", metavar="JOB", help="inbox, feeds, digest (printed here), backup or retention")
    run.set_defaults(handler=cmd_jobs_run)
    jobs.set_defaults(handler=cmd_jobs)

    backup = sub.add_parser("backup", parents=[common], help="back up the SQLite database now (online, consistent)")
    backup.add_argument("--dir", type=Path, metavar="DIR", help="backup folder (default: jobs.backup_dir)")
    backup.add_argument("--keep", type=int, metavar="N", help="backups to keep (default: jobs.backup_keep)")
    backup.set_defaults(handler=cmd_backup)

    restore = sub.add_parser(
        "restore", parents=[common], help="replace the SQLite database with a backup (stop the bot first)"
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="a backup made by `quotecheck backup`")
    restore.add_argument("--no-safety-copy", action="store_true", help="do not keep a copy of the database being replaced")
    restore.set_defaults(handler=cmd_restore)


def cmd_jobs(args: argparse.Namespace, settings: Settings) -> int:
    """Print every configured job with its last run, result and next run."""
    from bot.jobs.schedule import job_schedules
    from bot.jobs.scheduler import offline_status
    from bot.jobs.status import format_table
    from bot.store.database import make_engine

    engine = make_engine(settings.resolved_database_url)
    try:
        statuses = offline_status(engine, job_schedules(settings))
    finally:
        engine.dispose()
    if args.json:
        for s in statuses:
            print(
                json_text(
                    {
                        "id": s.id,
                        "description": s.description,
                        "last_run": _iso(s.last_run),
                        "status": s.last_status,
                        "result": s.last_result,
                        "last_success": _iso(s.last_success),
                        "next_run": _iso(s.next_run),
                    },
                )
            )
        return EXIT_OK
    print(format_table(statuses))
    return EXIT_OK


def cmd_jobs_run(args: argparse.Namespace, settings: Settings) -> int:
    """Run one job now; the digest is printed instead of posted."""
    from bot.jobs.runners import build_runners
    from bot.jobs.schedule import job_schedules
    from bot.jobs.scheduler import JobScheduler
    from bot.store.corpus import CorpusStore
    from bot.store.database import make_engine

    engine = make_engine(settings.resolved_database_url)
    posted: list[str] = []

    async def post(text: str) -> None:
        posted.append(text)

    schedules = {s.id: s for s in job_schedules(settings)}
    runners = build_runners(CorpusStore(engine), settings, engine, post_digest=post)
    runners.pop("refresh", None)  # nothing to refresh in a process without an index
    if args.job == "digest" and "digest" not in schedules:
        # Printing a digest needs no channel; give it a schedule so it can run here.
        from bot.jobs.schedule import JobSchedule, cron_trigger

        schedules["digest"] = JobSchedule("digest", "print the daily digest", cron_trigger(settings.jobs.digest_cron, "jobs.digest_cron"))
    if args.job not in runners or args.job not in schedules:
        engine.dispose()
        available = ", ".join(sorted(set(runners) & set(schedules))) or "none"
        print(f"quotecheck: error: no job {args.job!r} is configured (configured: {available})", file=sys.stderr)
        return EXIT_USAGE

    async def run() -> Any:
        if args.job == "digest":
            # Printed, not posted: not recorded, so the bot's own digest still goes out on time.
            return await runners["digest"]()
        scheduler = JobScheduler(engine, [schedules[args.job]], {args.job: runners[args.job]})
        return await scheduler.run_now(args.job)

    try:
        outcome = asyncio.run(run())
    finally:
        engine.dispose()
    for text in posted:
        print(terminal_text(text))  # the digest quotes users and the corpus
    if outcome is None:
        print(f"{args.job}: another process is running it right now; nothing done", file=sys.stderr)
        return EXIT_FAILED
    print(one_line(f"{args.job}: {'ok' if outcome.ok else 'FAILED'}: {outcome.summary}"),
          file=sys.stderr if posted else sys.stdout)
    return EXIT_OK if outcome.ok else EXIT_FAILED


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """Back up the SQLite database into the backup folder and apply the retention."""
    from bot.jobs.backup import BackupError, backup_sqlite, sqlite_path
    from bot.jobs.runners import resolve_path

    database = sqlite_path(settings.resolved_database_url)
    if database is None:
        print("quotecheck: error: backup works on the SQLite database only; for PostgreSQL use pg_dump", file=sys.stderr)
        return EXIT_USAGE
    folder = args.dir or resolve_path(settings.jobs.backup_dir)
    keep = args.keep if args.keep is not None else settings.jobs.backup_keep
    try:
        result = backup_sqlite(database, folder, keep)
    except BackupError as exc:
        print(f"quotecheck: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"backup written: {result.path} ({result.size} bytes)")
    for old in result.removed:
        print(f"old backup removed: {old}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Replace the SQLite database's content with a backup's, then bring its schema up to date."""
    from bot.jobs.backup import BackupError, restore_sqlite, sqlite_path
    from bot.store.database import make_engine

    database = sqlite_path(settings.resolved_database_url)
    if database is None:
        print("quotecheck: error: restore works on the SQLite database only; for PostgreSQL use pg_restore", file=sys.stderr)
        return EXIT_USAGE
    try:
        safety = restore_sqlite(args.file, database, keep_copy=not args.no_safety_copy)
    except BackupError as exc:
        print(f"quotecheck: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    make_engine(settings.resolved_database_url).dispose()  # a backup from an older version is migrated now
    print(f"restored {database} from {args.file}")
    if safety is not None:
        print(f"the database it replaced is kept as {safety}")
    print("restart running bot processes so they reload the corpus")
    return EXIT_OK


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
