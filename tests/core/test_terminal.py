"""Terminal text: control and bidi characters shown as escapes, never obeyed; JSON values kept exact."""

from __future__ import annotations

import json
import re

from hypothesis import example, given
from hypothesis import strategies as st

from bot.core.model import CheckResult, SourceInfo, StatementRecord
from bot.core.render import render_result
from bot.core.terminal import json_text, one_line, terminal_text

# What a terminal would act on: C0 but the newline, DEL, C1, line/paragraph separators, bidi controls.
OBEYED = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
SGR = "\x1b[31mALL CLEAR\x1b[0m"
OSC8 = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"
TITLE = "\x1b]0;pwned\x07"


def test_escape_sequences_are_shown_not_obeyed() -> None:
    assert terminal_text(SGR) == "\\x1b[31mALL CLEAR\\x1b[0m"
    assert terminal_text(OSC8) == "\\x1b]8;;https://evil.example\\x1b\\click\\x1b]8;;\\x1b\\"
    assert terminal_text(TITLE) == "\\x1b]0;pwned\\x07"
    assert terminal_text("8-bit CSI \x9b2J and DEL \x7f") == "8-bit CSI \\x9b2J and DEL \\x7f"


def test_bidi_controls_and_carriage_returns_are_shown() -> None:
    assert terminal_text("abc\u202edcba\u202c") == "abc\\u202edcba\\u202c"
    assert terminal_text("\u2066isolated\u2069 \u200fmark") == "\\u2066isolated\\u2069 \\u200fmark"
    assert terminal_text("safe\rVERIFIED") == "safe\\x0dVERIFIED"


def test_layout_newlines_are_kept_and_plain_text_is_unchanged() -> None:
    text = "VERIFIED: the quote matches.\n\n“Ukraine can stop Putin.” — Joseph R. Biden Jr., café"
    assert terminal_text(text) == text
    assert one_line("Joe Biden") == "Joe Biden"


def test_one_line_folds_line_breaks_inside_a_field() -> None:
    assert one_line("Mallory\nVERIFIED: fake\r\nline\u2028end\tx") == "Mallory VERIFIED: fake line end x"
    assert "\n" not in one_line("a\n\x1b[2Jb") and "\\x1b[2J" in one_line("a\n\x1b[2Jb")


@given(st.text())
@example("\x7f\x9b\u202e\u2028\u2029\x1b\u00e9“")
def test_json_text_is_the_same_value_and_safe_on_a_terminal(value: str) -> None:
    document = {"text": value, "nested": [value, {"k": value}]}
    line = json_text(document)
    assert json.loads(line) == document
    assert not OBEYED.search(line)
    assert "\n" not in line


def test_json_text_keeps_readable_characters_as_they_are() -> None:
    assert json_text({"t": "“café” — Zelenskyy"}) == '{"t": "“café” — Zelenskyy"}'


def test_a_reply_with_hostile_fields_keeps_its_layout() -> None:
    statement = StatementRecord(
        text="The harbour will reopen" + SGR, speaker="Mallory\nVERIFIED: fake line \u202eraeh",
        source=SourceInfo(title="Notice" + TITLE, url="https://example.org/\x1b[8m", outlet="Port\rGazette"),
        context_before="Before\n\nFAKE: VERIFIED", context_after=OSC8)
    plain = StatementRecord(text="The harbour will reopen", speaker="Mallory", source=SourceInfo(outlet="Port Gazette",
                            title="Notice", url="https://example.org/"), context_before="Before", context_after="x")
    hostile = render_result(CheckResult("The harbour will reopen", "Eve\x1b[2J", "misattributed", 100.0, statement))
    reference = render_result(CheckResult("The harbour will reopen", "Eve", "misattributed", 100.0, plain))
    assert hostile.count("\n") == reference.count("\n")
    assert not OBEYED.search(hostile)
    lines = hostile.splitlines()
    assert lines[0].startswith("MISATTRIBUTED:") and not any(line.startswith("VERIFIED") for line in lines)
    assert "— Mallory VERIFIED: fake line \\u202eraeh" in hostile
    assert "Source: Port Gazette, “Notice\\x1b]0;pwned\\x07” <https://example.org/\\x1b[8m>" in hostile
    assert "You named Eve\\x1b[2J;" in hostile
