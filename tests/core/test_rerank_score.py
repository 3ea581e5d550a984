"""The quote score stays within 0-100 however the pieces' weights round."""

from bot.core.rerank import quote_score


def test_perfect_pieces_whose_weights_round_up_score_exactly_100():
    # Pieces of 1, 4 and 1 characters: 100*1/6 + 100*4/6 + 100*1/6 is 100.00000000000001 in floating point.
    statement = "i will not raise taxes on the middle class"
    assert quote_score(["i", "will", "i"], statement) == 100
