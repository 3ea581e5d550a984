"""Speaker names: canonical forms without titles, and whether two names mean the same person."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Titles and roles that precede a name in news copy ("Russian President Vladimir Putin").
TITLE_WORDS = frozenset(
    """
    president vice prime minister secretary senator sen rep representative governor gov mayor
    chancellor king queen prince princess pope rev reverend dr doctor mr mrs ms miss sir dame lord lady
    gen general col colonel lt capt captain adm admiral sgt judge justice chief chairman chairwoman chair
    speaker leader ceo founder director spokesman spokeswoman spokesperson ambassador commissioner
    attorney former foreign defense defence state press deputy acting first lady gentleman madam
    the house senate white kremlin russian ukrainian american u.s. us european commission
    """.split()
)

_PUNCT = re.compile(r"[^\w\s'-]")


def fold(name: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name, for comparisons only."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_PUNCT.sub(" ", stripped.casefold()).replace("’", "'").split())


def strip_titles(name: str) -> str:
    """'Russian President Vladimir Putin' → 'Vladimir Putin'; a name made only of titles is kept."""
    words = name.split()
    start = 0
    while start < len(words) - 1 and fold(words[start]).replace(".", "") in TITLE_WORDS | {"u s"}:
        start += 1
    return " ".join(words[start:])


def name_tokens(name: str) -> list[str]:
    return fold(strip_titles(name)).split()


def same_person(given: str, actual: str, aliases: Iterable[str] = ()) -> bool:
    """True when `given` names the speaker `actual` (or one of its aliases).

    Case, titles and accents never matter. A lone surname matches the full name ("Putin" names
    "Vladimir Putin"); a full name with a different first name does not ("Melania Trump" is not
    "Donald Trump").
    """
    given_tokens = name_tokens(given)
    if not given_tokens:
        return False
    for candidate in (actual, *aliases):
        tokens = name_tokens(candidate)
        if not tokens:
            continue
        if given_tokens == tokens:
            return True
        if len(given_tokens) == 1 and given_tokens[0] == tokens[-1]:
            return True
        if len(tokens) == 1 and tokens[0] == given_tokens[-1]:
            return True
        if given_tokens[-1] == tokens[-1] and _first_names_compatible(given_tokens[:-1], tokens[:-1]):
            return True
    return False


def _first_names_compatible(given: list[str], actual: list[str]) -> bool:
    """'Donald J' ~ 'Donald'; 'J' ~ 'Joe'; 'Melania' !~ 'Donald'."""
    if not given or not actual:
        return True
    first_given, first_actual = given[0].rstrip("."), actual[0].rstrip(".")
    if len(first_given) == 1 or len(first_actual) == 1:
        return first_given[0] == first_actual[0]
    return first_given == first_actual
