"""Corpus files → statements: articles, speeches, transcripts and statement lists (JSONL).

Pure parsing: text in, `ParsedDocument` out, `CorpusFormatError` with a one-line reason for
anything that is not a corpus file. Formats are described in CONTRACT.md ("Corpus file formats").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from bot.core.embedded_quotes import Passage, embedded_statements, paragraphs
from bot.core.invisible import remove_invisible
from bot.core.model import CorpusFormatError, ParsedDocument, SourceInfo, StatementRecord
from bot.core.scope import parse_guild_id
from bot.core.sentences import split_sentences
from bot.core.speaker_kinds import SPEAKER_KINDS
from bot.core.speakers import fold, strip_titles

TEXT_SUFFIXES = (".txt", ".md")
STATEMENT_SUFFIXES = (".jsonl",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + STATEMENT_SUFFIXES
HEADER_KEYS = frozenset({"title", "date", "url", "outlet", "author", "kind", "speaker", "aliases"})
# Sentences shorter than this are greetings and applause lines ("Thank you."), not statements worth
# matching: they would match almost any short quote.
MIN_STATEMENT_WORDS = 4

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?$")
_DATE_LINE = re.compile(r"^\ufeff?\s*date\s+(\d{4}-\d{2}-\d{2})\b[^\n]*(?:\n|$)")
_FRONT_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
# A transcript turn: a short capitalised name, a colon, the words ("DONALD TRUMP: We will ...").
_TURN = re.compile(r"^\s*((?:[A-Z][\w.'’\-]*|[A-Z]\.)(?:[ \t]+(?:[A-Z][\w.'’\-]*|[A-Z]\.|de|da|van|von|der|la|le)){0,5})[ \t]*:[ \t]+(\S.*)$")
# Stage directions in speech and transcript texts, not words anyone said.
_STAGE = re.compile(
    r"\s*[\[(]\s*(?:applause|laughter|cheers|cheering|boos|booing|inaudible|crosstalk|audience\b[^\])]*|"
    r"the (?:president|vice president)\b[^\])]*|pause|music|silence|(?:applause|laughter)[^\])]*)\s*[\])]",
    re.IGNORECASE,
)
# A source kind is an open short label ("post", "press release"); these are the ones a text file's header may name.
_TEXT_KINDS = ("article", "speech", "transcript")
MAX_KIND_CHARS = 20  # the width of the source table's kind column
_KIND = re.compile(r"^[^\W_][\w '&/\-]*$")
_ID = re.compile(r"^[\w\-.:]{1,64}$")
MAX_SPEAKER_ALIASES = 50  # far more than anyone is known by; bounds the speaker lookups one line costs
# Bump whenever parsing changes what a file yields: stored files parsed by an older version are parsed
# again and replaced on the next ingest. 1: the first releases (documents stored without a version);
# 2: invisible characters dropped, quotations cited in speeches and transcripts stored as the quoted person's;
# 3: articles keep quotations of organisations, unnamed people and documents, with their speaker kind.
PARSER_VERSION = 3


def parse_document(name: str, text: str) -> ParsedDocument:
    """Parse one corpus file; the extension and the header choose the format.

    Invisible characters (zero-width, bidi controls, soft hyphens) are dropped first, so names and
    quotes are found through them, and dropped again from what JSON escapes or front matter decoded.
    """
    return _without_invisible(_parse_format(name, remove_invisible(text)))


def _without_invisible(doc: ParsedDocument) -> ParsedDocument:
    """`doc` with no invisible character in any statement, source or alias (`bot.core.invisible`)."""
    if not any(remove_invisible(value) != value for value in _strings(doc)):
        return doc  # the usual case: nothing to copy
    source = _clean_source(doc.source)
    statements = []
    for number, record in enumerate(doc.statements, start=1):
        text = remove_invisible(record.text).strip()
        if not text:
            raise CorpusFormatError(f"statement {number}: the text holds only invisible characters")
        statements.append(
            replace(
                record,
                text=text,
                speaker=_clean(record.speaker),
                source=source if record.source == doc.source else _clean_source(record.source),
                context_before=remove_invisible(record.context_before),
                context_after=remove_invisible(record.context_after),
            )
        )
    aliases = tuple((remove_invisible(name), remove_invisible(form)) for name, form in doc.aliases)
    return replace(doc, source=source, statements=tuple(statements), aliases=aliases)


def _clean_record(record: StatementRecord) -> StatementRecord:
    """`record` without invisible characters (what JSON escapes can still hold once the line is cleaned)."""
    values = (record.text, record.speaker or "", record.context_before, record.context_after)
    source = record.source
    if all(remove_invisible(v) == v for v in values) and all(
        remove_invisible(v) == v for v in (source.title, source.url, source.outlet, source.author) if v
    ):
        return record
    text = remove_invisible(record.text).strip()
    if not text:
        raise CorpusFormatError("the text holds only invisible characters")
    return replace(
        record,
        text=text,
        speaker=_clean(record.speaker),
        source=_clean_source(source),
        context_before=remove_invisible(record.context_before),
        context_after=remove_invisible(record.context_after),
    )


def _strings(doc: ParsedDocument) -> Iterable[str]:
    for source in {doc.source, *(record.source for record in doc.statements)}:
        yield from (value for value in (source.title, source.url, source.outlet, source.author) if value)
    for record in doc.statements:
        yield from (record.text, record.speaker or "", record.context_before, record.context_after)
    for pair in doc.aliases:
        yield from pair


def _clean_source(source: SourceInfo) -> SourceInfo:
    return replace(
        source,
        title=_clean(source.title),
        url=_clean(source.url),
        outlet=_clean(source.outlet),
        author=_clean(source.author),
    )


def _clean(value: str | None) -> str | None:
    return None if value is None else remove_invisible(value).strip() or None


def _parse_format(name: str, text: str) -> ParsedDocument:
    suffix = _suffix(name)
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "no extension"
        raise CorpusFormatError(f"unknown format ({shown}): corpus files are .txt, .md or .jsonl")
    if "\x00" in text:
        raise CorpusFormatError("contains NUL bytes: not a text file")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise CorpusFormatError("the file is empty")
    if suffix in STATEMENT_SUFFIXES:
        return parse_statements(name, text)
    header, body = split_header(text)
    kind = (header.get("kind") or "article").strip().lower()
    source = SourceInfo(
        title=header.get("title"),
        url=header.get("url"),
        outlet=header.get("outlet"),
        date=_date(header.get("date")),
        kind=kind if kind in _TEXT_KINDS else "article",
        author=header.get("author"),
    )
    if not body.strip():
        raise CorpusFormatError("no text after the header")
    if kind == "article":
        return parse_article(source, body)
    if kind == "speech":
        speaker = (header.get("speaker") or "").strip()
        if not speaker:
            raise CorpusFormatError("a speech needs `speaker:` in its front matter")
        aliases = [a.strip() for a in re.split(r"[;,]", header.get("aliases", "")) if a.strip()]
        return parse_speech(source, body, speaker, aliases)
    if kind == "transcript":
        return parse_transcript(source, body)
    raise CorpusFormatError(f"unknown kind {kind!r}: use article, speech or transcript")


def split_header(text: str) -> tuple[dict[str, str], str]:
    """The header (YAML front matter or the seed's `date YYYY-MM-DD …` line) and the body after it."""
    if text.startswith("---\n") or text.startswith("---\r\n"):
        end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.MULTILINE)
        if end is None:
            raise CorpusFormatError("front matter starts with --- but has no closing --- line")
        header = _front_matter(text[4 : 4 + end.start()])
        return header, text[4 + end.end() :].lstrip("\n")
    match = _DATE_LINE.match(text)
    if match:
        return {"date": match.group(1)}, text[match.end() :]
    return {}, text


