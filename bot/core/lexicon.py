"""The extraction word lists, one home for each: speech verbs, name particles, role and organisation words.

The news extractor (bot/core/extract.py), the chat claim finder (bot/core/claims.py) and the
citations inside speeches (bot/core/embedded_quotes.py) build their patterns from these lists. An
entry is a word or a short regex fragment ("labell?ed", "shot back"); lists hold no duplicates
(tests/core/test_lexicon.py). Order matters where a pattern tries the entries in turn: earlier first.
"""

from __future__ import annotations

from collections.abc import Iterable


def alternation(entries: Iterable[str]) -> str:
    """The entries as one regex alternation (without the group around it)."""
    return "|".join(entries)


# --- Speech verbs ----------------------------------------------------------------------------------

# Verbs that attribute words to someone when written right after a quotation (`," she said`).
SPEECH_VERBS: tuple[str, ...] = (
    "said", "says", "say", "told", "tells", "sang", "sings", "reacted", "reacts", "added", "adds", "asked", "asks", "noted", "notes", "wrote", "writes",
    "stated", "states", "explained", "explains", "argued", "argues", "insisted", "insists", "continued",
    "continues", "declared", "declares", "warned", "warns", "tweeted", "tweets", "posted", "recalled", "recalls",
    "replied", "replies", "responded", "responds", "answered", "answers", "claimed", "claims", "acknowledged",
    "acknowledges", "admitted", "admits", "announced", "announces", "joked", "jokes", "quipped", "quips",
    "remarked", "remarks", "observed", "observes", "suggested", "suggests", "shouted", "shouts", "yelled", "yells",
    "cried", "concluded", "concludes", "countered", "counters", "conceded", "concedes", "emphasized", "emphasizes",
    "emphasised", "stressed", "stresses", "urged", "urges", "promised", "promises", "vowed", "vows", "predicted",
    "predicts", "mused", "muses", "lamented", "laments", "complained", "complains", "boasted", "boasts", "bragged",
    "brags", "reiterated", "reiterates", "testified", "texted", "emailed", "wondered", "wonders", "thundered",
    "exclaimed", "whispered", "reported", "reports", "commented", "comments", "agreed", "agrees", "contended",
    "contends", "maintained", "maintains", "asserted", "asserts", "retorted", "snapped", "fumed", "scoffed",
    "pleaded", "demanded", "demands", "confirmed", "confirms", "assured", "cautioned", "cautions", "speculated",
    "elaborated", "reflected", "recounted", "opined", "proclaimed", "advised", "implored", "reasoned", "sighed",
    "laughed", "interjected", "charged", "echoed", "echoes", "chided", "gushed", "raved", "sniped", "wrote back",
    "tweeted out", "barked", "beamed", "boomed", "roared", "grumbled", "marveled", "marvelled", "chuckled",
    "smiled", "cited", "cites", "quoted", "quotes", "reminded", "reminds", "shrugged", "groaned", "growled",
    "retaliated", "rejoined", "protested", "objected", "wrote in", "added in", "tweeted in", "pressed", "started",
    "interrupted", "followed up", "persisted", "prodded", "probed", "began", "pointed out", "points out", "went on",
    "goes on", "chimed in", "shot back", "fired back", "summed up", "put it", "puts it",
)

# Verbs that, besides SPEECH_VERBS, may introduce a quotation after them (`Putin called the talks "constructive"`).
LEADING_ONLY_VERBS: tuple[str, ...] = (
    "saying", "telling", "adding", "asking", "noting", "writing", "explaining", "arguing", "insisting", "declaring",
    "warning", "tweeting", "posting", "claiming", "announcing", "calling", "describing", "urging", "promising",
    "vowing", "predicting", "complaining", "boasting", "pledging", "accusing", "proclaiming", "lamenting", "called",
    "calls", "described", "describes", "pledged", "pledges", "accused", "accuses", "labeled", "labelled", "labels",
    "branded", "brands", "dubbed", "dubs", "denounced", "denounces", "praised", "praises", "blasted", "blasts",
    "slammed", "slams", "criticized", "criticised", "criticizes", "mocked", "mocks", "hailed", "hails", "touted",
    "touts", "expressed", "read", "reads", "begins", "offered", "offers", "ordered", "tell", "ask", "write",
    "declare", "warn", "insist", "is saying", "was saying", "has said", "had said", "have said", "has called",
)

