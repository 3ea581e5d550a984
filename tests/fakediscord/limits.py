"""Discord's payload limits (discord-protocol.md section 4), checked the way the real API checks them.

Each checker returns a list of human-readable problems; an empty list means Discord would accept the
payload. The server turns a non-empty list into a 400 with code 50035 ("Invalid Form Body").
"""

from __future__ import annotations

import re
from typing import Any

CONTENT_MAX = 2000
EMBEDS_MAX = 10
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
ACTION_ROWS_MAX = 5
ROW_WIDTH_MAX = 5
BUTTON_LABEL_MAX = 80
CUSTOM_ID_MAX = 100
SELECT_OPTIONS_MAX = 25
MENTION_IDS_MAX = 100
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_VALUE_MAX = 4000
TEXT_INPUT_LABEL_MAX = 45
PLACEHOLDER_MAX = 100
COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
COMMAND_DESCRIPTION_MAX = 100
COMMAND_OPTIONS_MAX = 25
COMMAND_TOTAL_MAX = 8000


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def check_embed(embed: dict[str, Any], where: str) -> tuple[list[str], int]:
    """Problems in one embed, and the characters it counts towards the 6000 total."""
    problems: list[str] = []
    total = 0
    title = embed.get("title")
    if _length(title) > TITLE_MAX:
        problems.append(f"{where}.title longer than {TITLE_MAX}")
    total += _length(title)
    description = embed.get("description")
    if _length(description) > DESCRIPTION_MAX:
        problems.append(f"{where}.description longer than {DESCRIPTION_MAX}")
    total += _length(description)
    fields = embed.get("fields") or []
    if len(fields) > FIELDS_MAX:
        problems.append(f"{where}.fields more than {FIELDS_MAX}")
    for i, field in enumerate(fields):
        name, value = field.get("name"), field.get("value")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}.fields[{i}].name required")
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}.fields[{i}].value required")
        if _length(name) > FIELD_NAME_MAX:
            problems.append(f"{where}.fields[{i}].name longer than {FIELD_NAME_MAX}")
        if _length(value) > FIELD_VALUE_MAX:
            problems.append(f"{where}.fields[{i}].value longer than {FIELD_VALUE_MAX}")
        total += _length(name) + _length(value)
    footer = (embed.get("footer") or {}).get("text")
    if _length(footer) > FOOTER_MAX:
        problems.append(f"{where}.footer.text longer than {FOOTER_MAX}")
    total += _length(footer)
    author = (embed.get("author") or {}).get("name")
    if _length(author) > AUTHOR_MAX:
        problems.append(f"{where}.author.name longer than {AUTHOR_MAX}")
    total += _length(author)
    return problems, total


def check_components(components: list[dict[str, Any]], where: str = "components") -> list[str]:
    """Legacy action rows: at most 5 rows of 5, labels and custom ids within bounds."""
    problems: list[str] = []
    if len(components) > ACTION_ROWS_MAX:
        problems.append(f"{where}: more than {ACTION_ROWS_MAX} action rows")
    for r, row in enumerate(components):
        children = row.get("components") or []
        if row.get("type") != 1:
            problems.append(f"{where}[{r}]: not an action row")
        if not children or len(children) > ROW_WIDTH_MAX:
            problems.append(f"{where}[{r}]: 1 to {ROW_WIDTH_MAX} components per row")
        for c, child in enumerate(children):
            at = f"{where}[{r}].components[{c}]"
            if _length(child.get("label")) > BUTTON_LABEL_MAX:
                problems.append(f"{at}.label longer than {BUTTON_LABEL_MAX}")
            custom_id = child.get("custom_id")
            if child.get("style") != 5 and not (isinstance(custom_id, str) and 1 <= len(custom_id) <= CUSTOM_ID_MAX):
                problems.append(f"{at}.custom_id must be 1-{CUSTOM_ID_MAX} characters")
            if len(child.get("options") or []) > SELECT_OPTIONS_MAX:
                problems.append(f"{at}.options more than {SELECT_OPTIONS_MAX}")
    return problems


