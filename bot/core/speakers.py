"""Speaker names: canonical forms without titles, whether two names mean the same person, and the
people an article mentions (so that "Putin", "he" and "Russian President Vladimir Putin" all become
"Vladimir Putin").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.core.invisible import remove_invisible
from bot.core.lexicon import CALENDAR_WORDS

# Titles and roles that precede a name in news copy ("Russian President Vladimir Putin").
TITLE_WORDS = frozenset(
    """
    president vice prime minister secretary senator sen rep representative governor gov mayor
    chancellor king queen prince princess pope rev reverend dr doctor mr mrs ms miss sir dame lord lady
    gen general col colonel lt capt captain adm admiral sgt sergeant lieutenant corporal judge justice chief chairman chairwoman chair
    speaker leader ceo founder director spokesman spokeswoman spokesperson ambassador commissioner
    attorney former foreign defense defence state press deputy acting first lady gentleman madam
    the house senate white kremlin russian ukrainian american u.s. us european commission
    """.split()
)

_TITLES = TITLE_WORDS | {"u s"}  # "U.S." folds to "u s"
_PUNCT = re.compile(r"[^\w\s'-]")


@lru_cache(maxsize=1 << 16)  # called for every name of every article; the same names recur
def fold(name: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name, for comparisons only."""
    if name.isascii():
        # Nothing to decompose and no invisible character: the common case, at start-up 10^5 names.
        return " ".join(_PUNCT.sub(" ", name.lower()).split())
    # Invisible characters go before punctuation becomes spaces: "Pu\u200btin" is "Putin", not "Pu tin".
    decomposed = unicodedata.normalize("NFKD", remove_invisible(name).replace("’", "'"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_PUNCT.sub(" ", stripped.casefold()).split())


def fold_many(names: list[str]) -> list[str]:
    """`fold` of each name, in bulk: one pass of the punctuation pattern over the ASCII names (a
    cold start folds 10^5 speaker names once each)."""
    plain = [k for k, name in enumerate(names) if name.isascii() and "\n" not in name]
    out = [fold(name) if not name.isascii() or "\n" in name else "" for name in names]
    if plain:
        joined = _PUNCT.sub(" ", "\n".join([names[k] for k in plain]).lower())
        for k, line in zip(plain, joined.split("\n")):
            out[k] = " ".join(line.split())
    return out


def strip_titles(name: str) -> str:
    """'Russian President Vladimir Putin' → 'Vladimir Putin'; a name made only of titles is kept."""
    words = name.split()
    start = 0
    while start < len(words) - 1 and fold(words[start]).replace(".", "") in _TITLES:
        start += 1
    return " ".join(words[start:])


_SUFFIXES = frozenset("jr sr ii iii iv".split())


def name_tokens(name: str) -> list[str]:
    """Folded name words without titles and without suffixes ("Jr.", "III")."""
    tokens = fold(strip_titles(name)).split()
    while len(tokens) > 1 and tokens[-1] in _SUFFIXES:
        tokens.pop()
    return tokens


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
        # A leading initial before the name in use: "C. Stewart Verdery" is "Stewart Verdery".
        if given_tokens[-1] == tokens[-1] and len(given_tokens) > 2 and len(given_tokens[0]) == 1:
            if _first_names_compatible(given_tokens[1:-1], tokens[:-1]):
                return True
        if given_tokens[-1] == tokens[-1] and len(tokens) > 2 and len(tokens[0]) == 1:
            if _first_names_compatible(given_tokens[:-1], tokens[1:-1]):
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


# --- People mentioned in an article -------------------------------------------------------------

# Titles that, written before a capitalised word, make it a person ("President Trump", "Sen. Cruz").
PERSON_TITLES = frozenset(
    """
    president vice-president minister secretary senator sen rep representative congressman congresswoman
    governor gov mayor chancellor king queen prince princess pope rev reverend dr mr mrs ms miss sir dame
    lord lady gen general col colonel lt capt captain adm admiral sgt sergeant lieutenant corporal judge justice chairman chairwoman
    speaker leader ambassador commissioner attorney sens reps govs prof professor candidate nominee
    spokesman spokeswoman pastor bishop cardinal sheikh ayatollah emir sultan premier councilman
    councilwoman councilor assemblyman assemblywoman delegate deputy director counsel adviser advisor
    aide strategist pollster analyst economist anchor host correspondent editor member manager
    executive officer sheriff coach lawyer chairperson co-founder cofounder president-elect
    baron baroness earl duke duchess viscount marquess archbishop rabbi imam
    """.split()
)
FEMALE_TITLES = frozenset("mrs ms miss dame lady queen princess congresswoman chairwoman spokeswoman councilwoman assemblywoman madam".split())
MALE_TITLES = frozenset("mr sir lord king prince congressman chairman spokesman councilman assemblyman".split())

# Words that never belong to a person's name: places, organisations, calendar words.
NOT_NAME_WORDS = frozenset(
    """
    house senate congress court council commission union party department ministry office agency
    committee administration government campaign news times post journal press network bank fund
    university college school institute foundation association corporation company inc corp co ltd
    group forces force army navy guard police church club league center centre museum council
    airlines airport street avenue county city state states kingdom republic federation nations
    international national federal supreme reserve security intelligence affairs foreign
    christmas easter
    god america europe africa asia twitter facebook instagram youtube google microsoft apple
    democrat democrats republican republicans gop democratic conservative conservatives liberal
    liberals muslim muslims christians jewish catholic isis obamacare
    """.split()
) | (frozenset(CALENDAR_WORDS) - {"may"})  # "May" is a name too
# Capitalised words that start a run only because they start a sentence.
SENTENCE_OPENERS = frozenset(
    """
    a an the and but or nor so yet for if as at by in on of to from with without into onto over under
    after before since until while when whenever where wherever why how what which who whom whose that
    this these those there here then now also still even just only both either neither each every all
    some many most much more few no not none one two three his her its their our my your he she it they
    we i you me him them us than though although because unless however meanwhile instead indeed
    earlier later yesterday today tonight tomorrow last next asked told said says according during
    despite through across among against between around about above below like unlike once again
    did does do is was are were has have had will would can could should might must
    mr mrs ms dr
    """.split()
) - {"mr", "mrs", "ms", "dr"}
_PLACE_FIRST = frozenset("new los las san santa saint st north south east west united great central latin".split())
# Words that qualify a name without being part of it ("Russian", "Republican", "Texas").
QUALIFIERS = frozenset(
    """
    american russian ukrainian british english french german italian spanish chinese japanese
    korean indian pakistani afghan iranian iraqi syrian israeli palestinian saudi egyptian turkish
    mexican canadian european african asian australian brazilian cuban venezuelan polish dutch
    swedish irish scottish welsh greek belgian swiss austrian hungarian lebanese jordanian libyan
    democratic democrat republican conservative liberal labour tory gop independent progressive
    former then-president late veteran billionaire businessman rival fellow embattled outgoing
    alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii
    idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan
    minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania
    tennessee texas utah vermont wisconsin wyoming
    celebrities officials supporters critics voters sources analysts experts reporters protesters
    residents lawmakers senators leaders members witnesses fans students parents americans
    candidates actress actor singer comedian rapper author journalist columnist pundit lawmaker
    activist pastor band businesswoman host anchor novelist filmmaker director producer
    """.split()
)
# Place names that are never a person ("South Carolina said" does not happen).
_PLACES = frozenset(
    """
    carolina dakota hampshire jersey mexico york island virginia angeles francisco diego vegas
    washington moscow kyiv kiev london paris berlin beijing tehran damascus baghdad jerusalem
    russia ukraine china iran iraq syria israel germany france britain england europe japan
    korea india pakistan afghanistan turkey mexico canada cuba venezuela brazil egypt libya
    sumter
    """.split()
) - {"washington", "virginia", "sumter"}

# Heads of state and government the news names by title and surname alone. Used only when the
# article itself never gives the person's first name ("President Trump" → "Donald Trump").
WELL_KNOWN = {
    "trump": "Donald Trump",
    "putin": "Vladimir Putin",
    "zelenskyy": "Volodymyr Zelenskyy",
    "zelensky": "Volodymyr Zelenskyy",
    "biden": "Joe Biden",
    "obama": "Barack Obama",
    "macron": "Emmanuel Macron",
    "merkel": "Angela Merkel",
    "scholz": "Olaf Scholz",
    "merz": "Friedrich Merz",
    "starmer": "Keir Starmer",
    "sunak": "Rishi Sunak",
    "meloni": "Giorgia Meloni",
    "erdogan": "Recep Tayyip Erdogan",
    "netanyahu": "Benjamin Netanyahu",
    "modi": "Narendra Modi",
    "xi": "Xi Jinping",
    "lula": "Luiz Inacio Lula da Silva",
    "sanchez": "Pedro Sanchez",
    "tusk": "Donald Tusk",
    "trudeau": "Justin Trudeau",
    "carney": "Mark Carney",
    "lukashenko": "Alexander Lukashenko",
    "medvedev": "Dmitry Medvedev",
}

_FEMALE_NAMES = frozenset(
    """
    hillary melania ivanka nancy elizabeth kamala ursula angela theresa giorgia karoline kellyanne
    sarah susan mary patricia jennifer linda barbara margaret jessica karen lisa betty dorothy sandra
    ashley kimberly donna emily michelle carol amanda melissa deborah stephanie rebecca laura sharon
    cynthia kathleen amy shirley anna angela ruth brenda pamela nicole katherine virginia catherine
    christine samantha debra janet rachel carolyn emma maria heather diane julie joyce victoria kelly
    christina joan evelyn lauren judith olivia martha cheryl megan andrea hannah jacqueline ann jean
    alice kathryn gloria teresa doris sara janice julia marie madison grace judy theresa beverly denise
    marilyn amber danielle abigail brittany rose diana natalie sophia alexis lori kayla jane elaine
    huma donna debbie dianne elizabeth nikki condoleezza madeleine tulsi marsha kirsten amy tammy
    claire heidi susana lindsey liz loretta maxine jill michele tina hope sheryl robby marine
    ilhan alexandria rashida ayanna kristi kristen kirstjen stacey gina greta valerie
    """.split()
)
_MALE_NAMES = frozenset(
    """
    donald vladimir volodymyr ivan barack joe joseph bill william george john james robert michael
    david richard charles thomas christopher daniel matthew anthony mark paul steven andrew kenneth
    joshua kevin brian edward ronald timothy jason jeffrey ryan jacob gary nicholas eric jonathan
    stephen larry justin scott brandon benjamin samuel gregory frank alexander raymond patrick jack
    dennis jerry tyler aaron jose adam henry nathan douglas zachary peter kyle walter ethan jeremy
    harold keith christian roger noah gerald carl terry sean austin arthur lawrence jesse dylan bryan
    jordan billy bruce albert willie gabriel logan alan juan wayne roy ralph randy eugene vincent
    russell elijah louis bobby philip johnny mike bernie ted marco jeb ben chris rand mitch newt rudy
    reince sean rex vance marco emmanuel olaf keir rishi recep benjamin narendra xi justin dmitry
    sergei sergey dmitri jd tim lindsey hunter ron jim tom dick harry al bob rick steve dan ken jeff
    greg pete chuck orrin jared eric kellogg mohammed muhammad ali hassan abdullah kim
    """.split()
)

# A capitalised word of a name: a title abbreviation ("Sen."), initials ("J.", "J.M."), or a word
# ("O'Rourke", "Zelenskyy"); a sentence's final period is not part of "Cruz.".
ABBREVIATED_TITLES = (
    r"Mr|Mrs|Ms|Messrs|Dr|Sen|Sens|Rep|Reps|Gov|Govs|Lt|Gen|Col|Capt|Sgt|Jr|Sr|St|Rev|Adm|Maj|Cmdr|"
    r"Atty|Prof|Supt|Det|Cpl|Pvt|Pres|Hon|Insp|Msgr|Fr|Amb|Sec|Brig|Lieut"
)
_CAP_TOKEN = rf"(?:(?:{ABBREVIATED_TITLES})\.|[A-Z]\.(?:[A-Z]\.)*|[A-Z](?:[\w’'\-]*\w)?)"
CAP_TOKEN = _CAP_TOKEN
_RUN = re.compile(
    rf"{_CAP_TOKEN}(?:(?:\s+(?:von|van|der|den|de|da|del|della|di|du|la|le|bin|ibn|al|el))*\s+{_CAP_TOKEN})*"
)
_POSSESSIVE = re.compile(r"(?:['’]s?)$")


@dataclass(frozen=True, slots=True)
class Mention:
    """A person named in the text: where, as written, and the title-free name tokens."""

    start: int
    end: int
    tokens: tuple[str, ...]
    gender: str | None  # "m", "f" or None when unknown
    titled: bool  # written after a person title ("President Trump")


# Capitalised words that name nobody in particular or a document ("the Housing Act"), and contractions written without their
# apostrophe ("Im", "Ive": the older debate transcripts have none).
_NOBODY_IN_PARTICULAR = frozenset(
    """
    people folks everybody everyone somebody someone nobody anybody anyone god
    act law doctrine proclamation declaration constitution amendment treaty charter plan report
    founders framers tower building
    im ive id ill youre youve youd youll hes shes weve wed well theyre theyve theyd theyll thats theres whats lets
    """.split()
)


def could_be_person(name: str) -> bool:
    """True when `name` may be a person's name: capitalised words, none of them a title, a
    nationality or group ("Americans"), an organisation, a place or a calendar word."""
    words = name.split()
    if not words or not all(word[:1].isupper() and re.fullmatch(r"[\w.'’]+(?:-[\w.'’]+)*", word) for word in words):
        return False  # "America--as Abraham Lincoln": a name run into other words
    for word in words:
        bare = fold(word).replace(" ", "").replace("'", "")
        if bare in _NOBODY_IN_PARTICULAR or bare in SENTENCE_OPENERS or bare in TITLE_WORDS or bare in PERSON_TITLES:
            return False
        if bare in QUALIFIERS or bare in NOT_NAME_WORDS or bare in _PLACES:
            return False
    # A plural people word ("Canadians", "Democrats"): a group, not someone who said the words.
    return not (len(words) == 1 and re.search(r"(?:ians|cans|ese|ists|crats)$", words[0]) is not None)


def first_name_gender(name: str) -> str | None:
    """"m" or "f" when the name's first word is a first name of one gender only ("Hillary"), else None."""
    tokens = name_tokens(name)
    first = tokens[0] if tokens else ""
    if first in _FEMALE_NAMES and first not in _MALE_NAMES:
        return "f"
    if first in _MALE_NAMES and first not in _FEMALE_NAMES:
        return "m"
    return None


def name_runs(text: str, start: int = 0, end: int | None = None) -> Iterable[re.Match[str]]:
    """Runs of capitalised words (with name particles) in text[start:end]."""
    return _RUN.finditer(text, start, len(text) if end is None else end)


def parse_run(run: str, offset: int) -> list[Mention]:
    """The people a run of capitalised words names ('Russian President Vladimir Putin' → Putin).

    A run may hold a sentence-initial function word ("But Zelenskyy"), nationalities and titles
    ("Ukrainian President"), or be an organisation ("White House"); only the person is returned.
    Single words are returned too (as candidates); `PeopleIndex` decides whether they are people.
    """
    words = [(m.start() + offset, m.end() + offset, m.group(0)) for m in re.finditer(r"\S+", run)]
    # Split at function words and calendar words: "But Zelenskyy", "On Monday Putin".
    pieces: list[list[tuple[int, int, str]]] = [[]]
    for word in words:
        bare = word[2].rstrip(".").lower()
        if bare in SENTENCE_OPENERS and not (len(bare) == 1 and word[2].endswith(".")):  # "James A. Baker"
            pieces.append([])
        else:
            pieces[-1].append(word)
    mentions: list[Mention] = []
    for piece in pieces:
        mention = _piece_mention(piece)
        if mention is not None:
            mentions.append(mention)
    return mentions


def _piece_mention(piece: list[tuple[int, int, str]]) -> Mention | None:
    """The person a run piece names, after its titles, qualifiers and possessives; None for places
    and organisations."""
    if not piece:
        return None
    last_title = -1
    gender: str | None = None
    for index, (_, _, word) in enumerate(piece):
        bare = word.rstrip(".").lower().replace("’", "'")
        if bare in PERSON_TITLES or (bare in TITLE_WORDS and bare in {"president", "minister", "secretary"}):
            if index < len(piece) - 1:
                last_title = index
                if bare in FEMALE_TITLES:
                    gender = "f"
                elif bare in MALE_TITLES:
                    gender = "m"
    titled = last_title >= 0
    # A possessive or an acronym before the name belongs to something else: "Commentary's Noah
    # Rothman", "FBI General Counsel James A. Baker".
    for index, (_, _, word) in enumerate(piece[:-1]):
        if index > last_title and (
            word.endswith(("'s", "’s", "s'", "s’"))
            or (len(word) > 1 and word.isupper() and "." not in word and word not in ("II", "III", "IV"))
        ):
            last_title = index  # not a title: "ATP Tour", "BBC Radio" name no one
    name = piece[last_title + 1 :]
    if last_title < 0:
        # No title: drop leading nationalities and role words ("Russian", "Republican").
        while len(name) > 1 and (name[0][2].lower() in QUALIFIERS or name[0][2].lower() in TITLE_WORDS):
            name = name[1:]
    if not name:
        return None
    words = [w for _, _, w in name]
    if words[-1].endswith(".") and len(words[-1]) > 2 and not re.fullmatch(_CAP_TOKEN, words[-1]):
        words[-1] = words[-1][:-1]  # the sentence's period, not an abbreviation: "Cruz."
    words[-1] = _POSSESSIVE.sub("", words[-1]) if words[-1][-2:] in {"'s", "’s"} else words[-1]
    lowered = [w.rstrip(".").lower() for w in words]
    if any(w in NOT_NAME_WORDS or w in _PLACES for w in lowered):
        return None
    if any(len(w) > 1 and w.isupper() and not w.endswith(".") and w not in ("II", "III", "IV") for w in words):
        return None  # acronyms: NPR, NATO, FBI
    if len(words) > 1 and lowered[0] in _PLACE_FIRST:
        return None
    if len(words) > 5:
        return None
    if gender is None:
        first = lowered[0]
        if first in _FEMALE_NAMES and first not in _MALE_NAMES:
            gender = "f"
        elif first in _MALE_NAMES and first not in _FEMALE_NAMES:
            gender = "m"
        if len(words) == 1:
            gender = None  # a lone surname says nothing about gender
    return Mention(name[0][0], name[-1][1], tuple(words), gender, titled)


def _known_first(word: str) -> bool:
    lowered = word.lower()
    return lowered in _MALE_NAMES or lowered in _FEMALE_NAMES


class PeopleIndex:
    """The people of one article, keyed so any mention resolves to its canonical full name.

    The canonical name is the longest form of the person's name the article uses, without titles.
    A surname alone resolves to the full name sharing it (the most frequent when several do); a
    surname the article never completes resolves to the `WELL_KNOWN` head of state, else stays
    as written.
    """

    def __init__(self, mentions: Sequence[Mention], speakers: Iterable[str] = ()) -> None:
        """`speakers`: single names seen as the subject of a speech verb ("Bob said"): people too."""
        self._full: dict[str, Counter[tuple[str, ...]]] = {}
        self._first: dict[str, set[tuple[str, ...]]] = {}
        self._known_single: set[str] = {fold(name) for name in speakers} | set(WELL_KNOWN)
        self._gender: dict[tuple[str, ...], str] = {}
        for mention in mentions:
            key = fold(mention.tokens[-1])
            if len(mention.tokens) > 1:
                self._full.setdefault(key, Counter())[mention.tokens] += 1
                self._first.setdefault(fold(mention.tokens[0]), set()).add(mention.tokens)
            elif mention.titled:
                self._known_single.add(key)
        for mention in mentions:
            if mention.gender:
                self._gender.setdefault(self.canonical_tokens(mention.tokens), mention.gender)

    def named_in_full(self, tokens: tuple[str, ...]) -> bool:
        """Whether these words name someone the article names in full with a known first name ("Tony
        Blair", or "Blair" alone there); "General Motors" is not such a name."""
        people = [form for form in self._full.get(fold(tokens[-1]), ()) if _known_first(form[0])]
        return bool(people) and (len(tokens) == 1 or _known_first(tokens[0]) or tokens in people)

    def is_person(self, mention: Mention) -> bool:
        """Full names, titled names and surnames of people named in full are people."""
        if len(mention.tokens) > 1 or mention.titled:
            return True
        key = fold(mention.tokens[0])
        return key in self._full or key in self._known_single

    def canonical_tokens(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        key = fold(tokens[-1])
        forms = self._full.get(key)
        if forms:
            compatible = [
                form for form in forms if len(tokens) == 1 or _first_names_compatible(
                    [fold(t) for t in tokens[:-1]], [fold(t) for t in form[:-1]])
            ]
            if compatible:
                best_count = max(forms[form] for form in compatible)
                frequent = [form for form in compatible if forms[form] == best_count]
                # Among the forms of that person (same first name), the longest; a form opening with
                # a known first name before one that does not ("Roger Federer", not a headline's
                # "Faultless Federer").
                first = fold(max(frequent, key=lambda form: (_known_first(form[0]), len(form)))[0])
                same = [form for form in compatible if fold(form[0]) == first]
                return max(same, key=lambda form: (len(form), sum(map(len, form))))
        if len(tokens) == 1:
            firsts = self._first.get(key)
            if firsts and len(firsts) == 1 and key not in self._full:
                return next(iter(firsts))
            known = WELL_KNOWN.get(key)
            if known:
                return tuple(known.split())
        return tokens

    def canonical(self, name: str) -> str:
        """Canonical full name for a name as written ("President Trump", "Putin")."""
        mentions = [m for run in name_runs(name) for m in parse_run(run.group(0), run.start())]
        if not mentions:
            return strip_titles(name)
        return " ".join(self.canonical_tokens(mentions[-1].tokens))

    def gender(self, tokens: tuple[str, ...]) -> str | None:
        canonical = self.canonical_tokens(tokens)
        known = self._gender.get(canonical)
        if known:
            return known
        first = canonical[0].lower()
        if len(canonical) > 1:
            if first in _FEMALE_NAMES and first not in _MALE_NAMES:
                return "f"
            if first in _MALE_NAMES and first not in _FEMALE_NAMES:
                return "m"
        return None