# A verb just before a name that is then the object of the verb, not a speaker ("told Putin").
VERBS_BEFORE_OBJECT: tuple[str, ...] = ("said", "says", "told", "asked", "added", "wrote")
# The verbs of a sentence that only attributes (`He said.`, `Putin, the president, added in Moscow.`).
SHORT_ATTRIBUTION_VERBS: tuple[str, ...] = (
    "said", "says", "told", "tells", "asked", "asks", "added", "adds", "wrote", "writes", "tweeted", "explained",
    "continued", "replied", "responded", "answered", "declared", "insisted", "exclaimed", "shouted", "pressed",
    "interrupted", "wondered", "joked", "quipped", "shot back", "fired back",
)
# Words before a quotation that deny it was said ("never said", "didnt say").
NEGATIONS: tuple[str, ...] = (
    "never", "not", "no longer", "denied", "denies", "deny", "falsely attributed", "didnt", "doesnt", "dont", "wouldnt",
    "wont", "couldnt", "cant", "wasnt", "isnt", "hasnt", "havent", "hadnt",
)

# Words between a speaker and the speech verb (`Putin also said`, `she had earlier said`).
ATTRIBUTION_ADVERBS: tuple[str, ...] = (
    "also", "later", "then", "again", "previously", "recently", "once", "reportedly", "repeatedly", "publicly",
    "privately", "earlier", "further", "simply", "flatly", "bluntly", "angrily", "subsequently", "first", "often",
    "frequently", "has", "had", "have", "would", "will", "famously", "memorably", "quickly", "finally",
    "immediately", "last", "tearfully", "proudly", "calmly", "candidly", "openly", "emphatically", "confidently",
    "already", "is", "was", "are", "were", "has been", "had been", "is now", "was also", "is also", "now", "still",
    "even", "just",
)
# When it was said, between a speaker and the verb or after it (`on Monday`, `last week`, `today`).
TIME_MODIFIERS: tuple[str, ...] = ("on", "last", "this", "early", "late", "later", "earlier")
TIME_PERIODS: tuple[str, ...] = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "morning", "afternoon", "evening",
    "night", "week", "month", "year",
)
TIME_DAYS: tuple[str, ...] = ("yesterday", "today", "tonight")

# Chat: the verbs of `Name said …` lines and of a name written just before a quotation.
CHAT_SAID_VERBS: tuple[str, ...] = ("said", "says", "wrote", "writes", "tweeted", "claimed", "claims", "stated", "declared")
CHAT_SAID_ADVERBS: tuple[str, ...] = ("once", "also", "really", "actually")
CHAT_NAME_BEFORE_VERBS: tuple[str, ...] = ("said", "says", "wrote", "tweeted")

# Speeches: verbs that name a term rather than quote a person (`what one woman called "…"`).
NAMING_VERBS: tuple[str, ...] = (
    "called", "calls", "call", "described as", "describes as", "dubbed", "labell?ed", "branded", "termed", "named",
    "read", "reads",
)
# Speeches: verbs after a pronoun or a thing that cites it (`it said`, `they wrote`), not a person.
CITING_VERBS: tuple[str, ...] = ("said", "says", "say", "wrote", "writes", "read", "reads", "told", "tells", "asked")
# Speeches: a speech verb right after a name makes that person the one quoted.
QUOTING_VERBS: tuple[str, ...] = (
    "said", "says", "warned", "warns", "wrote", "writes", "told", "tells", "declared", "declares", "observed", "noted",
    "put it",
)

# --- Names -------------------------------------------------------------------------------------------

# Lowercase particles inside a person's name ("Ursula von der Leyen", "Mohammed bin Salman").
NAME_PARTICLES: tuple[str, ...] = (
    "von", "van", "der", "den", "de", "da", "del", "della", "di", "du", "la", "le", "bin", "ibn", "al", "el",
)
# The particles chat names may carry (`- Ludwig van Beethoven`).
CHAT_NAME_PARTICLES: tuple[str, ...] = ("von", "van", "der", "den", "de", "da", "del", "la", "le", "bin", "al")

