"""Related statements: post cleaning, sentence vectors and the hybrid ranking, on plain data."""

from __future__ import annotations

import numpy as np
import pytest

from bot.core.embedding import SentenceEmbedder
from bot.core.index import TermIndex
from bot.core.normalize import match_texts
from bot.core.posts import clean_post, split_joined
from bot.core.related import RelatedIndex, RelatedSettings
from tests.claims import CLAIMS

# Posts as they were published (CLEF 2020 CheckThat! claim retrieval, train split).
POST = (
    "Fact check: The U.S. Army is NOT contacting anyone regarding the draft. If you are receiving texts, "
    "phone calls or direct messages about a military draft, they are not official communications from "
    "the U.S. Army pic.twitter.com/3S32De8ekP — U.S. Army CGSC (@USACGSC) January 8, 2020"
)


def test_a_post_loses_links_handles_signature_date_and_emoji_but_keeps_its_words() -> None:
    cleaned = clean_post(POST)
    assert "pic.twitter.com" not in cleaned and "January 8, 2020" not in cleaned and "@" not in cleaned
    assert cleaned.startswith("Fact check: The U.S. Army is NOT contacting anyone")
    assert cleaned.endswith("U.S. Army CGSC")  # the signature's name stays: whose post it is
    assert clean_post("Soleimani caught on camera.#IranUsapic.twitter.com/TvRkHvlgby") == "Soleimani caught on camera. Iran Usa"
    assert clean_post("Bushfires everywhere 🔥🔥 #AustralianFires https://t.co/x1 via @NineNews") == (
        "Bushfires everywhere Australian Fires via Nine News"
    )


def test_joined_words_split_at_case_and_digit_changes() -> None:
    assert split_joined("AustralianFires") == "Australian Fires"
    assert split_joined("WW3") == "WW 3"
    assert split_joined("NASAMoonLanding") == "NASA Moon Landing"
    assert split_joined("free_iran") == "free iran"


def test_plain_sentences_pass_unchanged() -> None:
    text = "Putin said Russia wants a peaceful settlement in Ukraine."
    assert clean_post(text) == text


def test_sentence_vectors_come_from_the_installed_package_and_see_paraphrases() -> None:
    embedder = SentenceEmbedder()
    vectors = embedder.embed(["Russia wants a peace deal with Ukraine", "Moscow seeks a settlement of the war in Ukraine",
                              "The recipe needs two cups of flour", ""])
    assert vectors.shape == (4, embedder.dimensions)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5)
    assert not vectors[3].any()  # no tokens, no direction
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.1


def _ranker(claims: list[tuple[str, str | None]], settings: RelatedSettings | None = None) -> tuple[RelatedIndex, TermIndex, list[str]]:
    texts = match_texts([text for text, _ in claims])
    words = TermIndex()
    words.add_many(range(len(texts)), texts)
    related = RelatedIndex(settings)
    related.add_many(list(range(len(texts))), texts, [title for _, title in claims])
    return related, words, texts


def test_a_post_finds_the_claim_it_is_about_first() -> None:
    related, words, texts = _ranker(CLAIMS, RelatedSettings(floor=0))
    post = ("so apparently the clowns are gunna purge the night before halloween , i can’t wait to go clown hunting "
            "— Tyler (@tyler_w) October 3, 2016")
    assert related.rank(post, words, texts)[0].doc == 0
    assert related.rank("DYK you can’t eat a bowl of soup while driving? #TicketTuesday", words, texts)[0].doc == 3


def test_stems_and_title_words_count() -> None:
    related, words, texts = _ranker(CLAIMS, RelatedSettings(floor=0))
    # "migrants" and "rapes" are written so only in the title; "investigate" shares a stem with "investigating".
    ranked = related.rank("Swedish police investigate rapes by migrants no more", words, texts)
    assert ranked[0].doc == 1


def test_identical_statements_are_listed_once_as_the_first_stored() -> None:
    claims = CLAIMS + [(CLAIMS[0][0].replace("'", '"'), CLAIMS[0][1])]
    related, words, texts = _ranker(claims, RelatedSettings(floor=0))
    docs = [r.doc for r in related.rank("clowns plan a purge night on halloween", words, texts, limit=5)]
    assert docs[0] == 0 and len(claims) - 1 not in docs


def test_scores_fall_best_first_within_0_and_100_and_the_floor_holds() -> None:
    related, words, texts = _ranker(CLAIMS, RelatedSettings(floor=0))
    ranked = related.rank("Paul McCartney's Blackbird was about civil rights", words, texts, limit=5)
    assert ranked[0].doc == 2
    assert all(0 <= r.score <= 100 for r in ranked)
    floored, words, texts = _ranker(CLAIMS)
    assert floored.rank("The recipe needs two cups of flour and a pinch of salt", words, texts) == []


