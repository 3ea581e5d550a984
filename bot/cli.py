"""The `quotecheck` command line (CONTRACT.md "Commands"): ingest, check, export, run, console.

User errors (unreadable file, empty quote, a database that does not answer) end with a one-line
message and a non-zero exit, never a traceback. Exit codes: 0 done, 1 the input could not be fully
used (rejected files, an uncheckable quote), 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.config import Settings, SettingsError, load_settings
from bot.core.errors import QuotecheckError
from bot.core.model import CorpusFormatError
from bot.core.terminal import json_text, one_line

if TYPE_CHECKING:  # the service (and the index code) is imported by the commands that use it
    from bot.service import QuoteService

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2

# Modules that add subcommands: each defines `register(subparsers, common)` where `common` is the
# parent parser carrying --db/--config, and sets `handler=callable(args, settings) -> int` on its
# parsers. Add a line here to add a command.
COMMAND_MODULES: list[str] = ["bot.jobs.commands", "bot.chat.sync"]

Handler = Callable[[argparse.Namespace, Settings], int]


class UsageError(QuotecheckError):
    """Bad command-line usage detected after parsing; exit code 2."""


def common_options() -> argparse.ArgumentParser:
    """--db and --config, accepted before or after the subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a value given after the subcommand must not be overwritten by the default of the other place.
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="database URL (default: the embedded SQLite file)")
    common.add_argument("--config", metavar="PATH", type=Path, default=argparse.SUPPRESS, help="settings file (default: config/quotecheck.toml)")
    return common


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with the built-in commands and those of COMMAND_MODULES."""
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="quotecheck", description="Verify quotations against a corpus of verified statements.", parents=[common]
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    ingest = sub.add_parser("ingest", parents=[common], help="add corpus files and folders")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="corpus files or folders")
    ingest.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    ingest.add_argument(
        "--skip-invalid", action="store_true",
        help="store the good lines of a statement list and write each bad one, with its line number and reason, "
        "to a rejects file (without it a file with a bad line is rejected whole)",
    )
    ingest.add_argument("--rejects", type=Path, metavar="FILE",
                        help="with --skip-invalid: where bad lines go (default: quotecheck-rejects-TIME.jsonl here)")
    ingest.set_defaults(handler=cmd_ingest)

    check = sub.add_parser("check", parents=[common], help="verify a quote (put it after -- when it starts with -)")
    check.add_argument("quote", nargs="?", help="the quote to verify")
    check.add_argument("--speaker", metavar="NAME", help="who the quote is attributed to")
    check.add_argument("--json", action="store_true", help="print the JSON result instead of the text reply")
    check.add_argument("--batch", metavar="FILE", help="JSONL queries, one per line ('-' reads standard input)")
    check.add_argument("--image", metavar="FILE", help="a picture (quote card, screenshot): check the quotations printed in it")
    check.set_defaults(handler=cmd_check)

    search = sub.add_parser(
        "search", parents=[common], help="the statements a quote, paraphrase or post most likely refers to"
    )
    search.add_argument("text", metavar="TEXT", help="a quote, a paraphrase or a pasted post (after -- when it starts with -)")
    search.add_argument("--speaker", metavar="NAME", help="only statements by this person")
    search.add_argument("--from", dest="date_from", metavar="DATE", help="from this date (YYYY, YYYY-MM or YYYY-MM-DD)")
    search.add_argument("--to", dest="date_to", metavar="DATE", help="up to this date (YYYY, YYYY-MM or YYYY-MM-DD)")
    search.add_argument("--limit", metavar="N", type=_positive, default=5, help="how many statements at most (default 5)")
    search.add_argument("--json", action="store_true", help='print {"query": ..., "results": [...]} instead of text')
    search.set_defaults(handler=cmd_search)

    export = sub.add_parser(
        "export",
        parents=[common],
        help="write every statement as JSONL to standard output",
        description="Write every live statement as JSONL on standard output (the corpus format of `ingest`); "
        "without --guild or --shared, every server's and the shared corpus. A statement a server added "
        "itself carries that server's \"guild_id\", so ingesting the output from the command line puts "
        "it back in that server only.",
    )
    scope = export.add_mutually_exclusive_group()
    scope.add_argument("--guild", metavar="ID", type=_server_id, help="only the statements this server added itself")
    scope.add_argument("--shared", action="store_true", help="only the shared corpus that every server sees")
    export.set_defaults(handler=cmd_export)

    run = sub.add_parser("run", parents=[common], help="run the chat bot (the console when no token is set)")
    run.set_defaults(handler=cmd_run)

    console = sub.add_parser("console", parents=[common], help="interactive prompt with the chat bot's replies")
    console.set_defaults(handler=cmd_console)

    stats = sub.add_parser("stats", parents=[common], help="corpus counts")
    stats.add_argument("--json", action="store_true", help="print JSON")
    stats.set_defaults(handler=cmd_stats)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `quotecheck` and `python -m bot`."""
    for stream in (sys.stdout, sys.stderr):
        # A terminal that cannot show “curly quotes” gets escapes, not a UnicodeEncodeError.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)  # exits with 2 on bad usage
    from bot.service import QuoteError
    from bot.store.database import StoreError
    from bot.store.records import StoreUnavailableError

    try:
        settings = load_settings(getattr(args, "config", None), database_url=getattr(args, "db", None))
        if getattr(args, "config", None) is not None and not args.config.exists():
            raise SettingsError(f"no such settings file: {args.config}")
        return int(args.handler(args, settings) or 0)
    except (UsageError, SettingsError, StoreError, StoreUnavailableError) as exc:
        return _fail(str(exc), EXIT_USAGE)
    except (QuoteError, CorpusFormatError) as exc:
        return _fail(str(exc), EXIT_INPUT)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def _fail(message: str, code: int) -> int:
    print(f"quotecheck: error: {one_line(message)}", file=sys.stderr)
    return code


