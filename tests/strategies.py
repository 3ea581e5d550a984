"""Hostile input for tests: the bad-input list of security.md section 2, and Hypothesis strategies built
from its tokens (a token grammar finds escape-then-NFKC bugs that plain `st.text()` misses).

`bad_inputs()` names every listed input once; the strategies combine the same tokens with ordinary
words, real statement fragments and quotation structure, so normalisation, extraction, matching and
rendering all see them in the places they matter.
"""

from __future__ import annotations

from hypothesis import strategies as st

DEFAULT_GUILD = "123456789012345678"

# -- the list -------------------------------------------------------------------------------------------

MENTIONS = {
    "everyone": "@everyone",
    "here": "@here",
    "user": "<@80351110224678912>",
    "nick": "<@!80351110224678912>",
    "role": "<@&165511591545143296>",
    "slash": "</verify:1>",
    "timestamp": "<t:0:R>",
    "fullwidth everyone": "＠ｅｖｅｒｙｏｎｅ",
    "small here": "﹫here",
    "fullwidth role": "＜@&165511591545143296＞",
}
MARKDOWN = {
    "backtick": "`",
    "triple backtick": "```",
    "spoiler": "||x||",
    "heading": "# h",
    "subtext": "-# x",
    "block quote": "> q",
    "masked link": "[https://discord.com](https://evil.example)",
    "trailing backslash": "quote \\",
}
INVISIBLE = {
    "zwsp": "\u200b",
    "zwnj": "\u200c",
    "zwj": "\u200d",
    "word joiner": "\u2060",
    "bom": "\ufeff",
    "soft hyphen": "\u00ad",
    "rlo": "\u202e",
    "lri": "\u2066",
    "rli": "\u2067",
    "fsi": "\u2068",
    "pdi": "\u2069",
    "tags": "\U000e0041\U000e0042\U000e007f",
    "nul": "\x00",
    "crlf": "\r\n",
    "nbsp": "\u00a0",
}
LOOKALIKES = {
    "cyrillic e a": "Thе quick brоwn fоx sаid",
    "math bold": "𝐄𝐢𝐧𝐬𝐭𝐞𝐢𝐧",
    "smart quotes": "“quoted” ‘words’",
    "ligature": "ﬁnal ofﬁce",
    "superscript": "x² and ³",
    "sharp s": "Straße",
    "dotless i": "ıstanbul",
    "composed": "caf\u00e9",
    "decomposed": "cafe\u0301",
}
INJECTION = {
    "format": "{0.__class__}",
    "format mro": "{0.__class__.__mro__[1].__subclasses__}",
    "like percent": "%",
    "like underscore": "_",
    "like both": "%_%",
    "fts": 'quote* NEAR("a" "b") OR -x',
    "sql": "'; DROP TABLE statements; --",
}


def bad_inputs(guild_id: str = DEFAULT_GUILD) -> dict[str, str]:
    """Every input of security.md section 2 that is text, by name (mentions with the server's real id too)."""
    found: dict[str, str] = {}
    for group in (MENTIONS, MARKDOWN, INVISIBLE, LOOKALIKES, INJECTION):
        found.update(group)
    found.update(
        {
            "everyone role": f"<@&{guild_id}>",
            "fullwidth everyone role": f"＜@&{guild_id}＞",
            "mention mix": f"@everyone @here <@&{guild_id}> ＠ｅｖｅｒｙｏｎｅ ﹫here said it",
            "empty": "",
            "whitespace": " \t\n ",
            "invisible only": "\u200b\u200c\u200d\u2060\ufeff\u00ad",
            "crafted brackets": "[" * 3000 + "](" * 1500,
            "fdfa run": "\ufdfa" * 100,
            "combining flood": "a" + "\u0301" * 1200,
            "long word": "x" * 6000,
            # 926 characters that pass the 1,000 limit but are over 2,000 once NFKC-expanded and escaped.
            "escapes double": "*" * 900 + " said words " + "\ufdfa" * 14,
            "exactly max": ("word " * 200)[:1000],
            "max plus one": ("word " * 201)[:1001],
            "newline flood": "\n" * 1000,
            "nul inside": "The tone\x00 of the conversation",
            "lone surrogate": "broken \ud800 text",
        }
    )
    return found


