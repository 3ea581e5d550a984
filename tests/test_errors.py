"""One base for the project's errors, with the sentence a user may see on it."""

from __future__ import annotations

import importlib
import pkgutil

import bot
from bot.core.errors import QuotecheckError
from bot.core.model import CorpusFormatError
from bot.service import QuoteError
from bot.store.records import ConflictError, NotFoundError, SharedCorpusError, StoreUnavailableError


def _project_errors() -> list[type[BaseException]]:
    found = []
    for module in pkgutil.walk_packages(bot.__path__, "bot."):
        if ".migrations" in module.name or module.name == "bot.__main__":
            continue
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if isinstance(value, type) and issubclass(value, Exception) and value.__module__ == module.name:
                found.append(value)
    return found


def test_every_error_the_project_defines_derives_from_one_base() -> None:
    errors = _project_errors()
    assert len(errors) >= 15
    # discord.py's check failures are raised by its own machinery and answered in bot/chat/errors.py.
    outside = [e.__qualname__ for e in errors if not issubclass(e, QuotecheckError) and e.__name__ not in {"NotModerator", "NotOwner"}]
    assert outside == []


def test_the_shared_corpus_refusal_is_not_an_os_error() -> None:
    assert not issubclass(SharedCorpusError, OSError)
    assert "owner" in (SharedCorpusError("statement s1 belongs to the shared corpus").user_message or "")


def test_user_messages_say_what_to_do_and_internal_errors_have_none() -> None:
    from bot.store.database import StoreError

    assert "Run the command again" in (ConflictError("x").user_message or "")
    assert NotFoundError("no statement s1").user_message == "There is no such statement in this server's corpus."
    assert "nothing was changed" in (StoreUnavailableError("down").user_message or "")
    assert "nothing was changed" not in (StoreUnavailableError("down", changing=False).user_message or "")
    assert QuoteError("the quote is empty").user_message == "the quote is empty"
    assert CorpusFormatError("").user_message == "That input cannot be used."
    assert StoreError("bad URL").user_message is None