def _silence_stdout() -> None:
    # The reader went away (`quotecheck export | head`): stop quietly, without a second error at exit.
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


# -- commands -----------------------------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Add the corpus files under the paths and print the summary."""
    from bot.ingest import format_summary, ingest_paths
    from bot.store.corpus import CorpusStore
    from bot.store.database import make_engine

    if args.rejects is not None and not args.skip_invalid:
        raise UsageError("--rejects goes with --skip-invalid")
    rejects = None
    if args.skip_invalid:
        from datetime import datetime

        from bot.statement_lists import Rejects

        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        rejects = Rejects(args.rejects or Path(f"quotecheck-rejects-{stamp}.jsonl"))
    store = CorpusStore(make_engine(settings.resolved_database_url))
    try:
        summary = ingest_paths(store, args.paths, actor="cli", progress=not args.quiet, rejects=rejects)
    finally:
        store.engine.dispose()
    print(format_summary(summary))
    return EXIT_INPUT if summary.rejected or summary.lines_rejected else EXIT_OK


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Verify one quote, or a JSONL batch."""
    from bot.service import clean_quote

    if args.image is not None:
        if args.quote is not None or args.batch is not None:
            raise UsageError("give either a QUOTE, --batch FILE or --image FILE, not more than one")
        return _check_image(args, settings)
    if args.batch is not None:
        if args.quote is not None:
            raise UsageError("give either a QUOTE or --batch FILE, not both")
        lines = _read_batch(args.batch)
        service = _open_for_lookups(settings)
        try:
            for line in lines:
                print(json_text(_check_line(service, line)))
        finally:
            service.close()
        return EXIT_OK
    if args.quote is None:
        raise UsageError("give a QUOTE to check (or --batch FILE)")
    clean_quote(args.quote)  # an empty quote fails before the index is loaded
    service = _open_for_lookups(settings)
    try:
        result = service.check(args.quote, speaker=args.speaker)
    finally:
        service.close()
    if args.json:
        print(json_text(result.to_json()))
    else:
        from bot.core.render import render_result

        print(render_result(result))
    return EXIT_OK


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    """Print the statements TEXT most likely refers to, best first."""
    from bot.core.dates import date_bound
    from bot.core.model import RelatedStatement, SearchFilter
    from bot.core.render import render_search
    from bot.service import clean_quote

    try:
        flt = SearchFilter(speaker=args.speaker or None, date_from=date_bound(args.date_from, end=False),
                           date_to=date_bound(args.date_to, end=True))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    text = clean_quote(args.text)  # an empty text fails before the index is loaded
    service = _open_for_lookups(settings)
    try:
        results = [RelatedStatement(st, score) for st, score in service.search(text, flt, limit=args.limit)]
    finally:
        service.close()
    if args.json:
        print(json_text({"query": args.text, "results": [r.to_json() for r in results]}))
    else:
        print(render_search(args.text, results))
    return EXIT_OK


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError("give a number from 1 to 100")
    return value


def _check_image(args: argparse.Namespace, settings: Settings) -> int:
    """`check --image FILE`: the text read from the picture and the verdict on each quotation in it."""
    from bot.imaging.decode import ImageError
    from bot.imaging.reader import ImageReader, check_claims, read_file

    path = Path(args.image)
    if not path.exists():
        raise UsageError(f"no such file: {args.image}")
    reader = ImageReader.from_settings(settings.limits)
    try:
        reading = read_file(path, reader)
    except ImageError as exc:
        return _fail(str(exc), EXIT_INPUT)
    finally:
        reader.close()
    results = []
    if reading.claims:
        service = _open_for_lookups(settings)
        try:
            results = check_claims(service, reading.claims, speaker=args.speaker)
        finally:
            service.close()
    if args.json:
        print(json_text({"image": args.image, "text": reading.text, "results": [r.to_json() for r in results]}))
    else:
        from bot.core.render import render_image_result

        print(render_image_result(reading.text, results))
    return EXIT_OK


def _open_for_lookups(settings: Settings) -> QuoteService:
    """The service for `check` and `search`; a note on standard error when the corpus is empty, as
    then every quote is unverified (`run` and `console` load the bundled corpus, `ingest` adds files)."""
    from bot.service import QuoteService

    service = QuoteService.open(settings)
    # An index in memory knows its size; counting the table would scan it (0.05-0.4 s at 10^6).
    held = len(service.matcher) if service.matcher.holds_corpus else service.store.count()
    if held == 0:
        print("quotecheck: note: the corpus is empty, so nothing can be verified yet; `quotecheck ingest PATH` "
              "adds corpus files, and `quotecheck console` or `quotecheck run` first loads the bundled corpus",
              file=sys.stderr)
    return service


def _read_batch(name: str) -> list[str]:
    if name == "-":
        return sys.stdin.read().splitlines()
    try:
        return Path(name).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise UsageError(f"no such file: {name}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{name} is not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None


def _check_line(service: Any, line: str) -> dict[str, Any]:
    from bot.service import QuoteError

    try:
        query = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"verdict": None, "error": f"not valid JSON ({exc.msg})"}
    if not isinstance(query, dict):
        return {"verdict": None, "error": "expected a JSON object with a \"quote\""}
    quote, speaker = query.get("quote"), query.get("speaker")
    if not isinstance(quote, str):
        return {"verdict": None, "error": "\"quote\" must be a string"}
    if speaker is not None and not isinstance(speaker, str):
        return {"verdict": None, "error": "\"speaker\" must be a string or null", "quote": quote}
    try:
        return service.check(quote, speaker=speaker, log_lookup=False).to_json()  # type: ignore[no-any-return]
    except QuoteError as exc:
        return {"verdict": None, "error": str(exc), "quote": quote}


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Every live statement as JSONL on standard output (or one scope's: --guild ID, --shared)."""
    from bot.store.corpus import CorpusStore
    from bot.store.database import make_engine

    store = CorpusStore(make_engine(settings.resolved_database_url))
    out = sys.stdout
    if args.guild is not None or args.shared:
        records = store.scope_statements(args.guild)
    else:
        records = store.statements(all_guilds=True)
    try:
        for line in store.export_lines(records):
            out.write(json_text(line))
            out.write("\n")
        out.flush()
    finally:
        store.engine.dispose()
    return EXIT_OK


