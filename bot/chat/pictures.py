"""Pictures in chat: which images of a message to read, and fetching them within limits.

Only Discord's own media hosts are fetched (and the configured API host, for self-hosted servers
and tests): an embed's image URL comes from whoever posted the link, and the bot must not become
a way to make requests to arbitrary addresses. The declared size is checked before the download,
and the download stops at the byte limit whatever the server says.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

import discord
import httpx
import yarl

from bot.imaging.decode import ImageError, ImageLimits, check_size

DISCORD_MEDIA_HOSTS = frozenset({"cdn.discordapp.com", "media.discordapp.net"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"})
PICTURES_MAX = 3  # pictures read from one message
FETCH_SECONDS = 15.0


@dataclass(frozen=True)
class Picture:
    """An image to read: where it is, its name, and its size when Discord told it (attachments)."""

    url: str
    name: str
    size: int | None = None


def is_image(filename: str, content_type: str | None) -> bool:
    """True for a file that is (or says it is) a picture."""
    if content_type and content_type.split(";")[0].strip().lower().startswith("image/"):
        return True
    return PurePosixPath(filename.lower()).suffix in IMAGE_SUFFIXES


def attachment_picture(attachment: discord.Attachment) -> Picture:
    """The picture of an attachment given to a command option (any file: the reader says when it is not one)."""
    return Picture(attachment.url, attachment.filename, attachment.size)


def message_pictures(message: discord.Message) -> list[Picture]:
    """The images of a message: its image attachments, then the images and thumbnails of its embeds."""
    found: list[Picture] = []
    for attachment in message.attachments:
        if is_image(attachment.filename, attachment.content_type):
            found.append(Picture(attachment.url, attachment.filename, attachment.size))
    for embed in message.embeds:
        for media in (embed.image, embed.thumbnail):
            # The proxied copy is on Discord's media host; the original URL may be anywhere.
            url = getattr(media, "proxy_url", None) or getattr(media, "url", None)
            if url and all(p.url != url for p in found):
                found.append(Picture(url, PurePosixPath(yarl.URL(url).path).name or "embed image"))
    return found[:PICTURES_MAX]


def allowed_host(url: str, api_base: str) -> bool:
    """True when `url` is on Discord's media hosts or on the configured Discord-compatible server."""
    try:
        target = yarl.URL(url)
    except ValueError:
        return False
    if target.scheme not in {"https", "http"} or not target.host:
        return False
    if target.scheme == "https" and target.host in DISCORD_MEDIA_HOSTS:
        return True
    if api_base:
        own = yarl.URL(api_base)
        return (target.scheme, target.host, target.port) == (own.scheme, own.host, own.port)
    return False


async def fetch(picture: Picture, limits: ImageLimits, api_base: str) -> bytes:
    """The picture's bytes; ImageError when it is too large, elsewhere than Discord's media, or unreachable."""
    if picture.size is not None:
        check_size(picture.size, limits)
    if not allowed_host(picture.url, api_base):
        raise ImageError("That picture is not hosted on Discord, so it was not fetched.")
    chunks: list[bytes] = []
    received = 0
    try:
        async with httpx.AsyncClient(timeout=FETCH_SECONDS, follow_redirects=False, trust_env=False) as client:
            async with client.stream("GET", picture.url) as response:
                if response.status_code != 200:
                    raise ImageError(f"The picture could not be downloaded (HTTP {response.status_code}).")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit():
                    check_size(int(declared), limits)
                async for chunk in response.aiter_bytes():
                    received += len(chunk)
                    if received > limits.max_bytes:
                        raise ImageError(f"The image is too large (over {limits.max_bytes // (1024 * 1024)} MB).")
                    chunks.append(chunk)
    except httpx.HTTPError:
        raise ImageError("The picture could not be downloaded.") from None
    return b"".join(chunks)