# Who an unnamed source is (`a senior official said`): never a person's name.
ROLE_NOUNS: tuple[str, ...] = (
    "official", "officials", "spokesman", "spokeswoman", "spokesperson", "aide", "aides", "adviser", "advisers",
    "advisor", "source", "sources", "statement", "analyst", "analysts", "expert", "experts", "lawyer", "attorney",
    "member", "members", "supporter", "supporters", "voter", "voters", "resident", "residents", "staffer",
    "staffers", "official's", "strategist", "strategists", "operative", "diplomat", "diplomats", "officer",
    "officers", "executive", "leader", "leaders", "candidate", "campaign", "economist", "pollster", "professor",
    "researcher", "activist", "protester", "protesters", "organizer", "friend",
)
# Organisations that speak (`the Kremlin said`): names, and the last word of a longer name.
ORGANISATION_NAMES: tuple[str, ...] = ("Kremlin", "Pentagon", "Vatican", "Congress", "Senate", "Parliament", "Downing Street")
ORGANISATION_NOUNS: tuple[str, ...] = (
    "House", "Department", "Ministry", "Office", "Party", "Committee", "Council", "Commission", "Campaign", "Agency",
    "Court", "Times", "Post", "Journal", "News", "Network", "Institute", "Foundation", "Association", "Union",
    "Bureau", "Service", "Administration", "Government", "Group", "Center", "Centre", "Police", "Army",
    "Lines", "Airlines", "Airways", "Motors", "Bank", "Company", "Corporation", "Inc", "Corp", "Ltd", "University",
    "College", "Magazine", "Tribune", "Herald", "Board", "Authority", "Federation", "League",
)

# --- Speakers that are not named people (bot/core/speaker_kinds.py) ----------------------------------

# Head nouns of texts that speak: statements, filings, adverts, posts (`the court filing says`).
DOCUMENT_HEADS: tuple[str, ...] = (
    "statement", "statements", "filing", "filings", "letter", "letters", "memo", "memos", "report", "reports", "ad",
    "ads", "advert", "adverts", "advertisement", "commercial", "spot", "editorial", "editorials", "release",
    "email", "emails", "e-mail", "tweet", "tweets", "post", "posts", "video", "videos", "document", "documents",
    "complaint", "lawsuit", "suit", "order", "ruling", "opinion", "audit", "indictment", "affidavit", "transcript",
    "book", "article", "column", "website", "page", "script", "note", "notice", "announcement", "message",
    "messages", "petition", "brief", "motion", "platform", "survey", "poll", "study", "analysis", "guidance",
    "manual", "minutes", "op-ed", "headline", "caption", "sign", "signs", "banner", "banners", "placard", "leaflet",
    "flyer", "mailer", "pamphlet", "brochure", "decision", "judgment", "verdict", "resolution", "bill", "law",
    "proposal", "plan", "policy", "agreement", "contract", "treaty", "constitution", "charter", "manifesto",
)

# Head nouns of organisations and publications written in lower case (`the airline said`).
ORGANISATION_HEADS: tuple[str, ...] = (
    "campaign", "campaigns", "committee", "party", "administration", "department", "ministry", "agency", "office",
    "company", "firm", "group", "organization", "organisation", "network", "newspaper", "paper", "magazine",
    "station", "court", "government", "council", "union", "association", "foundation", "institute", "university",
    "team", "staff", "board", "commission", "airline", "bank", "police", "service", "house", "senate", "congress",
    "pac", "outlet", "channel", "center", "centre", "corporation", "coalition", "movement", "club", "church",
    "school", "panel", "caucus", "bureau", "army", "military", "embassy", "city", "county", "district", "fund",
    "site", "publication", "website", "retailer", "maker", "manufacturer", "insurer", "hospital", "prosecutors",
    "regulator", "regulators", "authority", "authorities", "watchdog", "federation", "league", "charity", "lobby",
    "bloc", "alliance", "parliament", "cabinet", "carmaker", "automaker", "drugmaker", "chain", "lender", "label",
    "supermarket", "business",
)

# Organisation heads that name no kind of body an article would spell out ("the company" after "GM
# said", not "General Motors Company"): they stand for the organisation the narration is about.
GENERIC_ORGANISATION_HEADS: tuple[str, ...] = (
    "company", "firm", "group", "corporation", "business", "carmaker", "automaker", "drugmaker", "maker",
    "manufacturer", "retailer", "insurer", "lender", "bank", "airline", "chain", "label", "supermarket",
    "organisation", "organization",
)