def _server_id(text: str) -> int:
    """A Discord server id given on the command line (a positive whole number)."""
    from bot.core.scope import parse_guild_id

    try:
        guild_id = parse_guild_id(text)
    except CorpusFormatError:
        guild_id = None
    if guild_id is None:
        raise argparse.ArgumentTypeError(f"not a Discord server id (a positive whole number): {text!r}")
    return guild_id


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """The chat bot when a token is configured; otherwise the console on the bundled corpus."""
    try:
        token = settings.discord.resolved_token()
    except OSError as exc:
        raise SettingsError(f"cannot read the token file: {exc.strerror or exc}") from None
    if token:
        from bot.chat.app import run_bot  # discord.py is only imported when the bot really runs

        return int(run_bot(settings) or 0)
    print(
        "No Discord token configured: starting the console instead.\n"
        "To run the chat bot, set QUOTECHECK_DISCORD_TOKEN (or DISCORD_TOKEN) in the environment, or\n"
        "`token_file` under [discord] in config/quotecheck.toml, then `make run` again.",
        file=sys.stderr,
    )
    return _console(settings, load_bundled=True)


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    """Interactive prompt (loads the bundled corpus into an empty database)."""
    return _console(settings, load_bundled=True)


def _console(settings: Settings, *, load_bundled: bool, stdin: TextIO | None = None) -> int:
    from bot.console import run_console
    from bot.service import QuoteService

    service = QuoteService.open(settings, load_bundled=load_bundled)
    service.warm_up_in_background()
    try:
        return run_console(service, stdin=stdin)
    finally:
        service.close()


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    """Corpus counts."""
    from bot.store.corpus import CorpusStore
    from bot.store.database import make_engine

    store = CorpusStore(make_engine(settings.resolved_database_url))
    try:
        stats = store.stats()
    finally:
        store.engine.dispose()
    if args.json:
        from dataclasses import asdict

        print(json_text(asdict(stats)))
        return EXIT_OK
    print(f"{stats.statements} statements ({stats.removed} removed) from {stats.sources} sources, {stats.speakers} speakers")
    for kind, count in sorted(stats.by_kind.items()):
        print(f"  {one_line(kind)}: {count}")
    if stats.top_speakers:
        print(one_line("most quoted: " + ", ".join(f"{name} ({n})" for name, n in stats.top_speakers)))
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
