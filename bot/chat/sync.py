"""`quotecheck sync`: register the slash commands with Discord (the bot itself never syncs on start)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.config import Settings


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the `sync` subcommand to the CLI."""
    parser = sub.add_parser("sync", parents=[common], help="register the chat commands with Discord (needs a token)")
    parser.add_argument("--guild", type=int, metavar="ID",
                        help="register in this server only (instant), instead of globally (may take up to an hour)")
    parser.set_defaults(handler=cmd_sync)


async def sync_commands(settings: Settings, token: str, guild_id: int | None = None, **client_kwargs: Any) -> list[str]:
    """Log in over REST only (no gateway), register the command tree, return the registered names."""
    import discord

    from .app import create_bot

    # The tree only needs the commands' shapes; no service is used while syncing.
    bot = create_bot(None, settings, **client_kwargs)
    async with bot:
        await bot.login(token)
        if guild_id:
            guild = discord.Object(id=guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
        else:
            synced = await bot.tree.sync()
    return [command.name for command in synced]


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    """Handler of `quotecheck sync`."""
    token = settings.discord.resolved_token()
    if not token:
        print("quotecheck: error: no Discord token configured (QUOTECHECK_DISCORD_TOKEN or DISCORD_TOKEN)",
              file=sys.stderr)
        return 2
    names = asyncio.run(sync_commands(settings, token, args.guild))
    where = f"server {args.guild}" if args.guild else "all servers"
    print(f"Registered {len(names)} commands for {where}: {', '.join(names)}")
    return 0
