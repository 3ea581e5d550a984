"""Sentence vectors of statements from their words' kept tokens equal those of the whole text."""

from __future__ import annotations

import numpy as np

from bot.core.embedding import SentenceEmbedder
from bot.core.normalize import match_text


def test_vectors_from_kept_word_tokens_equal_whole_text_vectors() -> None:
    texts = [
        match_text("Russia wants a peaceful settlement in Ukraine, the minister said on Tuesday."),
        match_text("Unbelievably, counterrevolutionaries weren't anticipated: 1,250,000 voters"),
        "",
        " leading space",
        "two  spaces",
        "trailing ",
        "ünïcödé wörds and 中文 text",
    ]
    embedder = SentenceEmbedder()
    whole = embedder.embed(texts)
    assert np.array_equal(embedder.embed_words(texts), whole)
    assert np.array_equal(embedder.embed_words(texts[::-1]), whole[::-1])  # words kept from the first call
    assert not whole[2].any()