# Days and months: capitalised, never an organisation's name.
CALENDAR_WORDS: tuple[str, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
)

# Head nouns that describe one person: titles, jobs, plain person words (`the Ohio congresswoman`).
PERSON_HEADS: tuple[str, ...] = (
    "president", "vice-president", "senator", "congressman", "congresswoman", "representative", "governor", "mayor",
    "secretary", "minister", "chancellor", "premier", "nominee", "candidate", "businessman", "businesswoman",
    "billionaire", "mogul", "tycoon", "magnate", "developer", "host", "star", "actor", "actress", "singer",
    "rapper", "comedian", "author", "writer", "novelist", "reporter", "journalist", "columnist", "anchor",
    "commentator", "pundit", "chairman", "chairwoman", "chair", "leader", "speaker", "lawmaker", "legislator",
    "politician", "official", "spokesman", "spokeswoman", "spokesperson", "aide", "adviser", "advisor",
    "strategist", "pollster", "analyst", "economist", "professor", "expert", "lawyer", "attorney", "prosecutor",
    "judge", "justice", "sheriff", "officer", "agent", "diplomat", "ambassador", "envoy", "executive", "ceo",
    "founder", "director", "manager", "coach", "player", "pastor", "preacher", "bishop", "priest", "rabbi", "imam",
    "activist", "protester", "organizer", "organiser", "voter", "resident", "supporter", "critic", "veteran",
    "mother", "father", "wife", "husband", "son", "daughter", "man", "woman", "boy", "girl", "friend", "neighbor",
    "neighbour", "student", "teacher", "doctor", "nurse", "worker", "owner", "member", "staffer", "operative",
    "insider", "source", "witness", "challenger", "incumbent", "opponent", "rival", "frontrunner", "front-runner",
    "republican", "democrat", "independent", "conservative", "liberal", "moderate", "progressive", "commenter",
    "reader", "viewer", "caller", "narrator", "voice", "voice-over", "narration", "moderator", "questioner",
    "interviewer", "surgeon", "neurosurgeon", "physician", "scientist", "researcher", "historian", "scholar",
    "biographer", "congressmember", "delegate", "hopeful", "contender",
)

# Nationalities written as nouns for a person (`the Australian said`).
NATIONALITY_NOUNS: tuple[str, ...] = (
    "american", "russian", "ukrainian", "briton", "frenchman", "german", "italian", "spaniard", "chinese",
    "japanese", "korean", "indian", "pakistani", "afghan", "iranian", "iraqi", "syrian", "israeli", "palestinian",
    "saudi", "egyptian", "turk", "mexican", "canadian", "australian", "brazilian", "cuban", "venezuelan", "pole",
    "swede", "scot", "welshman", "greek", "belgian", "swiss", "austrian", "argentine", "argentinian", "dane",
    "norwegian", "finn", "portuguese", "kenyan", "nigerian", "african", "zimbabwean", "serb", "croat",
    "czech", "slovak", "hungarian", "romanian", "bulgarian", "dutchman", "irishman", "englishman", "kiwi",
)

# Role nouns that say the person's gender, for the pronouns they may stand for.
FEMALE_ROLE_HEADS: tuple[str, ...] = (
    "congresswoman", "businesswoman", "actress", "chairwoman", "spokeswoman", "mother", "wife", "daughter", "woman",
    "girl",
)
MALE_ROLE_HEADS: tuple[str, ...] = (
    "congressman", "businessman", "chairman", "spokesman", "father", "husband", "son", "man", "boy",
)

# Verbs of an answer: who answers a quoted question did not ask it (`…?” Mr Milburn replied that …`).
ANSWER_VERBS: tuple[str, ...] = (
    "replied", "responded", "answered", "shot back", "fired back",
)

# Verbs of a sentence naming the speaker after a quote (`That was how Jane Doe put it.`).
PUT_IT_VERBS: tuple[str, ...] = (
    "put it", "puts it", "said", "says", "described it", "called it", "explained it", "summed it up", "told",
)

# --- Titles ------------------------------------------------------------------------------------------

# Words a title in Title Case leaves in lowercase ("Meet the Press"): a quoted title is no statement.
TITLE_MINOR_WORDS: tuple[str, ...] = (
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with", "vs",
    "via", "nor", "so", "yet", "is", "be",
)
