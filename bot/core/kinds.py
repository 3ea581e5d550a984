"""How a source's kind is shown. A kind is an open short label (`post`, `press release`, `podcast`):
the common ones get their own look, any other is shown as written."""

from __future__ import annotations

# kind → (icon, label). Articles and statement lists are the usual case and say nothing extra.
KNOWN_KINDS: dict[str, tuple[str, str]] = {
    "article": ("📰", "Article"),
    "statements": ("🗂️", "Statement list"),
    "speech": ("🎤", "Speech"),
    "transcript": ("📜", "Transcript"),
    "post": ("💬", "Post"),
    "interview": ("🎙️", "Interview"),
    "press release": ("📣", "Press release"),
    "book": ("📖", "Book"),
    "letter": ("✉️", "Letter"),
    "video": ("🎬", "Video"),
    "quotation": ("❝", "Quotation"),
}
QUIET_KINDS = frozenset({"article", "statements"})


def kind_label(kind: str | None) -> str:
    """'Press release' for a known kind, the kind as written for any other ('' for none)."""
    if not kind:
        return ""
    known = KNOWN_KINDS.get(kind.lower())
    return known[1] if known else kind


def kind_badge(kind: str | None) -> str:
    """The label with its icon for a known kind ('🎤 Speech'), the kind as written for any other."""
    if not kind:
        return ""
    known = KNOWN_KINDS.get(kind.lower())
    return f"{known[0]} {known[1]}" if known else kind


def worth_showing(kind: str | None) -> bool:
    """Whether a reply names the kind: not for the usual articles and statement lists."""
    return bool(kind) and kind.lower() not in QUIET_KINDS  # type: ignore[union-attr]
