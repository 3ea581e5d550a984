"""What the local Discord server remembers: users, guilds, commands, messages, interactions, requests."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

# Permission bits (discord-api-docs permissions.mdx) the tests care about.
ADMINISTRATOR = 1 << 3
MANAGE_MESSAGES = 1 << 13
SEND_MESSAGES = 1 << 11
VIEW_CHANNEL = 1 << 10
USE_APPLICATION_COMMANDS = 1 << 31
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
MEMBER_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | USE_APPLICATION_COMMANDS | READ_MESSAGE_HISTORY
BOT_PERMISSIONS = MEMBER_PERMISSIONS | EMBED_LINKS | MANAGE_MESSAGES

_ids = itertools.count(1_300_000_000_000_000_000)


def snowflake() -> str:
    """A fresh id, as a string like Discord sends them."""
    return str(next(_ids))


def shard_of(guild_id: str | int, shard_count: int) -> int:
    """The shard that receives a guild's events: (guild_id >> 22) % shard_count (gateway.mdx, Sharding)."""
    return (int(guild_id) >> 22) % shard_count


def snowflake_on_shard(shard_id: int, shard_count: int) -> str:
    """A fresh id whose guild would be served by shard `shard_id` of `shard_count`."""
    fresh = int(snowflake())
    # Only the timestamp bits (above bit 22) decide the shard: move them up to the next one that fits.
    timestamp = fresh >> 22
    timestamp += (shard_id - timestamp) % shard_count
    return str((timestamp << 22) | (fresh & ((1 << 22) - 1)))


@dataclass
class Guild:
    """A server the bot is in, with one text channel and a moderator role."""

    id: str
    name: str
    channel_id: str
    moderator_role_id: str


@dataclass
class User:
    id: str
    username: str
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "username": self.username,
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass
class Member:
    user: User
    permissions: int = MEMBER_PERMISSIONS
    roles: list[str] = field(default_factory=list)

    def payload(self, *, with_permissions: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "user": self.user.payload(),
            "roles": list(self.roles),
            "joined_at": "2025-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
        }
        if with_permissions:
            data["permissions"] = str(self.permissions)
        return data


@dataclass
class RecordedRequest:
    """One REST call the bot made, with what the server answered."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int
    response: Any
    at: float = field(default_factory=time.monotonic)
    injected: bool = False  # a 429 the test asked for


@dataclass
class Interaction:
    """One interaction the server delivered and everything the bot answered to it."""

    id: str
    token: str
    type: int
    payload: dict[str, Any]
    member: Member
    created: float = field(default_factory=time.monotonic)
    shard_id: int | None = None  # the gateway shard the INTERACTION_CREATE was sent to
    callback_type: int | None = None
    callback: dict[str, Any] | None = None  # the callback's `data`
    original: dict[str, Any] | None = None  # the response message, as last edited
    followups: list[dict[str, Any]] = field(default_factory=list)
    edits: int = 0
    acked_at: float | None = None  # monotonic time of the accepted callback
    answered_at: float | None = None  # monotonic time of the first message content (callback 4, follow-up or edit)
    errors: list[tuple[int, Any]] = field(default_factory=list)  # (status, body) refused
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def ephemeral(self) -> bool:
        """Whether the answer (see `reply`) is only visible to the user."""
        flags = self.reply.get("flags", 0) or 0
        return bool(flags & 64)

    @property
    def deferred(self) -> bool:
        return self.callback_type in (5, 6)

    @property
    def complete(self) -> bool:
        """Answered as a user would see it: a message, a modal, choices or an update, not only 'thinking'."""
        if self.callback_type is None:
            return False
        if self.callback_type == 5:
            return self.edits > 0 or bool(self.followups)
        if self.callback_type == 6:
            return self.edits > 0 or bool(self.followups)
        return True

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The response message (if any) then the follow-ups."""
        first = [self.original] if self.original is not None else []
        return first + self.followups

    @property
    def reply(self) -> dict[str, Any]:
        """The message a user reads as the answer: the first follow-up after a bare defer, else the original."""
        if self.original is not None and (self.edits or self.callback_type == 4 or not self.followups):
            return self.original
        return self.followups[0] if self.followups else (self.original or {})

    def text(self) -> str:
        """Everything readable in the reply: content, embed titles, descriptions, fields, footers."""
        return message_text(self.reply)

    def buttons(self, message: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
        """The reply's buttons by label."""
        found: dict[str, dict[str, Any]] = {}
        for row in (message or self.reply).get("components") or []:
            for child in row.get("components") or []:
                if child.get("type") == 2 and child.get("label"):
                    found[child["label"]] = child
        return found


def message_text(message: dict[str, Any]) -> str:
    """The readable text of a message (content and embeds), joined by newlines."""
    parts: list[str] = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for f in embed.get("fields") or []:
            parts += [f.get("name") or "", f.get("value") or ""]
        parts.append((embed.get("footer") or {}).get("text") or "")
        parts.append((embed.get("author") or {}).get("name") or "")
    return "\n".join(p for p in parts if p)


@dataclass
class GatewaySession:
    """A gateway session: its id, shard, sequence and the events sent, so a RESUME can replay them."""

    id: str
    shard: tuple[int, int] = (0, 1)  # [shard_id, shard_count] from IDENTIFY
    seq: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    identifies: int = 0
    resumes: int = 0