def limited(inputs: dict[str, str], limit: int = 1000) -> dict[str, str]:
    """The inputs a Discord client can send in an option capped at `limit` characters."""
    return {name: text for name, text in inputs.items() if len(text) <= limit}


# -- the grammar ------------------------------------------------------------------------------------

HOSTILE_TOKENS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [
            *MENTIONS.values(),
            *MARKDOWN.values(),
            *INVISIBLE.values(),
            *INJECTION.values(),
            "＠", "﹫", "＜", "＞", "＆", "ﹰ", "\\", "*", "_", "~~", "|", ":", "<", ">", "@", "#", "-", "[", "]", "(", ")",
            "ﷺ", "ﬁ", "²", "ß", "ı", "е", "а", "\u0301", "\u0301" * 30, "\u2028", "\t", "\x0b", "\x1b[31m", "\x9b",
            "…", "...", "[...]", "—", "–", '"', "“", "”", "'", "’", "«", "»",
        ]
    )
)
WORDS: tuple[str, ...] = (
    "the", "tone", "and", "spirit", "of", "conversation", "were", "excellent", "we", "will", "not", "never",
    "peace", "Russia", "Ukraine", "said", "president", "Trump", "Putin", "100", "1,000", "3.5", "bridge",
)

hostile_token = st.sampled_from(HOSTILE_TOKENS)
word = st.sampled_from(WORDS)
space = st.sampled_from([" ", "  ", "\n", "\u00a0", "\u3000", ""])


def hostile_text(max_tokens: int = 40) -> st.SearchStrategy[str]:
    """Words, spaces and hostile tokens in any order."""
    part = st.one_of(hostile_token, word, space)
    return st.lists(part, max_size=max_tokens).map("".join)


def hostile_quote(statements: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    """A quote a hostile user might paste: hostile text, or a real statement with tokens spliced into it."""
    plain = hostile_text()
    if not statements:
        return plain

    @st.composite
    def spliced(draw: st.DrawFn) -> str:
        words = draw(st.sampled_from(statements)).split()
        for _ in range(draw(st.integers(0, 4))):
            at = draw(st.integers(0, len(words)))
            words.insert(at, draw(hostile_token))
        return " ".join(words)

    return st.one_of(plain, spliced())


@st.composite
def speaker_name(draw: st.DrawFn) -> str:
    """A speaker name: a real-looking one, a mention, or tokens."""
    return draw(
        st.one_of(
            st.sampled_from(["Donald Trump", "Vladimir Putin", "Dr. Jane Doe", "@everyone", "<@&1>", "Ｔｒｕｍｐ", "Trum\u200bp"]),
            hostile_text(6),
        )
    )


@st.composite
def hostile_article(draw: st.DrawFn) -> str:
    """A news article whose quotes, speakers and narration carry hostile tokens, in quotation structures
    the extractor looks for (`"…," Name said.`, `Name said: "…"`, split quotes)."""
    paragraphs = []
    for _ in range(draw(st.integers(1, 5))):
        inner = draw(hostile_text(20)).replace('"', "'") or "words"
        name = draw(speaker_name()).replace('"', "'")
        shape = draw(st.integers(0, 3))
        if shape == 0:
            paragraphs.append(f'"{inner}," {name} said.')
        elif shape == 1:
            paragraphs.append(f'{name} said: "{inner}"')
        elif shape == 2:
            paragraphs.append(f'"{inner}," said {name}, "and {draw(hostile_text(8))}."')
        else:
            paragraphs.append(draw(hostile_text(30)))
    return "\n\n".join(paragraphs)
