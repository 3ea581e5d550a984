"""The one base of the errors the project raises on purpose, with the sentence a user may be shown.

Each error also keeps the built-in kind it had before (`CorpusFormatError` is a `ValueError`,
`NotFoundError` a `LookupError`...), so code catching those still works. `user_message` is written
by the project and says what the user can do; an error without one (None) is ours to fix: adapters
log it and show a generic sentence. Where a message may quote the user's own input
(`quotes_input`), adapters escape it before showing it.
"""

from __future__ import annotations

from typing import ClassVar


class QuotecheckError(Exception):
    """Base of every error the project raises on purpose."""

    # The sentence for a user; None: an internal failure, not theirs to act on.
    user_text: ClassVar[str | None] = None
    # Whether the message quotes what the user typed or uploaded.
    quotes_input: ClassVar[bool] = False

    @property
    def user_message(self) -> str | None:
        """What a user may be shown about this error, or None when it is not theirs to act on."""
        if self.quotes_input:
            return str(self) or "That input cannot be used."
        return self.user_text