def check_allowed_mentions(allowed: Any) -> list[str]:
    if allowed is None:
        return []
    problems: list[str] = []
    parse = allowed.get("parse", [])
    if any(p not in ("users", "roles", "everyone") for p in parse):
        problems.append("allowed_mentions.parse has an unknown type")
    for key in ("users", "roles"):
        ids = allowed.get(key) or []
        if len(ids) > MENTION_IDS_MAX:
            problems.append(f"allowed_mentions.{key} more than {MENTION_IDS_MAX}")
        if ids and key in parse:
            problems.append(f"allowed_mentions: {key} both parsed and listed")
    return problems


def check_message(payload: dict[str, Any], *, has_files: bool = False, partial: bool = False) -> list[str]:
    """A message create (or, with `partial`, edit) payload as Discord validates it."""
    problems: list[str] = []
    content = payload.get("content")
    if _length(content) > CONTENT_MAX:
        problems.append(f"content longer than {CONTENT_MAX} ({len(content)})")
    embeds = payload.get("embeds") or []
    if len(embeds) > EMBEDS_MAX:
        problems.append(f"more than {EMBEDS_MAX} embeds")
    total = 0
    for i, embed in enumerate(embeds):
        found, chars = check_embed(embed, f"embeds[{i}]")
        problems += found
        total += chars
    if total > EMBED_TOTAL_MAX:
        problems.append(f"embeds total {total} characters, more than {EMBED_TOTAL_MAX}")
    problems += check_components(payload.get("components") or [])
    problems += check_allowed_mentions(payload.get("allowed_mentions"))
    if not partial and not (content or embeds or payload.get("components") or has_files or payload.get("poll")):
        problems.append("cannot send an empty message")
    return problems


def check_choices(choices: list[dict[str, Any]]) -> list[str]:
    """An autocomplete answer (callback type 8)."""
    problems: list[str] = []
    if len(choices) > CHOICES_MAX:
        problems.append(f"more than {CHOICES_MAX} choices")
    for i, choice in enumerate(choices):
        name, value = choice.get("name"), choice.get("value")
        if not isinstance(name, str) or not 1 <= len(name) <= CHOICE_NAME_MAX:
            problems.append(f"choices[{i}].name must be 1-{CHOICE_NAME_MAX} characters")
        if isinstance(value, str) and len(value) > CHOICE_VALUE_MAX:
            problems.append(f"choices[{i}].value longer than {CHOICE_VALUE_MAX}")
    return problems


