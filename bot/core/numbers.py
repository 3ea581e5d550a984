"""Numbers written in words or digits, reduced to one canonical value ("one thousand" == "1,000")."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import OSA

_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i >= 2}
_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_SCALES)
# Number words long enough that one slip still names them unambiguously ("fifth" is not "fifty").
_LONG_WORDS = tuple(sorted(w for w in NUMBER_WORDS if len(w) >= 6 or w in ("eight", "seven", "three")))


def is_number_key(key: str) -> bool:
    """True for a word key that is (part of) a number: digits or a number word."""
    return key[:1].isdigit() or key in NUMBER_WORDS


def _digits(key: str) -> float | None:
    try:
        return float(key)
    except ValueError:
        return None


def _misspelt(key: str) -> str | None:
    # "billoin", "triillion", "eigty": a number word with one slip, read as that word.
    if len(key) < 5 or key[:1].isdigit():
        return None
    for word in _LONG_WORDS:
        if abs(len(word) - len(key)) <= 1 and OSA.distance(key, word, score_cutoff=2) <= 1:
            return word
    return None


def _fix_typos(keys: Sequence[str]) -> list[str]:
    """Keys with misspelt number words corrected where they stand next to a number."""
    fixed = list(keys)
    for i, key in enumerate(keys):
        if is_number_key(key):
            continue
        near = (i > 0 and is_number_key(keys[i - 1])) or (i + 1 < len(keys) and is_number_key(keys[i + 1]))
        if near:
            word = _misspelt(key)
            if word is not None:
                fixed[i] = word
    return fixed


def number_spans(keys: Sequence[str]) -> list[tuple[int, int, str]]:
    """Runs of word keys that spell one number, as (start, end, canonical value).

    "one hundred and five" → "105"; "1.5 million" → "1500000"; "1000" → "1000". The value is a
    decimal string without trailing zeros so equal amounts compare equal as strings.
    """
    keys = _fix_typos(keys)
    spans: list[tuple[int, int, str]] = []
    i, n = 0, len(keys)
    while i < n:
        if not is_number_key(keys[i]):
            i += 1
            continue
        start = i
        total = 0.0
        current = 0.0
        seen = False
        while i < n:
            key = keys[i]
            value = _digits(key) if key[:1].isdigit() else None
            if value is not None:
                if seen:
                    break  # "5 6" are two numbers; "twenty 5" is not written
                current += value
            elif key in _UNITS or key in _TENS:
                small = _UNITS.get(key, _TENS.get(key, 0))
                rest = current % 100
                # "twenty five", "one hundred five", "two thousand three" add up; "five six" does not.
                if seen and current and not (rest == 0 or (rest >= 20 and rest % 10 == 0 and small < 10)):
                    break
                current += small
            elif key in _SCALES:
                if not seen:
                    break
                scale = _SCALES[key]
                if scale == 100:
                    current = (current or 1) * 100
                else:
                    total += (current or 1) * scale
                    current = 0.0
            elif key == "and" and ((current >= 100 and current % 100 == 0) or (not current and total)) and i + 1 < n and (keys[i + 1] in _UNITS or keys[i + 1] in _TENS):
                pass  # "one hundred and five"
            else:
                break
            seen = True
            i += 1
        if i == start:
            i += 1
            continue
        spans.append((start, i, _canonical(total + current)))
    return spans


def _canonical(value: float) -> str:
    if value == int(value):
        return str(int(value))
    return repr(value).rstrip("0").rstrip(".")
