"""The pg_trgm backend's word ranking, done in Python over the rows PostgreSQL found."""

from __future__ import annotations

from bot.store.trigram import rank_by_words

RARE = [("harbour", 5.0), ("trams", 3.0), ("war", 1.0)]


def test_rows_holding_more_weight_come_first() -> None:
    rows = [
        ("a", "the war is over"),
        ("b", "trams cross the harbour bridge"),
        ("c", "the harbour is quiet"),
        ("d", "trams and war"),
    ]
    assert [sid for sid, _ in rank_by_words(rows, RARE, 10)] == ["b", "c", "d", "a"]


def test_only_whole_words_count() -> None:
    rows = [("part", "a warm harbourside award"), ("whole", "war"), ("edge", "harbour war")]
    ranked = dict(rank_by_words(rows, RARE, 10))
    assert list(ranked) == ["edge", "whole", "part"]


def test_equal_weights_keep_the_order_they_came_in_and_the_limit_holds() -> None:
    rows = [(str(k), f"statement {k} about the harbour") for k in range(50)]
    ranked = rank_by_words(rows, RARE, 5)
    assert ranked == rows[:5]
    assert rank_by_words([], RARE, 5) == []