def test_mask_keeps_only_the_allowed_statements() -> None:
    related, words, texts = _ranker(CLAIMS, RelatedSettings(floor=0))
    ranked = related.rank("Clowns purge Halloween", words, texts, mask=lambda ids: ids != 0)
    assert all(r.doc != 0 for r in ranked)


def test_a_statement_added_later_is_found_and_state_round_trips() -> None:
    related, words, texts = _ranker(CLAIMS[:3])
    extra = match_texts(["Kamala Harris bragged about prosecuting a homeless single mother in a 2010 speech."])[0]
    texts.append(extra)
    words.add(3, extra.split())
    related.add(3, extra, "Did Kamala Harris Once Boast About Prosecuting a Homeless Mother?")
    query = "Kamala Harris laughed about jailing a homeless mother"
    assert related.rank(query, words, texts)[0].doc == 3
    restored = RelatedIndex()
    restored.restore(related.state())
    assert [(r.doc, r.score) for r in restored.rank(query, words, texts)] == [(r.doc, r.score) for r in related.rank(query, words, texts)]


def test_positions_must_follow_on() -> None:
    related = RelatedIndex()
    with pytest.raises(ValueError):
        related.add(3, "words", None)


def test_adding_many_at_start_up_builds_the_same_index_as_one_at_a_time() -> None:
    import random

    from bot.core.normalize import match_texts
    from bot.core.related import RelatedIndex, RelatedSettings

    rng = random.Random(3)
    words = "peace war tax the a union state of people jobs".split()
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 12))) for _ in range(2000)]
    titles = [rng.choice([None, "", "State of the Union 2020", "Debate 1996", "Speech é ünïon"]) for _ in range(2000)]
    keys = match_texts(texts)
    bulk, single = RelatedIndex(RelatedSettings()), RelatedIndex(RelatedSettings())
    bulk.add_many(range(2000), keys, titles)
    for doc, (key, title) in enumerate(zip(keys, titles)):
        single.add(doc, key, title)
    bulk_state, single_state = bulk.state(), single.state()
    titles_bulk, titles_single = bulk_state.pop("titles"), single_state.pop("titles")
    assert bulk_state == single_state  # title numbers, lengths, total length
    # The title index numbers words in another order when built in bulk; each word's counts agree.
    assert _df_by_word(titles_bulk) == _df_by_word(titles_single)


def _df_by_word(state: dict) -> dict[str, int]:
    from array import array

    df = array("i")
    df.frombytes(state["df"])
    return dict(zip(state["vocab"], df))


def test_one_query_leaves_nothing_behind_for_the_next() -> None:
    related, words, texts = _ranker(CLAIMS, RelatedSettings(floor=0))
    first = related.rank("Paul McCartney's Blackbird was about civil rights", words, texts)
    related.rank("Clowns purge Halloween night police Sweden", words, texts)
    assert related.rank("Paul McCartney's Blackbird was about civil rights", words, texts) == first


def test_twenty_lexical_candidates_are_reranked_unless_more_are_asked_for() -> None:
    # 60 of 300 statements share the query's words: only the best 20 by BM25 get sentence vectors
    # (the rerank's cost), unless a larger list or pool is asked for.
    claims: list[tuple[str, str | None]] = [(f"Clowns plan a purge night on Halloween in town {k}", None) for k in range(60)]
    claims += [(f"The recipe needs {k} cups of flour", None) for k in range(240)]
    related, words, texts = _ranker(claims, RelatedSettings(floor=0))
    embedded: list[int] = []
    embed_words = related.embedder.embed_words

    def counted(batch: list[str]) -> np.ndarray:
        embedded.append(len(batch))
        return embed_words(batch)

    related.embedder.embed_words = counted  # type: ignore[method-assign]
    related.rank("clowns purge halloween", words, texts)
    related.rank("clowns purge halloween", words, texts, limit=30)
    related.rank("clowns purge halloween", words, texts, pool=40)
    assert embedded == [20, 30, 40]


def test_ranking_among_given_statements_scores_each_as_the_ranking_of_all_does() -> None:
    claims: list[tuple[str, str | None]] = [(f"Clowns plan a purge night on Halloween in town {k}", None) for k in range(30)]
    claims += CLAIMS + [(f"The recipe needs {k} cups of flour", None) for k in range(40)]
    related, words, texts = _ranker(claims, RelatedSettings(floor=0))
    query = "clowns plan a purge on halloween night"
    every = {r.doc: r.score for r in related.rank(query, words, texts, limit=30, pool=200)}
    among = [3, 17, 29, 30, 75]  # three clown statements, the clown claim and a recipe
    ranked = related.rank(query, words, texts, limit=5, pool=5, among=among)
    assert {r.doc for r in ranked} <= set(among) and len(ranked) >= 3
    assert all(r.score == every[r.doc] for r in ranked if r.doc in every)
    assert related.rank("clowns", words, texts, among=[]) == []
