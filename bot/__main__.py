"""`python -m bot` is the same as the `quotecheck` command."""

from bot.cli import main

raise SystemExit(main())
