"""A local Discord-compatible server: REST v10 and the gateway websocket, on 127.0.0.1, in the test's loop.

It serves what an unmodified discord.py client needs (discord-protocol.md), keeps state, records every
request, and refuses what Discord refuses: oversize messages, a second acknowledgement (40060), a first
acknowledgement after the 3-second window (10062), commands a member may not use. Tests drive it as a
user would: `slash()`, `autocomplete()`, `message_command()`, `click()`, `submit_modal()`.

Sharding follows Discord's rules: GET /gateway/bot recommends `shard_count` shards, each IDENTIFY names
`shard: [id, count]`, and a guild's events go only to the session of shard (guild_id >> 22) % count.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

from . import limits
from .state import (
    ADMINISTRATOR,
    BOT_PERMISSIONS,
    MANAGE_MESSAGES,
    MEMBER_PERMISSIONS,
    GatewaySession,
    Guild,
    Interaction,
    Member,
    RecordedRequest,
    User,
    shard_of,
    snowflake,
    snowflake_on_shard,
)

EPHEMERAL = 64
LOADING = 128
INTERACTION_WINDOW = 3.0
BODY_KEY = web.RequestKey("body", object)
FILES_KEY = web.RequestKey("files", object)


class NotPermitted(Exception):
    """Discord would not even show this command to the member (default_member_permissions)."""


class ClientRefused(ValueError):
    """The Discord app would refuse this input before sending it (required option, length, choices)."""


@dataclass
class Attachment:
    """A file a user attaches to a command option."""

    filename: str
    data: bytes
    content_type: str = "text/plain"


@dataclass
class _Injection:
    method: str
    pattern: re.Pattern[str]
    remaining: int
    retry_after: float
    is_global: bool
    cloudflare: bool = False
    status: int = 429  # another status (403, 500...) is answered as a plain Discord error with `code`
    code: int = 0
    message: str = ""


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py parses JSON only when the content type is exactly application/json (no charset).
    return web.Response(status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"})


def _error(status: int, code: int, message: str, problems: list[str] | None = None) -> web.Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if problems:
        body["errors"] = {"_errors": [{"code": "BASE_TYPE_INVALID", "message": p} for p in problems]}
    return _json(body, status)


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


class FakeDiscord:
    """A bot application, one guild with one text channel (more with `add_guild`), and a few members to act as.

    `shard_count` is the number of shards GET /gateway/bot recommends; `first_guild_shard` (shard id,
    shard count) picks the first guild's id so that this shard owns it.
    """

    def __init__(self, *, token: str = "fake-bot-token", moderator_role: str = "Quote Moderators",
                 compress: bool = True, shard_count: int = 1,
                 first_guild_shard: tuple[int, int] | None = None) -> None:
        self.token = token
        self.shard_count = shard_count
        self.compress = compress  # answer `compress=zlib-stream` with zlib-compressed binary frames, as Discord does
        self._zlib: dict[int, Any] = {}
        self.gateway_urls: list[str] = []  # path and query of every gateway connection
        self.app_id = snowflake()
        self.bot_user = User(self.app_id, "quotecheck", bot=True)
        self.owner = Member(User(snowflake(), "olga"), permissions=MEMBER_PERMISSIONS | ADMINISTRATOR)
        self.moderator_role_name = moderator_role
        self.guilds: dict[str, Guild] = {}
        self.guild = self.add_guild("Quote Checkers", shard=first_guild_shard)
        self.guild_id = self.guild.id
        self.channel_id = self.guild.channel_id
        self.moderator_role_id = self.guild.moderator_role_id
        self.members: dict[str, Member] = {}
        self.alice = self.add_member("alice")
        self.bob = self.add_member("bob")
        self.moderator = self.add_member("mira", permissions=MEMBER_PERMISSIONS | MANAGE_MESSAGES)
        self.role_moderator = self.add_member("rolf", roles=[self.moderator_role_id])
        self.members[self.owner.user.id] = self.owner
        self.requests: list[RecordedRequest] = []
        self.commands: dict[str | None, list[dict[str, Any]]] = {}
        self.messages: dict[str, dict[str, Any]] = {}
        self.interactions: dict[str, Interaction] = {}
        self.attachments: dict[str, tuple[Attachment, str]] = {}
        self.downloads: list[str] = []  # ids of the files fetched, in order
        self.deleted: list[dict[str, Any]] = []  # messages the bot deleted
        self.pinged: list[tuple[str, list[str]]] = []  # (message id, mentions that would notify)
        self.gateway_received: list[dict[str, Any]] = []
        self.sessions: dict[int, GatewaySession] = {}  # by shard id
        self.window = INTERACTION_WINDOW
        self._sockets: dict[int, web.WebSocketResponse] = {}  # the live connection of each shard
        self._injections: list[_Injection] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ----------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application(middlewares=[self._middleware], client_max_size=32 * 1024 * 1024)
        app.router.add_get("/", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        app.router.add_get("/attachments/{id}/{filename}", self._attachment)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        for ws in list(self._sockets.values()):
            if not ws.closed:
                await ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    @property
    def session(self) -> GatewaySession | None:
        """The gateway session of shard 0 (the only one when the bot does not shard)."""
        return self.sessions.get(0)

    @session.setter
    def session(self, session: GatewaySession) -> None:
        self.sessions[session.shard[0]] = session

    @property
    def _ws(self) -> web.WebSocketResponse | None:
        """The live connection of shard 0 (for tests that cut it without a close frame)."""
        return self._sockets.get(0)

    def add_guild(self, name: str, *, shard: tuple[int, int] | None = None) -> Guild:
        """A new guild with the bot in it (before the bot connects); `shard` = (id, count) that owns it."""
        guild_id = snowflake_on_shard(*shard) if shard else snowflake()
        guild = Guild(guild_id, name, channel_id=snowflake(), moderator_role_id=snowflake())
        self.guilds[guild.id] = guild
        return guild

    def add_member(self, name: str, *, permissions: int = MEMBER_PERMISSIONS, roles: list[str] | None = None) -> Member:
        member = Member(User(snowflake(), name), permissions=permissions, roles=list(roles or []))
        self.members[member.user.id] = member
        return member

    # ----------------------------------------------------------------- test controls
    def inject_429(self, method: str, path_regex: str, *, times: int = 1, retry_after: float = 0.3,
                   is_global: bool = False, cloudflare: bool = False) -> None:
        """Answer the next `times` matching requests with a 429 that discord.py retries after `retry_after`
        (per route, or `is_global`); with `cloudflare`, an HTML ban page without `Via`, which it does not retry."""
        self._injections.append(
            _Injection(method.upper(), re.compile(path_regex), times, retry_after, is_global, cloudflare))

    def inject_error(self, method: str, path_regex: str, *, status: int = 403, code: int = 50013,
                     message: str = "Missing Permissions", times: int = 1) -> None:
        """Answer the next `times` matching requests with this error (403 Missing Permissions by default)."""
        self._injections.append(
            _Injection(method.upper(), re.compile(path_regex), times, 0.0, False, status=status, code=code, message=message))

    async def disconnect_gateway(self, code: int = 4000, *, shard_id: int = 0) -> None:
        """Close the shard's websocket as Discord does on a server restart; the bot should RESUME."""
        ws = self._sockets.pop(shard_id, None)
        if ws is not None:
            await ws.close(code=code, message=b"test disconnect")

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError("condition not reached")
            await asyncio.sleep(0.01)

    def refused(self) -> list[RecordedRequest]:
        """Requests the server rejected, except the 429s a test injected."""
        return [r for r in self.requests if r.status >= 400 and not r.injected]

    def limit_violations(self) -> list[RecordedRequest]:
        """Requests rejected because a payload broke one of Discord's limits."""
        return [r for r in self.refused() if isinstance(r.response, dict) and r.response.get("code") in (50035, 50006)]

    # ----------------------------------------------------------------- user actions
    def command(self, name: str, kind: int = 1, guild: Guild | None = None) -> dict[str, Any]:
        """The synced command (the guild's commands first, then global) a user would pick."""
        for scope in ((guild or self.guild).id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == kind:
                    return command
        raise LookupError(f"command {name!r} (type {kind}) was never synced")

    async def slash(self, name: str, options: dict[str, Any] | None = None, *, member: Member | None = None,
                    raw: bool = False, bypass_permissions: bool = False, wait: bool = True,
                    timeout: float = 10.0, guild: Guild | None = None) -> Interaction:
        """A member runs `/name` (subcommands separated by spaces) with `options` in `guild` (the first one
        by default); waits for the answer."""
        member = member or self.alice
        parts = name.split()
        command = self.command(parts[0], guild=guild)
        self._check_permitted(command, member, bypass_permissions)
        schema = command.get("options") or []
        resolved: dict[str, Any] = {}
        built = self._build_options(parts[1:], schema, options or {}, resolved, raw=raw, focused=None)
        data: dict[str, Any] = {"id": command["id"], "name": parts[0], "type": 1, "options": built}
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return await self._deliver(2, member, data, wait=wait, timeout=timeout, guild=guild)

    async def autocomplete(self, name: str, options: dict[str, Any], focused: str, *,
                           member: Member | None = None, wait: bool = True, timeout: float = 10.0,
                           guild: Guild | None = None) -> Interaction:
        """A member types into option `focused`; the bot's choices are in `callback['choices']`."""
        member = member or self.alice
        parts = name.split()
        command = self.command(parts[0], guild=guild)
        built = self._build_options(parts[1:], command.get("options") or [], options, {}, raw=True, focused=focused)
        data: dict[str, Any] = {"id": command["id"], "name": parts[0], "type": 1, "options": built}
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        return await self._deliver(4, member, data, wait=wait, timeout=timeout, guild=guild)

    def post_message(self, content: str, *, author: Member | None = None, guild: Guild | None = None,
                     attachments: list[Attachment] | None = None, embeds: list[dict[str, Any]] | None = None,
                     ) -> dict[str, Any]:
        """A member posts a message in the guild's channel (no gateway event: the bot does not read messages),
        with files (served by this server, as Discord's CDN serves them) and embeds (e.g. a link preview
        whose image URL comes from `host`)."""
        author = author or self.bob
        message = self._message_shell(author.user, guild, content=content)
        message["type"] = 0
        message["attachments"] = [self._attach(a, {}, as_payload=True) for a in attachments or []]
        message["embeds"] = list(embeds or [])
        self.messages[message["id"]] = message
        return message

    async def message_command(self, name: str, target: dict[str, Any], *, member: Member | None = None,
                              timeout: float = 10.0) -> Interaction:
        """A member picks Apps → `name` on `target` (a message)."""
        member = member or self.alice
        guild = self.guilds.get(target.get("guild_id", ""), self.guild)
        command = self.command(name, kind=3, guild=guild)
        self._check_permitted(command, member, False)
        data: dict[str, Any] = {
            "id": command["id"], "name": name, "type": 3, "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        return await self._deliver(2, member, data, wait=True, timeout=timeout, guild=guild)

    async def click(self, message: dict[str, Any], label: str, *, member: Member | None = None,
                    values: list[str] | None = None, timeout: float = 10.0) -> Interaction:
        """A member presses the button labelled `label` on `message`, or picks `values` in the select with that
        placeholder (either may also be named by custom id)."""
        member = member or self.alice
        current = self.messages.get(message["id"], message)
        component = None
        for row in current.get("components") or []:
            for child in row.get("components") or []:
                if label in (child.get("label"), child.get("custom_id"), child.get("placeholder")):
                    component = child
        if component is None:
            raise ClientRefused(f"no component {label!r} on the message")
        if component.get("disabled"):
            raise ClientRefused(f"component {label!r} is disabled")
        data: dict[str, Any] = {"custom_id": component["custom_id"], "component_type": component["type"]}
        if values is not None:
            offered = {o.get("value") for o in component.get("options") or []}
            if not set(values) <= offered:
                raise ClientRefused(f"values {values} are not among the options")
            data["values"] = values
        guild = self.guilds.get(current.get("guild_id", ""), self.guild)
        return await self._deliver(3, member, data, message=current, wait=True, timeout=timeout, guild=guild)

    async def submit_modal(self, shown: Interaction, values: dict[str, str], *, member: Member | None = None,
                           timeout: float = 10.0) -> Interaction:
        """Fill the modal the bot showed in answer to `shown` (inputs by label or custom id) and submit it."""
        if shown.callback_type != 9 or shown.callback is None:
            raise ClientRefused("that interaction was not answered with a modal")
        modal = shown.callback
        rows = []
        for text_input in limits.modal_inputs(modal):
            value = values.get(text_input.get("label", ""), values.get(text_input["custom_id"]))
            if value is None:
                value = text_input.get("value") or ""
            if text_input.get("required", True) and not value:
                raise ClientRefused(f"{text_input.get('label')!r} is required")
            if len(value) > text_input.get("max_length", limits.TEXT_INPUT_VALUE_MAX):
                raise ClientRefused(f"{text_input.get('label')!r} is too long")
            if len(value) < text_input.get("min_length", 0):
                raise ClientRefused(f"{text_input.get('label')!r} is too short")
            rows.append({"type": 1, "components": [{"type": 4, "custom_id": text_input["custom_id"], "value": value}]})
        data = {"custom_id": modal["custom_id"], "components": rows}
        message = shown.payload.get("message")
        guild = self.guilds[shown.payload["guild_id"]]
        return await self._deliver(5, member or shown.member, data, message=message, wait=True, timeout=timeout,
                                   guild=guild)

    # ----------------------------------------------------------------- building interactions
    def _check_permitted(self, command: dict[str, Any], member: Member, bypass: bool) -> None:
        required = command.get("default_member_permissions")
        if required is None or bypass:
            return
        need = int(required)
        if member.permissions & ADMINISTRATOR:
            return
        if member.permissions & need != need:
            raise NotPermitted(f"{member.user.username} may not use /{command['name']}")

    def _build_options(self, path: list[str], schema: list[dict[str, Any]], values: dict[str, Any],
                       resolved: dict[str, Any], *, raw: bool, focused: str | None) -> list[dict[str, Any]]:
        if path:
            sub = next((o for o in schema if o["name"] == path[0] and o["type"] in (1, 2)), None)
            if sub is None:
                raise LookupError(f"no subcommand {path[0]!r}")
            inner = self._build_options(path[1:], sub.get("options") or [], values, resolved, raw=raw, focused=focused)
            return [{"type": sub["type"], "name": sub["name"], "options": inner}]
        built: list[dict[str, Any]] = []
        by_name = {o["name"]: o for o in schema}
        for option in schema:
            if option.get("required") and option["name"] not in values and not raw and focused is None:
                raise ClientRefused(f"option {option['name']!r} is required")
        for key, value in values.items():
            option = by_name.get(key)
            if option is None:
                raise ClientRefused(f"no option {key!r}")
            kind = option["type"]
            entry: dict[str, Any] = {"type": kind, "name": key}
            if kind == 11:
                if not isinstance(value, Attachment):
                    raise ClientRefused(f"option {key!r} needs an Attachment")
                entry["value"] = self._attach(value, resolved)
            elif kind == 6:
                entry["value"] = value.user.id
                resolved.setdefault("users", {})[value.user.id] = value.user.payload()
                resolved.setdefault("members", {})[value.user.id] = value.payload(with_permissions=True)
            else:
                entry["value"] = value
                if not raw and focused is None:
                    self._check_value(option, value)
            if key == focused:
                entry["focused"] = True
            built.append(entry)
        return built

    @staticmethod
    def _check_value(option: dict[str, Any], value: Any) -> None:
        name = option["name"]
        if option["type"] == 3:
            if not isinstance(value, str):
                raise ClientRefused(f"option {name!r} is text")
            if len(value) > option.get("max_length", 6000) or len(value) < option.get("min_length", 0):
                raise ClientRefused(f"option {name!r} length out of range")
        if option["type"] in (4, 10):
            if "min_value" in option and value < option["min_value"]:
                raise ClientRefused(f"option {name!r} below minimum")
            if "max_value" in option and value > option["max_value"]:
                raise ClientRefused(f"option {name!r} above maximum")
        choices = option.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise ClientRefused(f"option {name!r} must be one of the choices")

    def host(self, attachment: Attachment) -> str:
        """Serve a file at a URL of this server (an image a link preview points at) and return the URL."""
        return self._attach(attachment, {}, as_payload=True)["url"]

    def _attach(self, attachment: Attachment, resolved: dict[str, Any], *, as_payload: bool = False) -> Any:
        attachment_id = snowflake()
        url = f"http://127.0.0.1:{self.port}/attachments/{attachment_id}/{attachment.filename}"
        self.attachments[attachment_id] = (attachment, url)
        payload = {
            "id": attachment_id, "filename": attachment.filename, "size": len(attachment.data), "url": url,
            "proxy_url": url, "content_type": attachment.content_type,
        }
        resolved.setdefault("attachments", {})[attachment_id] = payload
        return payload if as_payload else attachment_id

    def _channel_payload(self, guild: Guild | None = None) -> dict[str, Any]:
        guild = guild or self.guild
        return {"id": guild.channel_id, "type": 0, "name": "general", "position": 0, "guild_id": guild.id,
                "permission_overwrites": [], "nsfw": False, "topic": None, "last_message_id": None}

    def _guild_of_channel(self, channel_id: str) -> Guild | None:
        return next((g for g in self.guilds.values() if g.channel_id == channel_id), None)

    async def _deliver(self, kind: int, member: Member, data: dict[str, Any], *, message: dict[str, Any] | None = None,
                       wait: bool, timeout: float, guild: Guild | None = None) -> Interaction:
        guild = guild or self.guild
        interaction_id = snowflake()
        token = "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)
        payload: dict[str, Any] = {
            "id": interaction_id, "application_id": self.app_id, "type": kind, "token": token, "version": 1,
            "guild_id": guild.id, "channel_id": guild.channel_id, "channel": self._channel_payload(guild),
            "member": member.payload(with_permissions=True), "app_permissions": str(BOT_PERMISSIONS),
            "locale": "en-US", "guild_locale": "en-US", "entitlements": [], "context": 0,
            "authorizing_integration_owners": {"0": guild.id}, "attachment_size_limit": 10485760,
            "data": data,
        }
        if message is not None:
            payload["message"] = message
        interaction = Interaction(interaction_id, token, kind, payload, member)
        self.interactions[interaction_id] = interaction
        interaction.shard_id = await self._dispatch("INTERACTION_CREATE", payload, guild=guild)
        if wait:
            try:
                await self.wait_until(lambda: interaction.complete or bool(interaction.errors), timeout)
            except TimeoutError:
                raise TimeoutError(
                    f"interaction type {kind} not answered: callback={interaction.callback_type} "
                    f"edits={interaction.edits} followups={len(interaction.followups)}"
                ) from None
        return interaction

    # ----------------------------------------------------------------- gateway
    def shard_serving(self, guild: Guild) -> GatewaySession | None:
        """The session that receives the guild's events: the one of shard (guild_id >> 22) % count."""
        for shard_id, session in self.sessions.items():
            if shard_of(guild.id, session.shard[1]) == shard_id:
                return session
        return None

    async def _dispatch(self, event: str, data: dict[str, Any], *, guild: Guild | None = None,
                        session: GatewaySession | None = None) -> int:
        """Send an event to `session`, or to the shard that owns `guild`; returns that shard's id."""
        if session is None:
            session = self.shard_serving(guild or self.guild)
        if session is None:
            raise RuntimeError("no shard of the bot has identified for this guild")
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.events.append(frame)
        ws = self._sockets.get(session.shard[0])
        if ws is not None and not ws.closed:
            await self._send(ws, frame)
        # While disconnected the event waits in the session for the RESUME replay, as on Discord.
        return session.shard[0]

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        if request.query.get("compress") == "zlib-stream" and self.compress:
            # One zlib context per connection, each message ending in a sync flush (00 00 ff ff), sent as binary.
            self._zlib[id(ws)] = zlib.compressobj()
        self.gateway_urls.append(str(request.rel_url))
        await self._send(ws, {"op": 10, "d": {"heartbeat_interval": 41250}})
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                break
            frame = json.loads(msg.data)
            self.gateway_received.append(frame)
            await self._gateway_op(ws, frame)
        for shard_id, socket in list(self._sockets.items()):
            if socket is ws:
                del self._sockets[shard_id]
                if ws.close_code == 1000:
                    # A client that closes with 1000 ends its session: Discord would refuse a RESUME of it.
                    self.sessions.pop(shard_id, None)
        self._zlib.pop(id(ws), None)
        return ws

    async def _send(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        text = json.dumps(frame)
        compressor = self._zlib.get(id(ws))
        if compressor is None:
            await ws.send_str(text)
        else:
            await ws.send_bytes(compressor.compress(text.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH))

    async def _gateway_op(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == 1:
            await self._send(ws, {"op": 11})
        elif op == 2:
            await self._identify(ws, data)
        elif op == 6:
            session = next((s for s in self.sessions.values() if s.id == data.get("session_id")), None)
            if session is None or data.get("token") != self.token:
                await self._send(ws, {"op": 9, "d": False})
                return
            session.resumes += 1
            self._sockets[session.shard[0]] = ws
            for event in session.events:
                if event["s"] > (data.get("seq") or 0):
                    await self._send(ws, event)
            await self._dispatch("RESUMED", {}, session=session)

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        """A new session for the shard named in IDENTIFY (shard 0 of 1 without one): READY, then its guilds."""
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        shard_id, shard_count = data.get("shard") or (0, 1)
        if not 0 <= shard_id < shard_count:
            await ws.close(code=4010, message=b"Invalid shard.")
            return
        previous = self.sessions.get(shard_id)
        session = GatewaySession(id=secrets.token_hex(16), shard=(shard_id, shard_count),
                                 identifies=(previous.identifies if previous else 0) + 1)
        self.sessions[shard_id] = session
        self._sockets[shard_id] = ws
        owned = [g for g in self.guilds.values() if shard_of(g.id, shard_count) == shard_id]
        await self._dispatch("READY", {
            "v": 10, "user": self.bot_user.payload(), "guilds": [{"id": g.id, "unavailable": True} for g in owned],
            "session_id": session.id, "resume_gateway_url": self.gateway_url, "shard": [shard_id, shard_count],
            "application": {"id": self.app_id, "flags": 0}, "private_channels": [], "relationships": [],
        }, session=session)
        for guild in owned:
            await self._dispatch("GUILD_CREATE", self._guild_payload(guild), session=session)

    def _guild_payload(self, guild: Guild) -> dict[str, Any]:
        bot_member = Member(self.bot_user, permissions=BOT_PERMISSIONS)
        members = [bot_member.payload(), *(m.payload() for m in self.members.values())]
        role = {"color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
        return {
            "id": guild.id, "name": guild.name, "icon": None, "owner_id": self.owner.user.id,
            "member_count": len(members), "large": False, "unavailable": False, "joined_at": _now_iso(),
            "roles": [
                {"id": guild.id, "name": "@everyone", "permissions": str(MEMBER_PERMISSIONS), "position": 0, **role},
                {"id": guild.moderator_role_id, "name": self.moderator_role_name,
                 "permissions": str(MEMBER_PERMISSIONS), "position": 1, **role},
            ],
            "channels": [self._channel_payload(guild)], "members": members, "emojis": [], "stickers": [],
            "features": [], "voice_states": [], "presences": [], "threads": [], "stage_instances": [],
            "guild_scheduled_events": [], "premium_tier": 0, "preferred_locale": "en-US", "verification_level": 0,
            "explicit_content_filter": 0, "default_message_notifications": 0, "mfa_level": 0, "nsfw_level": 0,
            "system_channel_flags": 0,
        }

    # ----------------------------------------------------------------- REST plumbing
    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == "/" and request.headers.get("Upgrade", "").lower() == "websocket":
            return await handler(request)
        body, files = await self._parse_body(request)
        request[BODY_KEY], request[FILES_KEY] = body, files
        injected = False
        response: web.StreamResponse
        for injection in self._injections:
            if injection.remaining > 0 and injection.method == request.method and injection.pattern.search(request.path):
                injection.remaining -= 1
                response = self._rate_limited(injection)
                injected = True
                break
        else:
            try:
                response = await handler(request)
            except web.HTTPException as exc:
                response = _error(exc.status, 0, exc.reason)
        self._add_ratelimit_headers(request, response)
        answer: Any = None
        if isinstance(response, web.Response) and response.body:
            try:
                answer = json.loads(response.body)  # type: ignore[arg-type]
            except (ValueError, TypeError):
                answer = None
        self.requests.append(RecordedRequest(request.method, request.path, dict(request.query), body,
                                             response.status, answer, injected=injected))
        return response

    @staticmethod
    async def _parse_body(request: web.Request) -> tuple[Any, list[Any]]:
        if request.method in ("GET", "HEAD") or not request.can_read_body:
            return None, []
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            payload = form.get("payload_json")
            files = [v for k, v in form.items() if k != "payload_json"]
            return (json.loads(payload) if isinstance(payload, str) else None), files
        raw = await request.read()
        if not raw:
            return None, []
        try:
            return json.loads(raw), []
        except ValueError:
            return raw.decode(errors="replace"), []

    @staticmethod
    def _rate_limited(injection: _Injection) -> web.Response:
        if injection.status != 429:
            return _error(injection.status, injection.code, injection.message or "Error")
        if injection.cloudflare:
            return web.Response(status=429, text="<html>error code: 1015</html>", content_type="text/html")
        response = _json({"message": "You are being rate limited.", "retry_after": injection.retry_after,
                          "global": injection.is_global}, 429)
        # Without Via discord.py takes a 429 for a Cloudflare ban and gives up at once.
        response.headers["Via"] = "1.1 google"
        response.headers["Retry-After"] = str(max(1, round(injection.retry_after)))
        response.headers["X-RateLimit-Scope"] = "user"
        if injection.is_global:
            response.headers["X-RateLimit-Global"] = "true"
        return response

    @staticmethod
    def _add_ratelimit_headers(request: web.Request, response: web.StreamResponse) -> None:
        if response.status == 429 or response.prepared:
            response.headers.setdefault("X-RateLimit-Remaining", "0")
            return
        response.headers["X-RateLimit-Limit"] = "50"
        response.headers["X-RateLimit-Remaining"] = "49"
        response.headers["X-RateLimit-Reset"] = f"{time.time() + 1:.3f}"
        response.headers["X-RateLimit-Reset-After"] = "1.000"
        response.headers["X-RateLimit-Bucket"] = f"b{abs(hash((request.method, request.path))) % 10**8}"

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {self.token}"

    async def _attachment(self, request: web.Request) -> web.Response:
        found = self.attachments.get(request.match_info["id"])
        if found is None:
            return _error(404, 0, "Not Found")
        self.downloads.append(request.match_info["id"])
        return web.Response(body=found[0].data, content_type=found[0].content_type)

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, files = request[BODY_KEY], request[FILES_KEY]
        method = request.method
        if m := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path):
            return self._callback(m.group(1), m.group(2), body or {}, bool(files), request.query)
        if m := re.fullmatch(r"/webhooks/(\d+)/([^/]+)", path):
            return self._webhook_post(m.group(2), body or {}, bool(files), request.query)
        if m := re.fullmatch(r"/webhooks/(\d+)/([^/]+)/messages/([^/]+)", path):
            return self._webhook_message(method, m.group(2), m.group(3), body or {}, bool(files))
        if not self._authorised(request):
            return _error(401, 0, "401: Unauthorized")
        if path == "/users/@me" and method == "GET":
            return _json(self.bot_user.payload())
        if path == "/oauth2/applications/@me" and method == "GET":
            return _json(self._application_payload())
        if path in ("/gateway", "/gateway/bot"):
            return _json({"url": self.gateway_url, "shards": self.shard_count,
                          "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})
        if m := re.fullmatch(r"/applications/(\d+)(?:/guilds/(\d+))?/commands", path):
            scope = m.group(2)
            if method == "PUT":
                return self._put_commands(scope, body or [])
            if method == "GET":
                return _json(self.commands.get(scope, []))
        if m := re.fullmatch(r"/channels/(\d+)", path):
            guild = self._guild_of_channel(m.group(1))
            if guild is None:
                return _error(404, 10003, "Unknown Channel")
            return _json(self._channel_payload(guild))
        if m := re.fullmatch(r"/channels/(\d+)/messages", path):
            if method == "POST":
                return self._channel_post(m.group(1), body or {}, bool(files))
        if m := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path):
            message = self.messages.get(m.group(2))
            if message is None:
                return _error(404, 10008, "Unknown Message")
            return _json(message)
        return _error(404, 0, f"404: Not Found ({method} {path})")

    def _application_payload(self) -> dict[str, Any]:
        return {
            "id": self.app_id, "name": "quotecheck", "icon": None, "description": "", "summary": "",
            "bot_public": True, "bot_require_code_grant": False, "verify_key": "0" * 64,
            "owner": self.owner.user.payload(), "team": None, "flags": 0, "rpc_origins": [], "tags": [],
            "interactions_endpoint_url": None, "redirect_uris": [], "bot": self.bot_user.payload(),
            "approximate_guild_count": len(self.guilds),
        }

    def _put_commands(self, scope: str | None, commands: list[dict[str, Any]]) -> web.Response:
        problems = limits.check_commands(commands)
        if problems:
            return _error(400, 50035, "Invalid Form Body", problems)
        previous = {(c["name"], c.get("type", 1)): c["id"] for c in self.commands.get(scope, [])}
        stored = []
        for command in commands:
            entry = dict(command)
            entry.setdefault("type", 1)
            entry["id"] = previous.get((entry["name"], entry["type"]), snowflake())
            entry["application_id"] = self.app_id
            entry["version"] = snowflake()
            entry.setdefault("description", "")
            if scope:
                entry["guild_id"] = scope
            stored.append(entry)
        self.commands[scope] = stored
        return _json(stored)

    # ----------------------------------------------------------------- messages
    def _message_shell(self, author: User, guild: Guild | None = None, **fields: Any) -> dict[str, Any]:
        guild = guild or self.guild
        message: dict[str, Any] = {
            "id": snowflake(), "type": 0, "channel_id": guild.channel_id, "guild_id": guild.id,
            "author": author.payload(), "content": "", "embeds": [], "components": [], "attachments": [],
            "mentions": [], "mention_roles": [], "mention_everyone": False, "pinned": False, "tts": False,
            "timestamp": _now_iso(), "edited_timestamp": None, "flags": 0,
        }
        message.update(fields)
        return message

    def _bot_message(self, data: dict[str, Any], interaction: Interaction | None, *, default_parse: tuple[str, ...],
                     flags: int = 0, guild: Guild | None = None) -> dict[str, Any]:
        if interaction is not None:
            guild = self.guilds[interaction.payload["guild_id"]]
        message = self._message_shell(
            self.bot_user,
            guild,
            content=data.get("content") or "",
            embeds=data.get("embeds") or [],
            components=data.get("components") or [],
            flags=(data.get("flags") or 0) | flags,
        )
        if interaction is not None:
            message["type"] = 20 if interaction.payload["data"].get("type", 1) == 1 else 23
            message["webhook_id"] = self.app_id
            message["application_id"] = self.app_id
            message["interaction_metadata"] = {
                "id": interaction.id, "type": interaction.type, "user": interaction.member.user.payload(),
                "authorizing_integration_owners": {"0": interaction.payload["guild_id"]},
            }
        self._note_pings(message["id"], data, default_parse)
        self.messages[message["id"]] = message
        return message

    def _note_pings(self, message_id: str, data: dict[str, Any], default_parse: tuple[str, ...]) -> None:
        found = limits.pings(data.get("content"), data.get("allowed_mentions"), default_parse=default_parse)
        if found:
            self.pinged.append((message_id, found))

    def _edit(self, message: dict[str, Any], data: dict[str, Any], *, default_parse: tuple[str, ...]) -> None:
        for key in ("content", "embeds", "components", "attachments"):
            if key in data:
                message[key] = data[key] if data[key] is not None else ([] if key != "content" else "")
        message["flags"] = (message.get("flags") or 0) & ~LOADING
        message["edited_timestamp"] = _now_iso()
        self._note_pings(message["id"], data, default_parse)

    def _callback(self, interaction_id: str, token: str, body: dict[str, Any], has_files: bool,
                  query: Any) -> web.Response:
        interaction = self.interactions.get(interaction_id)
        if interaction is None or interaction.token != token:
            return _error(404, 10062, "Unknown interaction")
        kind, data = body.get("type"), body.get("data") or {}

        def refuse(status: int, code: int, message: str, problems: list[str] | None = None) -> web.Response:
            interaction.errors.append((code, problems or message))
            interaction.changed.set()
            return _error(status, code, message, problems)

        if time.monotonic() - interaction.created > self.window:
            return refuse(404, 10062, "Unknown interaction")
        if interaction.callback_type is not None:
            return refuse(400, 40060, "Interaction has already been acknowledged.")
        problems: list[str] = []
        if kind in (4, 7):
            problems = limits.check_message(data, has_files=has_files, partial=kind == 7)
        elif kind == 8:
            problems = limits.check_choices(data.get("choices") or [])
        elif kind == 9:
            problems = limits.check_modal(data)
        allowed = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}[interaction.type]
        if kind not in allowed:
            problems.append(f"callback type {kind} is not valid for interaction type {interaction.type}")
        if problems:
            return refuse(400, 50035, "Invalid Form Body", problems)
        interaction.callback_type, interaction.callback = kind, data
        interaction.acked_at = time.monotonic()
        if kind != 5:
            interaction.answered_at = interaction.acked_at
        message: dict[str, Any] | None = None
        if kind == 4:
            message = self._bot_message(data, interaction, default_parse=("users",))
            interaction.original = message
        elif kind == 5:
            message = self._bot_message({"flags": data.get("flags") or 0}, interaction, default_parse=("users",),
                                        flags=LOADING)
            interaction.original = message
        elif kind in (6, 7):
            source = interaction.payload.get("message")
            message = self.messages.get(source["id"]) if source else None
            interaction.original = message
            if kind == 7 and message is not None:
                self._edit(message, data, default_parse=("users",))
        interaction.changed.set()
        if "with_response" not in query:
            return web.Response(status=204)
        result: dict[str, Any] = {
            "interaction": {
                "id": interaction.id, "type": interaction.type,
                "response_message_id": message["id"] if message else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(message and message.get("flags", 0) & EPHEMERAL),
            },
            "resource": {"type": kind},
        }
        if message is not None:
            result["resource"]["message"] = message
        return _json(result)

    def _by_token(self, token: str) -> Interaction | None:
        return next((i for i in self.interactions.values() if i.token == token), None)

    def _webhook_post(self, token: str, body: dict[str, Any], has_files: bool, query: Any) -> web.Response:
        interaction = self._by_token(token)
        if interaction is None or interaction.callback_type is None:
            return _error(404, 10015, "Unknown Webhook")
        problems = limits.check_message(body, has_files=has_files)
        if problems:
            interaction.errors.append((50035, problems))
            interaction.changed.set()
            return _error(400, 50035, "Invalid Form Body", problems)
        original = interaction.original
        if interaction.callback_type == 5 and original is not None and original.get("flags", 0) & LOADING:
            # The first follow-up after a deferral fills in the "thinking…" message, keeping its ephemerality.
            self._edit(original, {**body, "flags": None}, default_parse=("users",))
            message = original
        else:
            message = self._bot_message(body, interaction, default_parse=("users",))
        interaction.followups.append(message)
        interaction.answered_at = interaction.answered_at or time.monotonic()
        interaction.changed.set()
        if query.get("wait") in ("1", "true", "True"):
            return _json(message)
        return web.Response(status=204)

    def _webhook_message(self, method: str, token: str, message_id: str, body: dict[str, Any],
                         has_files: bool) -> web.Response:
        interaction = self._by_token(token)
        if interaction is None:
            return _error(404, 10015, "Unknown Webhook")
        if message_id == "@original":
            message = interaction.original
        else:
            message = next((m for m in interaction.messages if m["id"] == message_id), None)
        if message is None:
            return _error(404, 10008, "Unknown Message")
        if method == "GET":
            return _json(message)
        if method == "DELETE":
            self.messages.pop(message["id"], None)
            self.deleted.append(message)
            if message is interaction.original:
                interaction.original = None
            else:
                interaction.followups = [m for m in interaction.followups if m is not message]
            interaction.changed.set()
            return web.Response(status=204)
        if method == "PATCH":
            problems = limits.check_message(body, has_files=has_files, partial=True)
            if problems:
                interaction.errors.append((50035, problems))
                interaction.changed.set()
                return _error(400, 50035, "Invalid Form Body", problems)
            self._edit(message, body, default_parse=("users",))
            interaction.edits += 1
            interaction.answered_at = interaction.answered_at or time.monotonic()
            interaction.changed.set()
            return _json(message)
        return _error(405, 0, "405: Method Not Allowed")

    def _channel_post(self, channel_id: str, body: dict[str, Any], has_files: bool) -> web.Response:
        guild = self._guild_of_channel(channel_id)
        if guild is None:
            return _error(404, 10003, "Unknown Channel")
        problems = limits.check_message(body, has_files=has_files)
        if problems:
            return _error(400, 50035, "Invalid Form Body", problems)
        return _json(self._bot_message(body, None, default_parse=("users", "roles", "everyone"), guild=guild))

    def channel_messages(self) -> list[dict[str, Any]]:
        """Messages the bot posted in the channel outside interactions (digests, announcements)."""
        return [m for m in self.messages.values()
                if m["author"]["id"] == self.bot_user.id and "interaction_metadata" not in m]
