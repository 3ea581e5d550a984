"""Speaker rows inside a write transaction: canonical names and the other forms of each name."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from bot.core.speakers import fold, strip_titles
from bot.store.tables import SpeakerAliasRow, SpeakerRow, StatementRow


class SpeakerResolver:
    """Maps speaker names to speaker rows inside one transaction, creating them as needed.

    A full name gets its own speaker; a single word ("Putin") joins the one speaker with that
    surname when there is exactly one, so transcripts written with surnames meet the articles'
    full names. Distinct full names are never merged (George H. W. Bush is not George W. Bush).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_name: dict[str, int | None] = {}  # names as written, so a speech's 500 sentences cost one lookup
        self.by_key: dict[str, int] = {}
        self.forms: dict[int, set[str]] = {}  # a speaker's alias keys, read once per speaker

    def resolve(self, name: str | None) -> int | None:
        if not name or not name.strip():
            return None
        if name not in self.by_name:
            self.by_name[name] = self._resolve(name)
        return self.by_name[name]

    def _resolve(self, name: str) -> int | None:
        key = fold(strip_titles(name))
        if not key:
            return None
        speaker_id = self.by_key.get(key)
        if speaker_id is None:
            speaker_id = self._find(key)
        if speaker_id is None:
            canonical = strip_titles(name.strip())
            row = SpeakerRow(name=canonical[:300], key=key[:300])
            self.session.add(row)
            self.session.flush()
            speaker_id = row.id
            self.session.add(SpeakerAliasRow(speaker_id=speaker_id, alias=canonical[:300], key=key[:300]))
        self._remember_form(speaker_id, name.strip())  # type: ignore[arg-type]
        self.by_key[key] = speaker_id  # type: ignore[assignment]
        return speaker_id

    def add_alias(self, canonical: str, alias: str) -> None:
        speaker_id = self.resolve(canonical)
        if speaker_id is not None and alias.strip():
            self._remember_form(speaker_id, alias.strip())

    def _find(self, key: str) -> int | None:
        own = self.session.scalars(select(SpeakerRow.id).where(SpeakerRow.key == key)).first()
        if own is not None:
            return own
        via_alias = self.session.scalars(select(SpeakerAliasRow.speaker_id).where(SpeakerAliasRow.key == key)).all()
        if len(set(via_alias)) == 1:
            return via_alias[0]
        if " " not in key:
            surname = self.session.scalars(
                select(SpeakerRow.id).where(SpeakerRow.key.like(f"% {_like_escape(key)}", escape="\\"))  # type: ignore[attr-defined]
            ).all()
            if len(surname) == 1:
                return surname[0]
        return None

    def _remember_form(self, speaker_id: int, form: str) -> None:
        key = fold(form)[:300]
        if not key:
            return
        known = self.forms.get(speaker_id)
        if known is None:
            # One query per speaker, not per form: an article names its speakers in several forms.
            query = select(SpeakerAliasRow.key).where(SpeakerAliasRow.speaker_id == speaker_id)
            known = self.forms[speaker_id] = set(self.session.scalars(query).all())
        if key not in known:
            self.session.add(SpeakerAliasRow(speaker_id=speaker_id, alias=form[:300], key=key))
            self.session.flush()
            known.add(key)


def other_names(session: Session) -> dict[str, list[str]]:
    """Each speaker name as statements write it → the other names of that speaker, sorted.

    What `export` writes as `speaker_aliases`, so each line carries on its own what a re-ingest needs
    to know the speaker by the same names. Names without other forms are left out.
    """
    forms: dict[int, dict[str, str]] = {}  # speaker id → folded key → the form first seen
    aliases = select(SpeakerAliasRow.speaker_id, SpeakerAliasRow.alias, SpeakerAliasRow.key).order_by(SpeakerAliasRow.id)
    for speaker_id, alias, key in session.execute(aliases):
        forms.setdefault(speaker_id, {}).setdefault(key, alias)
    written = session.execute(
        select(StatementRow.speaker, StatementRow.speaker_id).where(StatementRow.speaker_id.is_not(None)).distinct()  # type: ignore[union-attr]
    )
    names: dict[str, set[str]] = {}
    for name, speaker_id in written:
        own_key = fold(name)
        others = {form for key, form in forms.get(speaker_id, {}).items() if key != own_key}
        if others:
            names.setdefault(name, set()).update(others)
    return {name: sorted(others, key=lambda form: (fold(form), form)) for name, others in names.items()}


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