def _text_inputs(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for component in components:
        if component.get("type") == 1:
            found += _text_inputs(component.get("components") or [])
        elif component.get("type") == 18:
            found += _text_inputs([component["component"]])
        elif component.get("type") == 4:
            found.append(component)
    return found


def modal_inputs(modal: dict[str, Any]) -> list[dict[str, Any]]:
    """The text inputs of a modal, in order, wherever they are wrapped."""
    return _text_inputs(modal.get("components") or [])


def check_modal(modal: dict[str, Any]) -> list[str]:
    """A modal (callback type 9)."""
    problems: list[str] = []
    title = modal.get("title")
    if not isinstance(title, str) or not 1 <= len(title) <= MODAL_TITLE_MAX:
        problems.append(f"modal title must be 1-{MODAL_TITLE_MAX} characters")
    custom_id = modal.get("custom_id")
    if not isinstance(custom_id, str) or not 1 <= len(custom_id) <= CUSTOM_ID_MAX:
        problems.append(f"modal custom_id must be 1-{CUSTOM_ID_MAX} characters")
    components = modal.get("components") or []
    if not 1 <= len(components) <= MODAL_COMPONENTS_MAX:
        problems.append(f"modal must have 1-{MODAL_COMPONENTS_MAX} components")
    for i, text_input in enumerate(_text_inputs(components)):
        at = f"modal input {i}"
        if _length(text_input.get("value")) > TEXT_INPUT_VALUE_MAX:
            problems.append(f"{at} value longer than {TEXT_INPUT_VALUE_MAX}")
        if _length(text_input.get("label")) > TEXT_INPUT_LABEL_MAX:
            problems.append(f"{at} label longer than {TEXT_INPUT_LABEL_MAX}")
        if _length(text_input.get("placeholder")) > PLACEHOLDER_MAX:
            problems.append(f"{at} placeholder longer than {PLACEHOLDER_MAX}")
        for key in ("min_length", "max_length"):
            bound = text_input.get(key)
            if bound is not None and not 0 <= bound <= TEXT_INPUT_VALUE_MAX:
                problems.append(f"{at} {key} out of range")
    return problems


def _command_chars(command: dict[str, Any]) -> int:
    total = _length(command.get("name")) + _length(command.get("description"))
    for option in command.get("options") or []:
        total += _command_chars(option)
        for choice in option.get("choices") or []:
            total += _length(choice.get("name")) + _length(str(choice.get("value")))
    return total


def _check_options(options: list[dict[str, Any]], where: str) -> list[str]:
    problems: list[str] = []
    if len(options) > COMMAND_OPTIONS_MAX:
        problems.append(f"{where}: more than {COMMAND_OPTIONS_MAX} options")
    seen_optional = False
    for option in options:
        name = option.get("name", "")
        at = f"{where}.{name}"
        if not COMMAND_NAME.match(name) or name != name.lower():
            problems.append(f"{at}: invalid name")
        if not 1 <= _length(option.get("description")) <= COMMAND_DESCRIPTION_MAX:
            problems.append(f"{at}: description must be 1-{COMMAND_DESCRIPTION_MAX} characters")
        for key in ("min_length", "max_length"):
            bound = option.get(key)
            if bound is not None and not (0 if key == "min_length" else 1) <= bound <= 6000:
                problems.append(f"{at}: {key} out of range")
        if option.get("type") in (1, 2):
            problems += _check_options(option.get("options") or [], at)
        else:
            if option.get("required") and seen_optional:
                problems.append(f"{at}: required option after an optional one")
            seen_optional = seen_optional or not option.get("required")
    return problems


def check_commands(commands: list[dict[str, Any]]) -> list[str]:
    """A bulk overwrite of application commands."""
    problems: list[str] = []
    counts = {1: 0, 2: 0, 3: 0}
    for command in commands:
        kind = command.get("type", 1)
        counts[kind] = counts.get(kind, 0) + 1
        name = command.get("name", "")
        if kind == 1:
            if not COMMAND_NAME.match(name) or name != name.lower():
                problems.append(f"command {name!r}: invalid name")
            if not 1 <= _length(command.get("description")) <= COMMAND_DESCRIPTION_MAX:
                problems.append(f"command {name!r}: description must be 1-{COMMAND_DESCRIPTION_MAX} characters")
            problems += _check_options(command.get("options") or [], name)
        elif not 1 <= len(name) <= 32:
            problems.append(f"command {name!r}: name must be 1-32 characters")
        if _command_chars(command) > COMMAND_TOTAL_MAX:
            problems.append(f"command {name!r}: more than {COMMAND_TOTAL_MAX} characters")
    if counts[1] > 100 or counts[2] > 15 or counts[3] > 15:
        problems.append("too many commands")
    return problems


_MENTION = re.compile(r"@everyone|@here|<@!?(\d+)>|<@&(\d+)>")


def pings(content: str | None, allowed: dict[str, Any] | None, *, default_parse: tuple[str, ...]) -> list[str]:
    """The mentions in `content` that would notify someone, given `allowed_mentions` (or the default)."""
    if not content:
        return []
    if allowed is None:
        parse, users, roles = set(default_parse), set(), set()
    else:
        parse = set(allowed.get("parse", []))
        users = {str(u) for u in allowed.get("users") or []}
        roles = {str(r) for r in allowed.get("roles") or []}
    found: list[str] = []
    for match in _MENTION.finditer(content):
        text = match.group(0)
        if text.startswith("@"):
            if "everyone" in parse:
                found.append(text)
        elif match.group(1):
            if "users" in parse or match.group(1) in users:
                found.append(text)
        elif match.group(2):
            if "roles" in parse or match.group(2) in roles:
                found.append(text)
    return found
