"""The bulk paths of a cold start give exactly what the one-by-one paths give: the same keys, the
same postings and term ids, the same matcher columns and verdicts."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bot.core.index as index_module
from bot.core.columns import IndexColumns
from bot.core.index import TermIndex
from bot.core.matcher import Matcher
from bot.core.model import SourceInfo, StatementRecord
from bot.core.normalize import match_text, match_texts

# Plain ASCII with the characters the byte path treats specially: digits next to letters, decimal
# marks, apostrophes and backticks, underscores, control spaces.
ASCII_TRICKY = st.text(alphabet=string.ascii_letters + string.digits + " .,'`_-\t\n\"$%", max_size=60)
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
TYPOGRAPHIC = st.text(alphabet=string.ascii_letters + "1 .,'\u2019\u201c\u201d\u2014\u2013\u2026\u00a0é", max_size=40)


@given(st.lists(st.one_of(ASCII_TRICKY, ANY_TEXT, TYPOGRAPHIC), max_size=40))
@settings(max_examples=300)
def test_bulk_keys_equal_one_by_one_keys(texts: list[str]) -> None:
    assert match_texts(texts) == [match_text(t) for t in texts]


def test_bulk_keys_of_numbers_and_contractions() -> None:
    texts = ["It cost $1,000,000 in 1990.", "the 12th man", "3.'5 and 3.5", "don't `quote` me", "", "   ", "a_b  c\td", "Café — “fine”"]
    assert match_texts(texts) == [match_text(t) for t in texts]
    assert match_texts(texts)[0] == "it cost 1000000 in 1990"


# Texts that take every path of the normaliser, several of them inside one bulk step or across two.
AWKWARD = [
    "a\x00b c", "\x00", "Сергей сказал «нет»", "ﬁnal ﬂight", "１,０００ people", "cafe\u0301 au lait", "\u202eevil\u202c text",
    "zero\u200bwidth\u200djoin", "½ of 3.5 and 1,5", "the 12th, 3rd and 1,000,000th", "İstanbul ß ς", "٣ apples", "😀 emoji",
    "don’t `quote` me’", "  \t\n ", "", "A.B.C. 1.2.3", "1.000,5 €", "…and then [...] she said", "\u00a0non\u00a0breaking",
    "Ｆｕｌｌｗｉｄｔｈ ＴＥＸＴ", "ǅ title case", "I\u0307 dotted", "a'b'c ''quoted''", "2nd-3rd 4th_5th", "Ⅻ roman", "x²+y³",
]


@pytest.mark.parametrize("step", [3, 16384])
def test_bulk_keys_of_awkward_texts(step: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.core.normalize as normalize_module

    monkeypatch.setattr(normalize_module, "_BULK_STEP", step)
    texts = [*AWKWARD, *reversed(AWKWARD)]
    assert match_texts(texts) == [match_text(t) for t in texts]


def _state(index: TermIndex) -> tuple[list[str], list[int], list[list[int]]]:
    vocab = list(index.state()["vocab"])  # type: ignore[arg-type]
    return vocab, [index.df(t) for t in vocab], [index.postings(t).tolist() for t in vocab]


@given(st.lists(ASCII_TRICKY, max_size=30), st.booleans())
@settings(max_examples=100)
def test_index_built_in_slices_numbers_words_by_first_appearance(texts: list[str], large_vocabulary: bool) -> None:
    keyed = [match_text(t) for t in texts]
    sliced = TermIndex()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "_SLICE", 3)  # several slices even for a few documents
        if large_vocabulary:
            patch.setattr(index_module, "_SMALL_VOCAB", 0)  # the 64-bit pairs of a vocabulary too large for 32
        sliced.add_many(list(range(len(keyed))), keyed)
    # What the index must hold, written out plainly.
    vocab = list(dict.fromkeys(w for text in keyed for w in text.split()))
    postings = [[doc for doc, text in enumerate(keyed) if word in text.split()] for word in vocab]
    assert _state(sliced) == (vocab, [len(p) for p in postings], postings)
    assert sliced.state()["postings"].tolist() == [doc for p in postings for doc in p]  # type: ignore[attr-defined]


# Words of every size around the 8- and 16-byte lanes of the vectorised numbering, sharing long
# prefixes, with letters of several bytes in UTF-8.
WORDS = st.text(alphabet="abé\u4e2d\U0001f600", min_size=1, max_size=3).map(lambda w: w * 6 if len(w) == 3 else w) | st.sampled_from(
    ["a" * n for n in (1, 7, 8, 9, 15, 16, 17, 24, 40)] + ["a" * 16 + "b", "a" * 16 + "c", "peace", "talks"]
)


@given(st.lists(st.lists(WORDS, max_size=8), max_size=20), st.lists(WORDS, max_size=5), st.sampled_from(["", "\t", "\x1c", "\u2003", "  "]))
@settings(max_examples=150)
def test_vectorised_numbering_equals_the_dictionary(docs: list[list[str]], known: list[str], odd_space: str) -> None:
    texts = [" ".join(d) for d in docs]
    if odd_space and texts:
        texts[0] = texts[0].replace(" ", odd_space)  # whitespace other than single spaces: the dictionary path
    index = TermIndex()
    if known:
        index.add(0, known)  # words known before the bulk build keep their ids
    first = 1 if known else 0
    before = index.terms()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "_SLICE", 4)
        index.add_many(list(range(first, first + len(texts))), texts)
    vocab = list(dict.fromkeys([*before, *(w for text in texts for w in text.split())]))
    split = {first + k: set(text.split()) for k, text in enumerate(texts)}
    if known:
        split[0] = set(known)
    assert list(index.state()["vocab"]) == vocab  # type: ignore[call-overload]
    for word in vocab:
        assert index.postings(word).tolist() == sorted(doc for doc, held in split.items() if word in held)


def test_vectorised_numbering_of_a_large_vocabulary() -> None:
    # Thousands of distinct words: the table grows several times and probes past taken slots.
    words = [f"w{k:x}" * (1 + k % 5) for k in range(5000)]
    texts = [" ".join(words[(7 * d + j * 13) % len(words)] for j in range(1 + d % 9)) for d in range(3000)]
    index = TermIndex()
    index.add_many(list(range(len(texts))), texts)
    vocab = list(dict.fromkeys(w for text in texts for w in text.split()))
    assert index.terms() == vocab
    for word in vocab[::97]:
        assert index.postings(word).tolist() == [d for d, text in enumerate(texts) if word in text.split()]


@given(st.lists(st.integers(-1, 4), max_size=25), st.lists(st.lists(WORDS, max_size=5), min_size=5, max_size=5), st.booleans())
@settings(max_examples=100)
def test_grouped_documents_index_as_their_texts(groups: list[int], texts: list[list[str]], built: bool) -> None:
    # Statements sharing a source title: each distinct title numbered once, the same index as one text each.
    keyed = [" ".join(t) for t in texts]
    grouped, plain = TermIndex(), TermIndex()
    first = 0
    if built:
        for index in (grouped, plain):
            index.add_many([0, 1], ["peace talks", "aaaaaaaaaaaaaaaaaaaa talks"])
        first = 2
    docs = list(range(first, first + len(groups)))
    grouped.add_grouped(docs, groups, keyed)
    plain.add_many(docs, [keyed[g] if g >= 0 else "" for g in groups])
    assert _state(grouped) == _state(plain)
    assert grouped.documents == plain.documents


def test_index_add_many_onto_a_built_index_merges() -> None:
    index = TermIndex()
    index.add_many([0, 1], ["peace talks resume", "talks stall"])
    index.add(2, ["peace", "again"])
    index.add_many([3, 4], ["peace at last", "no talks"])
    assert index.postings("peace").tolist() == [0, 2, 3]
    assert index.postings("talks").tolist() == [0, 1, 4]
    assert index.df("again") == 1 and index.documents == 5


SPEAKERS = ["Ada Harbour", None, "Bo Ferry", "Ada Harbour", "", "Cy Tram", "Bo Ferry"]


def _records() -> list[StatementRecord]:
    source = SourceInfo(title="Council minutes", kind="transcript", date="2026-01-05")
    speech = SourceInfo(title="Address", kind="speech", date="2025-03")
    texts = [
        "The harbour bridge will carry trams again from the first of March",
        "Ferries stop at midnight on weekdays and at two on weekends",
        "We will not raise the fares this year, not by a single cent",
        "The 12th tram line opens in 2027 at a cost of $3.5 million",
        "Nobody asked for a second bridge",
        "The harbour bridge will carry trams again from the first of March",
        "Weekend ferries are the city’s pride — and its cost",
    ]
    return [
        StatementRecord(text=t, speaker=SPEAKERS[k], source=speech if k % 3 == 0 else source, date="2024-02-01" if k == 2 else None,
                        id=f"s{k}", guild_id=7 if k == 4 else None, position=k)
        for k, t in enumerate(texts)
    ]


def _columns(records: list[StatementRecord]) -> IndexColumns:
    return IndexColumns(
        ids=[r.id or "" for r in records],
        texts=[r.text for r in records],
        speakers=[r.speaker for r in records],
        dates=[r.effective_date for r in records],
        kinds=[r.source.kind for r in records],
        guilds=[r.guild_id for r in records],
    )


def test_columns_build_the_same_matcher_as_records() -> None:
    records = _records()
    by_id = {r.id: r for r in records}

    def fetch(ids: object) -> dict[str, StatementRecord]:
        return {i: by_id[i] for i in ids if i in by_id}  # type: ignore[attr-defined]

    from_records = Matcher(fetch=fetch)
    for record in records:
        from_records.add(record)  # the one-at-a-time path
    from_columns = Matcher(fetch=fetch)
    from_columns.add_columns(_columns(records))
    for name in ("_ids", "_texts", "_alive", "_guild", "_date", "_speaker", "_kind", "_speaker_names", "_pos"):
        assert getattr(from_columns, name) == getattr(from_records, name), name
    assert {g: dict(c) for g, c in from_columns._speaker_counts.items()} == {g: dict(c) for g, c in from_records._speaker_counts.items()}
    assert {s: a.tolist() for s, a in from_columns._by_speaker.items()} == {s: a.tolist() for s, a in from_records._by_speaker.items()}
    for quote, speaker in [("carry trams again from the first of March", "Ada Harbour"), ("not raise the fares", "Bo Ferry"),
                           ("the 12th tram line opens in 2027", None), ("ferries are the city's pride", "Cy Tram")]:
        a, b = from_columns.check(quote, speaker), from_records.check(quote, speaker)
        assert (a.verdict, a.match and a.match.id, a.score) == (b.verdict, b.match and b.match.id, b.score)
    assert from_columns.speakers("b") == from_records.speakers("b")
    assert from_columns.speakers("b")[0] == "Bo Ferry"


def test_columns_need_a_fetch_and_a_repeated_id_keeps_the_last() -> None:
    with pytest.raises(ValueError):
        Matcher().add_columns(_columns(_records()))
    records = _records()
    again = [*records, StatementRecord(text="A replacement for the first", speaker="Ada Harbour", source=records[0].source, id="s0")]
    matcher = Matcher(fetch=lambda ids: {})
    matcher.add_columns(_columns(again))
    assert len(matcher) == len(records)
    assert matcher._texts[matcher._pos["s0"]] == "a replacement for the first"
