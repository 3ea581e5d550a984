"""Quote and speaker extraction on the seed article and on each construction news copy uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.extract import boilerplate_spans, extract_quotes, strip_dateline_and_byline

SEED = Path(__file__).resolve().parents[2] / "corpus" / "000_41f3c08ac7623368.txt"


def seed_body() -> str:
    """The seed article without its header (YAML front matter, or the original `date …` line)."""
    text = SEED.read_text(encoding="utf-8")
    if text.startswith("---"):
        return text.split("\n---\n", 1)[1]
    return text.split("\n", 1)[1]


@pytest.fixture(scope="module")
def seed_quotes():
    return extract_quotes(seed_body())


# (start of the quotation, speaker, words from the sentence before, words from the sentence after)
SEED_EXPECTED = [
    ("is ready to work with the Ukrainian side", "Vladimir Putin", "Kremlin leader", "constructive"),
    ("The tone and spirit of the conversation", "Donald Trump", "Trump was upbeat", "speaking later"),
    ("Russia wants to do largescale TRADE", "Donald Trump", "Trump was upbeat", "speaking later"),
    ("I'll tell you big egos involved", "Donald Trump", "Trump warned again", "Vatican"),
    ("I asked him [Trump] before his conversation", "Volodymyr Zelenskyy", "one-on-one", "Vice President Vance"),
    ("If the Russians are not ready", "Volodymyr Zelenskyy", "reiterated his call", "Pressure on Russia"),
    ("Pressure on Russia will push it", "Volodymyr Zelenskyy", "stronger sanctions", "von der Leyen"),
    ("to achieve lasting peace in Ukraine", "Ursula von der Leyen", "Pressure on Russia", "After the call"),
    ("Russia is for a peaceful settlement", "Vladimir Putin", "lasting peace", "Russian TV interview"),
    ("Russia at this certain point", "Ivan Timofeev", "Analysts in Moscow", "slow but steady"),
    ("So in a year, Ukraine can find itself", "Ivan Timofeev", "macroeconomics", ""),
]


def test_seed_finds_all_eleven_statements_with_speakers_and_context(seed_quotes):
    statements = [q for q in seed_quotes if not q.scare]
    assert len(statements) == len(SEED_EXPECTED)
    for quote, (opening, speaker, before, after) in zip(statements, SEED_EXPECTED):
        assert quote.text.startswith(opening)
        assert quote.speaker == speaker, quote.text
        assert before in quote.context_before
        assert after in quote.context_after


def test_seed_speaker_forms(seed_quotes):
    putin = next(q for q in seed_quotes if q.speaker == "Vladimir Putin")
    trump = next(q for q in seed_quotes if q.speaker == "Donald Trump")
    assert "Putin" in putin.speaker_forms and "Vladimir Putin" not in putin.speaker_forms
    assert trump.speaker_forms == ("Trump",)


def test_seed_scare_quotes_are_flagged(seed_quotes):
    scare = {q.text for q in seed_quotes if q.scare}
    assert scare == {"constructive", "extra significance"}


def test_seed_nested_and_bracketed_text_kept(seed_quotes):
    texts = [q.text for q in seed_quotes]
    assert any("catastrophic 'bloodbath' is over, and I agree." in t for t in texts)
    assert any("I asked him [Trump] before" in t for t in texts)


def test_seed_spans_point_at_the_words(seed_quotes):
    body = seed_body()
    for quote in seed_quotes:
        assert " ".join(body[s:e] for s, e in quote.spans) == quote.text
        assert quote.start == quote.spans[0][0] and quote.end == quote.spans[-1][1]


def test_seed_dateline_and_byline_are_not_statements(seed_quotes):
    body = seed_body()
    blocked = boilerplate_spans(body)
    texts = [body[s:e] for s, e in blocked]
    assert any(t.startswith("MOSCOW") for t in texts)
    assert any("contributed reporting" in t for t in texts)
    for quote in seed_quotes:
        assert "MOSCOW" not in quote.text and "Lytvynova" not in quote.text
        assert "Lytvynova" not in quote.context_after
    cleaned = strip_dateline_and_byline(body)
    assert len(cleaned) == len(body) and "MOSCOW" not in cleaned


def test_seed_split_statements_stay_apart(seed_quotes):
    """Two quotations of the same sentence with a capitalised second part are two statements."""
    texts = [q.text for q in seed_quotes if not q.scare]
    assert texts[1] == "The tone and spirit of the conversation were excellent"
    assert texts[2].startswith("Russia wants")


# --- Constructions --------------------------------------------------------------------------------


def only(body: str):
    quotes = [q for q in extract_quotes(body) if not q.scare]
    assert len(quotes) == 1, quotes
    return quotes[0]


def test_trailing_attribution_with_verb_first():
    quote = only('Sen. John McCain spoke first. "We will not back down from this fight," said Sen. John McCain.')
    assert quote.speaker == "John McCain"
    assert quote.text == "We will not back down from this fight"


def test_leading_attribution_with_colon():
    quote = only('Angela Merkel arrived late. Merkel told reporters: "Europe must stand together now."')
    assert quote.speaker == "Angela Merkel"


def test_split_quote_is_one_statement():
    body = 'Joe Biden spoke on Monday. "We have a plan," Biden said, "and we will carry it out in full."'
    quote = only(body)
    assert quote.text == "We have a plan, and we will carry it out in full."
    assert len(quote.spans) == 2
    assert quote.speaker == "Joe Biden"


def test_quote_continued_over_paragraphs():
    body = (
        'Hillary Clinton addressed the crowd in Ohio.\n\n'
        '"We are going to build an economy that works for everyone, not just those at the top.\n\n'
        '"And we are going to do it together," Clinton said.'
    )
    quote = only(body)
    assert quote.text.startswith("We are going to build") and quote.text.endswith("do it together")
    assert len(quote.spans) == 2
    assert quote.speaker == "Hillary Clinton"


def test_pronoun_respects_gender():
    body = (
        'Nancy Pelosi met Donald Trump at the White House on Tuesday. '
        '"The meeting was a waste of everyone\'s time," she said.'
    )
    assert only(body).speaker == "Nancy Pelosi"
    body_he = body.replace("she said", "he said")
    assert only(body_he).speaker == "Donald Trump"


def test_appositive_role_is_skipped():
    body = (
        '"The sanctions are hurting but not critical," Ivan Timofeev, head of the Russian '
        'International Affairs Council, told NPR.'
    )
    assert only(body).speaker == "Ivan Timofeev"


def test_title_and_role_before_name():
    body = '"We expect a call later today," White House press secretary Karoline Leavitt said.'
    assert only(body).speaker == "Karoline Leavitt"


def test_surname_resolves_to_longest_form():
    body = (
        'Russian President Vladimir Putin spoke on Monday. Later, Putin said, '
        '"Russia is for a peaceful settlement of the crisis."'
    )
    assert only(body).speaker == "Vladimir Putin"


def test_title_and_unknown_surname_keeps_the_surname():
    body = 'Mayor Hernandez spoke. "The bridge will reopen next spring," Hernandez said.'
    assert only(body).speaker == "Hernandez"


def test_organisation_speaker():
    quote = only('"The talks were useful but no deal was reached," the Kremlin said.')
    assert quote.speaker is not None and "Kremlin" in quote.speaker
    assert quote.speaker_kind == "organisation" and not quote.attributed_person


def test_unnamed_speaker_is_kept_as_described():
    quote = only('"We are watching the situation closely," a senior official said.')
    assert (quote.speaker, quote.speaker_kind) == ("a senior official", "unnamed")
    assert not quote.attributed_person


# --- Speakers of every kind ---------------------------------------------------------------------


def kinds(body: str) -> list[tuple[str | None, str]]:
    return [(q.speaker, q.speaker_kind) for q in extract_quotes(body) if not q.scare]


def test_organisation_noun_is_the_organisation_named_before():
    body = (
        "Delta Air Lines cancelled 40 flights on Friday. \"The flights were cancelled because of a "
        "technical fault,\" the airline said. \"Customers will be rebooked at no cost,\" the company added."
    )
    assert kinds(body) == [("Delta Air Lines", "organisation"), ("Delta Air Lines", "organisation")]


def test_the_company_and_it_stand_for_the_organisation_the_narration_is_about():
    body = (
        "Novartis has agreed to buy a rival drugmaker for $2bn. The deal was announced on Monday.\n\n"
        "\"This acquisition is a perfect fit for our portfolio,\" the company said in a statement.\n\n"
        "EMI said sales fell sharply last year. \"We are disappointed with the music division,\" the firm said.\n\n"
        "The IAAF said explanations from the pair were unacceptable. It added that they had been "
        "\"warned many times about the tests\"."
    )
    assert kinds(body) == [("Novartis", "organisation"), ("EMI", "organisation"), ("IAAF", "organisation")]


def test_it_after_a_person_or_a_sentence_opening_word_is_nobody():
    body = (
        "Tony Blair spoke to reporters on Monday. It said the plans were \"a step too far for the country\".\n\n"
        "Weak sales hit the high street. \"Trading over the holiday was well below our plans,\" the company said."
    )
    assert kinds(body) == [(None, "person"), ("the company", "organisation")]


def test_unnamed_people_and_documents():
    body = (
        '"We apologise to every passenger on those flights," a ministry spokesman said.\n\n'
        '"The contract was signed in March of last year," the court filing says.\n\n'
        'The magazine wrote in an editorial: "This is no way to run a country at all."'
    )
    assert kinds(body) == [
        ("a ministry spokesman", "unnamed"),
        ("court filing", "document"),
        ("The magazine", "organisation"),
    ]


def test_a_statement_issued_by_a_person_is_the_person_s():
    body = 'Trump issued a statement saying that Scalia was "a remarkable person and a brilliant justice."'
    assert kinds(body) == [("Donald Trump", "person")]


def test_role_nouns_resolve_to_the_person_introduced():
    body = (
        "Ohio Rep. Marcy Kaptur spoke first at the hearing on Tuesday. Sen. Ted Cruz followed her.\n\n"
        '"We will not accept these cuts to the program," the Ohio congresswoman told reporters.\n\n'
        '"The budget has to be balanced this year," the senator said.\n\n'
        'John Kasich, 63, the governor of Ohio, arrived later. "I am here to listen to everyone," the '
        '63-year-old governor said.'
    )
    assert kinds(body) == [
        ("Marcy Kaptur", "person"),
        ("Ted Cruz", "person"),
        ("John Kasich", "person"),
    ]


def test_a_role_noun_nobody_fits_is_kept_as_described():
    body = '"The decision was made in haste," the judge said.'
    assert kinds(body) == [("the judge", "unnamed")]


def test_standalone_quoted_paragraph_with_speaker_after_it():
    body = (
        "The museum reopened on Monday after two years of work.\n\n"
        '"We were not sure we would ever see these rooms full of people again."\n\n'
        "That was how Jane Doe, the museum's director, put it."
    )
    assert kinds(body) == [("Jane Doe", "person")]


def test_quote_after_a_lead_in_continues_the_previous_speaker():
    body = (
        '"He is supposed to be a cheerleader for this country," Donald Trump said. Instead, "he just '
        'acts like a defeated man."'
    )
    assert kinds(body) == [("Donald Trump", "person"), ("Donald Trump", "person")]


def test_uk_single_quotes_and_apostrophes():
    body = (
        "Gordon Brown said the figures were encouraging. 'We've seen the country's growth return "
        "and the '90s are long gone,' the chancellor said. He added: 'It's a good day for Britain's workers.'"
    )
    quotes = [q for q in extract_quotes(body) if not q.scare]
    assert [q.text for q in quotes] == [
        "We've seen the country's growth return and the '90s are long gone",
        "It's a good day for Britain's workers.",
    ]
    assert quotes[1].speaker == "Gordon Brown"


def test_uk_single_outer_double_nested():
    body = "Tony Blair said: 'People keep telling me \"no way\" but we will win the vote.'"
    quote = only(body)
    assert quote.text == 'People keep telling me "no way" but we will win the vote.'
    assert quote.speaker == "Tony Blair"


def test_nyt_double_apostrophes():
    body = "''Good economic news is bad political news for them,'' said Jared Bernstein, an economist."
    quote = only(body)
    assert quote.text == "Good economic news is bad political news for them"
    assert quote.speaker == "Jared Bernstein"


def test_bbc_run_together_paragraphs():
    """BBC texts lost their line breaks: a re-opened quote continues the open one."""
    body = (
        'But he told BBC Sport: "Michalak is the answer both now and for the future. Delaigue deserved '
        'his chance. "He does have weaknesses but has the all-round game to upset Ireland." '
        'Former France centre Philippe Sella believes so.'
    )
    quote = only(body)
    assert quote.text.startswith("Michalak is the answer") and quote.text.endswith("upset Ireland.")


def test_partial_quote_inside_sentence():
    body = 'Emmanuel Macron said France "will not accept any imposed peace deal" in Ukraine.'
    assert only(body).speaker == "Emmanuel Macron"


def test_question_attribution_after_mark():
    body = 'Bernie Sanders paused. "Where is the money going to come from?" he asked the crowd.'
    assert only(body).speaker == "Bernie Sanders"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("abc XYZ.,;:!?'\"“”‘’—\n[]") + ["said", " he ", "Putin ", "''", "\n\n"]),
        max_size=120,
    ).map("".join)
)
def test_extraction_never_crashes_and_spans_lie_in_the_body(body):
    for quote in extract_quotes(body):
        assert 0 <= quote.start < quote.end <= len(body)
        for start, end in quote.spans:
            assert quote.start <= start < end <= quote.end
        assert " ".join(body[s:e] for s, e in quote.spans) == quote.text


# --- Real articles with gold annotations (PolNeAR train sample) ---------------------------------

POLNEAR = Path(__file__).resolve().parents[1] / "fixtures" / "polnear_sample"


def gold_quotes(name: str) -> list[tuple[list[tuple[int, int]], str | None]]:
    """(content pieces, source text) of every attribution whose content opens with a quotation mark."""
    spans: dict[str, tuple[list[tuple[int, int]], str]] = {}
    relations: list[dict[str, str]] = []
    (annotation,) = POLNEAR.glob(f"{name}_*.ann")
    for line in annotation.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T"):
            _, _, pieces = parts[1].partition(" ")
            spans[parts[0]] = ([tuple(map(int, p.split())) for p in pieces.split(";")], parts[2])
        elif line.startswith("E"):
            relations.append(dict(arg.split(":", 1) for arg in parts[1].split()))
    out = []
    for relation in relations:
        content = spans[relation["Content"]]
        if content[1].startswith(("“", "''", '"')):
            source = spans.get(relation.get("Source", ""))
            out.append((content[0], source[1] if source else None))
    return out


def test_polnear_sample_quotes_and_speakers_match_the_gold():
    from bot.core.speakers import same_person

    name = "politico_2016-03-01_trump-my-immigration-plans-aren-"
    body = (POLNEAR / f"{name}.txt").read_text(encoding="utf-8")
    quotes = [q for q in extract_quotes(body) if not q.scare]
    gold = gold_quotes(name)
    assert len(gold) >= 6
    for pieces, source in gold:
        chars = {i for a, b in pieces for i in range(a, b) if body[i].isalnum()}
        best = max(quotes, key=lambda q: len(chars & {i for a, b in q.spans for i in range(a, b)}))
        covered = chars & {i for a, b in best.spans for i in range(a, b)}
        assert len(covered) * 2 >= len(chars), body[pieces[0][0] : pieces[-1][1]]
        if source and source[0].isupper():
            assert best.speaker and same_person(source, best.speaker), (source, best.text)


def test_polnear_nyt_double_apostrophes_and_titles():
    body = (POLNEAR / "nyt_2016-05-18_billy-bush-joins-a-parade-of-pol.txt").read_text(encoding="utf-8")
    quotes = extract_quotes(body)
    titles = {q.text.rstrip(".") for q in quotes if q.scare}
    assert {"Today", "Access Hollywood", "Good Morning America", "The 40-Year-Old Virgin"} <= titles
    (statement,) = [q for q in quotes if not q.scare]
    assert statement.text == "a painful chest-waxing incident"
    assert statement.speaker == "Noah Oppenheim"
    assert statement.context_before.startswith("In a memo on Tuesday, Noah Oppenheim")


# --- BBC copy: run-together paragraphs, single-quoted headlines ----------------------------------

BBC_LACROIX = (
    "US firm 'bids for Lacroix label' A US firm has said it is in final negotiations with luxury goods group "
    "LVMH to buy the loss-making Christian Lacroix haute-couture house. LVMH refused to comment on the reports. "
    "But one of the three brothers behind the Falic Group said the firm had also held talks with the designer "
    'Christian Lacroix, and wished to retain him. "We are buying his name," Simon Falic told the Reuters news '
    'agency. "We have plans to increase the exposure of the brand and increase the volume of business."'
)
BBC_RUDDOCK = (
    'Wales coach Mike Ruddock was delighted. "Graham Henry (former Wales coach) said a couple of years ago that '
    "we should 'be bold' when going to France, and he was proved right,\" said Ruddock. \"That is a great way to "
    'approach the game."'
)


def test_bbc_headline_single_quotes_and_speakers():
    quotes = extract_quotes(BBC_LACROIX)
    assert quotes[0].text == "bids for Lacroix label"
    statements = [(q.text, q.speaker) for q in quotes[1:]]
    assert statements == [
        ("We are buying his name", "Simon Falic"),
        ("We have plans to increase the exposure of the brand and increase the volume of business.", "Simon Falic"),
    ]


def test_bbc_nested_single_quote_stays_inside():
    quotes = [q for q in extract_quotes(BBC_RUDDOCK) if not q.scare]
    assert "we should 'be bold' when going to France" in quotes[0].text
    assert [q.speaker for q in quotes] == ["Mike Ruddock", "Mike Ruddock"]


def test_signature_dash_and_reversed_opening_mark():
    body = (
        "Readers wrote in.\n\n"
        "”The candidate embodies the worst of our politics today.” ― Sonya Herridge\n"
        "“He cannot answer a question without scaring people first.”― Esther Tapia"
    )
    quotes = extract_quotes(body)
    assert [(q.text, q.speaker) for q in quotes] == [
        ("The candidate embodies the worst of our politics today.", "Sonya Herridge"),
        ("He cannot answer a question without scaring people first.", "Esther Tapia"),
    ]


def test_pronoun_subject_of_a_participle():
    body = (
        "Stefan Korner, chairman of the Pirate Party, spoke first. He condemned the deal, saying that "
        '"surely it will lead to too many deletions rather than too few."'
    )
    assert only(body).speaker == "Stefan Korner"


def test_pronoun_prefers_the_person_who_speaks():
    body = (
        "Cruz spokesman Rick Tyler said the campaign would highlight contrasts with Trump. "
        '"Voters can be confident in his guiding principles," he said.'
    )
    assert only(body).speaker == "Rick Tyler"


def test_attribution_in_the_next_sentence():
    asked = '"What does that mean, he kept the country safe?" Mr. Trump asked, repeating a broadside.'
    assert only("Donald Trump spoke in South Carolina. " + asked).speaker == "Donald Trump"
    short = '"Russia, if you are listening, find the emails." Trump said. Clinton says they were personal.'
    assert only("Donald Trump spoke. " + short).speaker == "Donald Trump"
    new_statement = (
        'Donald Trump spoke. "For me, it worked very well." Stuart Oltchick said Freddy had struggled with it.'
    )
    assert only(new_statement).speaker != "Stuart Oltchick"


def test_negated_attribution_gives_no_speaker():
    body = 'Donald Trump spoke at length. Trump never said "Mexico will pay for the wall this year" on Monday.'
    assert only(body).speaker is None
    body = 'Donald Trump spoke at length. Trump said "Mexico will pay for the wall this year" on Monday.'
    assert only(body).speaker == "Donald Trump"


def test_person_subject_beats_an_organisation_later_in_the_sentence():
    body = 'By contrast, Sen. Marco Rubio said that once the Senate goes on recess, "I intend to do as much as I can."'
    assert only(body).speaker == "Marco Rubio"


def test_organisation_issuing_a_statement():
    body = 'Donald Trump released a new radio ad calling it "a dangerous failure of leadership" on Monday.'
    assert only(body).speaker == "Donald Trump"


def test_verb_first_with_role_before_the_name():
    body = '"Thanks, Clarkston, for welcoming these refugees," said master of ceremonies Asab Al-Tabchi, an engineer.'
    assert only(body).speaker == "Asab Al-Tabchi"


def test_standalone_quote_continues_the_previous_speaker_not_the_first_name():
    body = (
        "Or maybe Jeb Bush, digital consultant Phil Musser says. "
        '"Several surveys suggest a second look is occurring for Jeb in New Hampshire."'
    )
    assert only(body).speaker == "Phil Musser"


def test_bylines_but_not_sentences_starting_with_by():
    assert [body[s:e] for body in ["By Jane Doe\n\nText here."] for s, e in boilerplate_spans(body)] == ["By Jane Doe"]
    assert boilerplate_spans('By contrast, he said "we will not back down now."') == []


def test_split_quote_that_then_runs_over_a_paragraph():
    body = (
        'Joe Biden spoke in Delaware. "We have a plan," Biden said, "and it starts today.\n\n'
        '"It ends when every family has a fair shot."\n\nThe crowd cheered.'
    )
    quote = only(body)
    assert len(quote.spans) == 3
    assert quote.text == "We have a plan, and it starts today. It ends when every family has a fair shot."
    assert quote.speaker == "Joe Biden"
    assert quote.context_after == "The crowd cheered."


def test_context_carries_the_quote_sentence_frame(seed_quotes):
    putin = next(q for q in seed_quotes if q.text.startswith("is ready to work"))
    assert putin.context_before.endswith("might host the negotiations. Russia")
    assert putin.context_after.startswith("Putin said in a briefing in the southern Russian resort city of Sochi.")
