"""Escaping, capping and cutting untrusted text: no mention survives, no markdown leaks, limits hold, linear time."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.chat.highlight import highlight
from bot.chat.safety import QUOTE_MAX, check_quote, clean, cut, escape, quote_block, safe, safe_url

# Token grammar (security.md: plain st.text() misses escape-then-NFKC bugs that tokens find at once).
TOKENS = st.sampled_from([
    "@everyone", "@here", "<@123>", "<@!123>", "<@&456>", "</verify:1>", "<t:0:R>", "＠ｅｖｅｒｙｏｎｅ", "﹫here",
    "＜@&456＞", "`", "```", "||x||", "# h", "-# x", "> q", "[https://discord.com](https://evil)", "\\", "*", "_",
    "~~", "\u200b", "\u202e", "\ufeff", "\x00", "\r\n", "\u00a0", "ﬁ", "ﷺ", "e\u0301", "word", " ", "\n",
])
UNTRUSTED = st.lists(TOKENS, max_size=40).map("".join) | st.text(max_size=300)


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.S)


def live_mentions(rendered: str) -> list[str]:
    """Mentions Discord would parse in rendered text: an unescaped @ or <@ sequence."""
    found = []
    for m in re.finditer(r"(?<!\\)(@everyone|@here|<@[!&]?\d+>)", rendered):
        # An odd run of backslashes before it means the first character is escaped.
        start = m.start()
        run = len(rendered[:start]) - len(rendered[:start].rstrip("\\"))
        if run % 2 == 0:
            found.append(m.group(0))
    return found


@given(UNTRUSTED, st.integers(min_value=1, max_value=500))
@example("＠ｅｖｅｒｙｏｎｅ", 50)
@example("a\\" * 10, 7)
@settings(max_examples=300, deadline=None)
def test_safe_text_has_no_live_mentions_and_fits(text, limit):
    rendered = safe(text, limit)
    assert len(rendered) <= limit
    assert live_mentions(rendered) == []
    trailing = len(rendered) - len(rendered.rstrip("\\"))
    assert trailing % 2 == 0  # never a dangling backslash that would escape what follows


@given(UNTRUSTED)
@settings(max_examples=200, deadline=None)
def test_escaping_is_reversible_for_text_that_fits(text):
    cleaned = clean(text)
    assert unescape(escape(cleaned)) == cleaned


def test_nfkc_runs_before_escaping():
    assert safe("＠ｅｖｅｒｙｏｎｅ", 100) == "\\@everyone"
    assert safe("＜@&456＞", 100) == "\\<\\@&456\\>"


def test_invisible_and_bidi_characters_are_dropped():
    assert clean("a\u200bb\u202ec\ufeffd\x00e") == "abcde"
    assert clean("line\r\nnext") == "line\nnext"


def test_markdown_is_inert():
    rendered = safe("**bold** `code` ||spoiler|| [a](https://evil) # h > q", 200)
    assert "**" not in rendered.replace("\\*", "")
    assert "`" not in rendered.replace("\\`", "")
    assert "](" not in rendered.replace("\\]\\(", "")


def test_cut_keeps_escape_pairs_whole():
    escaped = escape("a" * 5 + "*" * 10)
    for limit in range(1, len(escaped)):
        out = cut(escaped, limit)
        assert len(out) <= limit
        body = out.rstrip("…")
        assert (len(body) - len(body.rstrip("\\"))) % 2 == 0


def test_quote_block_prefixes_every_line():
    block = quote_block("one\ntwo", 100)
    assert block == "> one\n> two"


def test_check_quote_bounds():
    assert check_quote("x" * QUOTE_MAX) is None
    assert "1000" in check_quote("x" * (QUOTE_MAX + 1))
    assert check_quote("   ") and check_quote("\u200b\u200b")
    assert check_quote("fine") is None


def test_safe_url_accepts_plain_links_only():
    assert safe_url("https://example.org/a?b=c") == "https://example.org/a?b=c"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://evil)[x](https://a") is None
    assert safe_url("https://a b") is None


def test_crafted_markdown_input_is_escaped_in_one_pass():
    # Linear: the output of a 6,000-character crafted input is proportional to it (discord.py's escaper is
    # superlinear on exactly this input); a regex with catastrophic backtracking would never return here.
    crafted = "[" * 3000 + "](" * 1500
    rendered = escape(crafted)
    assert len(rendered) == 2 * len(crafted)
    assert len(safe(crafted, 4000)) <= 4000


def test_full_width_compatibility_forms_become_plain_then_escaped():
    assert unicodedata.normalize("NFKC", "ﬁ") == "fi"
    assert safe("ﬁne", 10) == "fine"


@given(st.text(max_size=200), st.lists(st.text(min_size=1, max_size=10), max_size=5), st.integers(5, 300))
@settings(max_examples=200, deadline=None)
def test_highlight_is_within_limit_and_balanced(text, phrases, limit):
    out = highlight(text, phrases, limit)
    assert len(out) <= limit
    assert out.count("**__") == out.count("__**")
    assert live_mentions(out) == []


def test_highlight_marks_the_differing_words():
    out = highlight("The tone was excellent", ["excellent"], 100)
    assert out == "The tone was **__excellent__**"
    assert highlight("a b a", ["a", "a"], 100) == "**__a__** b **__a__**"


def test_ids_are_code_only_when_plain():
    from bot.chat.safety import id_code, id_plain

    assert id_code("d55c943594a29604") == "`d55c943594a29604`"
    assert id_code("a`b @everyone") == "a\\`b \\@everyone"
    assert len(id_plain("x" * 300)) <= 64


@given(st.text() | st.text(st.characters(codec=None, categories=["Cs", "Cc", "Ll"])))
@example("a\ud800b\x00c\udfff")
@settings(max_examples=300, deadline=None)
def test_storable_text_passes_the_stores_check(text):
    from bot.chat.safety import storable
    from bot.store.validation import check_text

    kept = storable(text)
    check_text(kept, "quote")  # raises for anything the database cannot hold
    assert len(kept) <= len(text)
    assert storable(kept) == kept