def _front_matter(block: str) -> dict[str, str]:
    header: dict[str, str] = {}
    for number, line in enumerate(block.split("\n"), start=2):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _FRONT_LINE.match(stripped)
        if match is None:
            raise CorpusFormatError(f"front matter line {number} is not `key: value`")
        key, value = match.group(1).lower(), _scalar(match.group(2))
        if key in HEADER_KEYS and value:
            header[key] = value
    return header


def _scalar(raw: str) -> str:
    """A YAML scalar as front matter writes it: plain, 'single' or "double" quoted, `~`/null empty."""
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            return str(json.loads(value))
        except json.JSONDecodeError:
            return value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if " #" in value:
        value = value.split(" #", 1)[0].rstrip()
    return "" if value in {"~", "null", "Null", "NULL"} else value


def _date(value: str | None) -> str | None:
    if not value:
        return None
    match = _DATE.match(value.strip())
    if match is None:
        raise CorpusFormatError(f"date {value!r} is not YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise CorpusFormatError(f"date {value!r} is not a calendar date")
    return f"{year:04d}-{month:02d}-{day:02d}"


def _suffix(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base.strip(".") else ""


# -- articles -----------------------------------------------------------------------------------


def parse_article(source: SourceInfo, body: str) -> ParsedDocument:
    """Every direct quotation of the article, with its speaker and the sentences around it."""
    from bot.core.extract import extract_quotes  # the extractor is large; only articles need it

    statements: list[StatementRecord] = []
    aliases: dict[tuple[str, str], None] = {}
    for quote in extract_quotes(body):
        if not is_statement(quote):
            continue
        speaker = getattr(quote, "speaker", None)
        text = quote.text.strip()
        # Without a speaker the words are still someone's, unnamed: checking them should find them.
        kind = getattr(quote, "speaker_kind", "person") if speaker else "unnamed"
        statements.append(
            StatementRecord(
                text=text,
                speaker=speaker,
                speaker_kind=kind,
                source=source,
                context_before=getattr(quote, "context_before", "") or "",
                context_after=getattr(quote, "context_after", "") or "",
                position=len(statements),
            )
        )
        for form in _forms(quote) if kind == "person" else ():
            if speaker is not None and fold(form) != fold(speaker):
                aliases[(speaker, form)] = None
    for pair in _article_aliases(body, {s.speaker for s in statements if s.speaker}):
        aliases[pair] = None
    return ParsedDocument(source, tuple(statements), tuple(aliases))


def is_statement(quote: Any) -> bool:
    """Whether an extracted quotation is stored as a statement: not a scare quote or a title, and with
    a speaker of some kind or, when the article names nobody, four words or more (a shorter
    unattributed quotation is a slogan or a phrase)."""
    if getattr(quote, "scare", False) or not quote.text.strip():
        return False
    return bool(getattr(quote, "speaker", None)) or len(quote.text.split()) >= MIN_STATEMENT_WORDS


def _article_aliases(body: str, speakers: set[str]) -> list[tuple[str, str]]:
    """(speaker, another form the article uses for them): "Putin", "Russian President Vladimir Putin"."""
    from bot.core.speakers import PeopleIndex, name_runs, parse_run

    found: list[tuple[str, str]] = []
    runs = [(run, parse_run(run.group(0), run.start())) for run in name_runs(body)]
    people = PeopleIndex([m for _, mentions in runs for m in mentions])
    for run, mentions in runs:
        for mention in mentions:
            if not people.is_person(mention):
                continue
            canonical = " ".join(people.canonical_tokens(mention.tokens))
            if canonical not in speakers:
                continue
            for form in (body[mention.start : mention.end], body[run.start() : mention.end] if mention.titled else ""):
                form = " ".join(form.split()).removesuffix("'s").removesuffix("’s")
                if form and fold(form) != fold(canonical):
                    found.append((canonical, form))
    return found


def _forms(quote: Any) -> Iterable[str]:
    """The other names the article used for this quote's speaker, if the extractor reports them."""
    for attribute in ("speaker_forms", "mentions", "aliases", "speaker_mention", "mention"):
        value = getattr(quote, attribute, None)
        if isinstance(value, str) and value and value[0].isupper():
            yield value
        elif isinstance(value, (list, tuple)):
            yield from (v for v in value if isinstance(v, str) and v and v[0].isupper())


# -- speeches and transcripts -------------------------------------------------------------------


def parse_speech(source: SourceInfo, body: str, speaker: str, aliases: Sequence[str] = ()) -> ParsedDocument:
    """Every sentence of the speech is a statement of its speaker (`aliases`: other forms of the name)."""
    sentences = _sentences(body)
    statements = _sentence_statements([(speaker, sentences)], source)
    passages = (Passage(speaker, _STAGE.sub("", line), tuple(aliases)) for line in paragraphs(body))
    statements += _embedded(passages, source, len(statements))
    pairs = _alias_pairs([speaker]) + tuple((speaker, alias) for alias in aliases if alias != speaker)
    return ParsedDocument(source, statements, pairs)


def parse_transcript(source: SourceInfo, body: str) -> ParsedDocument:
    """Turns written `SPEAKER NAME: text`; every sentence is a statement of the turn's speaker."""
    turns: list[tuple[str, list[str]]] = []
    for line in body.split("\n"):
        match = _TURN.match(line)
        if match:
            turns.append((_speaker_name(match.group(1)), [match.group(2)]))
        elif turns:
            turns[-1][1].append(line)
    if not turns:
        raise CorpusFormatError("a transcript needs turns written `SPEAKER NAME: text`")
    grouped = [(speaker, _sentences("\n".join(lines))) for speaker, lines in turns]
    # Quotations cited in a turn are not split out as in speeches: spoken citations are loose ("he said
    # he'd…", half a list of names), and judged by hand on the bundled debates 16 of 53 named the wrong
    # person or words never said, too many for a corpus of verified statements.
    statements = _sentence_statements(grouped, source)
    return ParsedDocument(source, statements, _alias_pairs(speaker for speaker, _ in turns))


def _speaker_name(raw: str) -> str:
    name = " ".join(raw.split())
    # Transcripts often shout names ("DONALD TRUMP"); the corpus keeps them as names are written.
    if name.isupper() and len(name) > 3:
        name = " ".join(word if len(word) <= 2 and word.endswith(".") else word.capitalize() for word in name.split())
    return name


def _sentences(text: str) -> list[str]:
    cleaned = _STAGE.sub("", text)
    found = []
    for start, end in split_sentences(cleaned):
        sentence = " ".join(cleaned[start:end].split())
        if sentence.startswith("[") and sentence.endswith("]"):
            continue  # a bracketed note ("[Before speaking, the President ...]")
        found.append(sentence)
    return found


def _sentence_statements(turns: Sequence[tuple[str, list[str]]], source: SourceInfo) -> tuple[StatementRecord, ...]:
    statements: list[StatementRecord] = []
    for speaker, sentences in turns:
        for index, sentence in enumerate(sentences):
            if len(sentence.split()) < MIN_STATEMENT_WORDS:
                continue
            statements.append(
                StatementRecord(
                    text=sentence,
                    speaker=speaker,
                    source=source,
                    context_before=sentences[index - 1] if index > 0 else "",
                    context_after=sentences[index + 1] if index + 1 < len(sentences) else "",
                    position=len(statements),
                )
            )
    return tuple(statements)


def _embedded(passages: Iterable[Passage], source: SourceInfo, sentence_count: int) -> tuple[StatementRecord, ...]:
    """The people a speech or transcript quotes, as their own statements (`bot.core.embedded_quotes`)."""
    return embedded_statements(passages, source, first_position=sentence_count, min_words=MIN_STATEMENT_WORDS)


def _alias_pairs(names: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """A titled name ("President Obama") is an alias of its untitled form."""
    pairs: dict[tuple[str, str], None] = {}
    for name in names:
        bare = strip_titles(name)
        if bare != name:
            pairs[(bare, name)] = None
    return tuple(pairs)


# -- statement lists ----------------------------------------------------------------------------


def parse_statements(name: str, text: str) -> ParsedDocument:
    """One statement per line, in the `export` format (`id` optional; `guild_id` names the server it belongs to)."""
    parts = StatementLines(name)
    for number, line in enumerate(text.split("\n"), start=1):
        parts.add(number, line)
    return parts.document()


class StatementLines:
    """A statement list read line by line: each line parsed on its own (`add` raises
    CorpusFormatError naming the line), gathered into one document until `document()` is taken."""

    def __init__(self, name: str) -> None:
        self.source = SourceInfo(title=name.replace("\\", "/").rsplit("/", 1)[-1], kind="statements")
        self.statements: list[StatementRecord] = []
        # Once per (speaker, name), however many lines repeat it. Every speaker is paired with its own name
        # where the lines first name it, so the store meets speakers in line order, as it met them in the
        # files an export came from: "Joe Biden" of a debate stays its own speaker when a later speech
        # gives "Joe Biden" as another name of Joseph R. Biden Jr.
        self.aliases: dict[tuple[str, str], None] = {}

    def add(
        self, number: int, line: str, check: Callable[[StatementRecord, list[str]], None] | None = None
    ) -> StatementRecord | None:
        """Parse line `number` into the document (None for a blank line); `check` may refuse the
        statement and its speaker's other names with CorpusFormatError before they are taken."""
        if not line.strip():
            return None
        try:
            record, names = parse_statement_line(remove_invisible(line), len(self.statements))
            record, names = _clean_record(record), [remove_invisible(name) for name in names]
            if check is not None:
                check(record, names)
        except CorpusFormatError as exc:
            raise CorpusFormatError(f"line {number}: {exc}") from None
        if record.speaker is not None:
            self.aliases.update(((record.speaker, name), None) for name in (record.speaker, *names))
        self.statements.append(record)
        return record

    def document(self) -> ParsedDocument:
        if not self.statements:
            raise CorpusFormatError("no statements in the file")
        return ParsedDocument(self.source, tuple(self.statements), tuple(self.aliases))


def parse_statement_line(line: str, position: int) -> tuple[StatementRecord, list[str]]:
    """One line of a statement list: its statement and the speaker's other names it lists."""
    if "\x00" in line:
        raise CorpusFormatError("contains a NUL byte")
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusFormatError(f"not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise CorpusFormatError("expected a JSON object")
    record = _statement_from_json(data, position)
    return record, _speaker_aliases(data, record.speaker)


def _speaker_aliases(data: Mapping[str, Any], speaker: str | None) -> list[str]:
    """The line's `speaker_aliases`: other names of its speaker, as a speech's `aliases:` gives them."""
    value = data.get("speaker_aliases")
    if value is None or value == []:
        return []
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise CorpusFormatError("`speaker_aliases` must be a list of strings")
    if len(value) > MAX_SPEAKER_ALIASES:
        raise CorpusFormatError(f"`speaker_aliases` holds more than {MAX_SPEAKER_ALIASES} names")
    if speaker is None:
        raise CorpusFormatError("`speaker_aliases` needs a `speaker`")
    names = (" ".join(name.split()) for name in value)
    return [name for name in names if name and fold(name) != fold(speaker)]


def _statement_from_json(data: Mapping[str, Any], position: int) -> StatementRecord:
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CorpusFormatError("`text` must be a non-empty string")
    speaker = _optional_str(data, "speaker")
    raw_source = data.get("source") or {}
    if not isinstance(raw_source, Mapping):
        raise CorpusFormatError("`source` must be an object")
    kind = source_kind(raw_source.get("kind"))
    source = SourceInfo(
        title=_optional_str(raw_source, "title"),
        url=_optional_str(raw_source, "url"),
        outlet=_optional_str(raw_source, "outlet"),
        date=_date(_optional_str(raw_source, "date")),
        kind=kind,
        author=_optional_str(raw_source, "author"),
    )
    statement_id = _optional_str(data, "id")
    if statement_id is not None and not _ID.match(statement_id):
        raise CorpusFormatError("`id` must be 1-64 letters, digits, '-', '_', '.' or ':'")
    speaker_kind = _optional_str(data, "speaker_kind") or "person"
    if speaker_kind not in SPEAKER_KINDS:
        raise CorpusFormatError(f"unknown speaker kind {speaker_kind!r} (one of {', '.join(SPEAKER_KINDS)})")
    return StatementRecord(
        text=text.strip(),
        speaker=speaker,
        speaker_kind=speaker_kind,
        source=source,
        date=_date(_optional_str(data, "date")),
        context_before=_optional_str(data, "context_before") or "",
        context_after=_optional_str(data, "context_after") or "",
        position=position,
        id=statement_id,
        guild_id=parse_guild_id(data.get("guild_id")),
    )


def source_kind(value: Any) -> str:
    """A statement list's `source.kind`: an open short label (`post`, `interview`, `press release`),
    kept lower-case with single spaces; absent means `statements`."""
    if value is None or value == "":
        return "statements"
    if not isinstance(value, str):
        raise CorpusFormatError("`source.kind` must be a string")
    kind = " ".join(value.split()).lower()
    if len(kind) > MAX_KIND_CHARS or not _KIND.match(kind):
        raise CorpusFormatError(
            f"source kind {value[:40]!r} is not a short label (letters, digits, spaces, up to {MAX_KIND_CHARS} characters)"
        )
    return kind


def _optional_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise CorpusFormatError(f"`{key}` must be a string or null")
    return value or None
