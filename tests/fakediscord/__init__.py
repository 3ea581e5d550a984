"""A local Discord-compatible server for end-to-end tests of the bot through the real discord.py client."""

from .server import Attachment, ClientRefused, FakeDiscord, NotPermitted
from .state import Guild, Interaction, Member, RecordedRequest, User, message_text, shard_of

__all__ = [
    "Attachment",
    "ClientRefused",
    "FakeDiscord",
    "Guild",
    "Interaction",
    "Member",
    "NotPermitted",
    "RecordedRequest",
    "User",
    "message_text",
    "shard_of",
]
