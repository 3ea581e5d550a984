"""Speaker rows inside a write transaction: canonical names and the other forms of each name."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlmodel import Session, col

from bot.core.speakers import fold, strip_titles
from bot.store.batches import batches
from bot.store.tables import SpeakerAliasRow, SpeakerRow, StatementRow


class SpeakerResolver:
    """Maps speaker names to speaker rows inside one transaction, creating them as needed.

    A full name gets its own speaker; a single word ("Putin") joins the one speaker with that
    surname when there is exactly one, so transcripts written with surnames meet the articles'
    full names. Distinct full names are never merged (George H. W. Bush is not George W. Bush).

    `prefetch` reads the rows of many names in a few queries (a statement list names thousands of
    speakers); names it did not see are looked up one by one. What this transaction writes is kept
    in the same maps, so either way a name resolves as if each earlier one had been written first.
    """

    def __init__(self, session: Session, *, batch: bool = False) -> None:
        """With `batch`, new forms are written together by `flush`, which the caller must call before committing."""
        self.session = session
        self.batch = batch
        self.by_name: dict[str, int | None] = {}  # names as written, so a speech's 500 sentences cost one lookup
        self.by_key: dict[str, int] = {}
        self._fetched: set[str] = set()  # keys whose speaker and alias rows are all in the maps below
        self._speaker_of_key: dict[str, int] = {}
        self._alias_speakers: dict[str, set[int]] = {}
        self._forms: set[tuple[int, str]] = set()  # (speaker id, alias key) rows known to exist
        self._forms_read: set[int] = set()  # speakers whose every alias key is in _forms
        self._by_surname: dict[str, set[int]] | None = None  # last word of every full name, when loaded
        self._pending: list[dict[str, object]] = []  # alias rows not written yet (see `flush`)

    def prefetch(self, names: Iterable[str]) -> None:
        """Read the speaker and alias rows of these names (and of their untitled forms) at once."""
        self.flush()
        keys: set[str] = set()
        for name in names:
            if name and name.strip():
                keys.update(k for k in (fold(strip_titles(name)), fold(name.strip())[:300]) if k)
        keys -= self._fetched
        for batch in batches(sorted(keys)):
            for speaker_id, key in self.session.execute(select(col(SpeakerRow.id), col(SpeakerRow.key)).where(col(SpeakerRow.key).in_(batch))):
                self._speaker_of_key[key] = speaker_id
            aliases = select(col(SpeakerAliasRow.speaker_id), col(SpeakerAliasRow.key)).where(col(SpeakerAliasRow.key).in_(batch))
            for speaker_id, key in self.session.execute(aliases):
                self._alias_speakers.setdefault(key, set()).add(speaker_id)
                self._forms.add((speaker_id, key))
        self._fetched |= keys
        if sum(1 for key in keys if " " not in key) > _SURNAME_SCAN_AFTER and self._by_surname is None:
            # Many one-word names: one pass over the full names beats a LIKE scan for each.
            self._by_surname = {}
            for speaker_id, key in self.session.execute(select(col(SpeakerRow.id), col(SpeakerRow.key)).where(col(SpeakerRow.key).like("% %"))):
                self._by_surname.setdefault(key.rsplit(" ", 1)[-1], set()).add(speaker_id)

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
            speaker_id = self._create(canonical[:300], key[:300])
        self._remember_form(speaker_id, name.strip())
        self.by_key[key] = speaker_id
        return speaker_id

    def add_alias(self, canonical: str, alias: str) -> None:
        speaker_id = self.resolve(canonical)
        if speaker_id is not None and alias.strip():
            self._remember_form(speaker_id, alias.strip())

    def _create(self, name: str, key: str) -> int:
        # Plain Core inserts with bound parameters: one compiled statement for thousands of new speakers.
        created = self.session.connection().execute(_SPEAKERS.insert(), {"name": name, "key": key})
        speaker_id = int(created.inserted_primary_key[0])  # type: ignore[index]
        self._speaker_of_key[key] = speaker_id
        if " " in key and self._by_surname is not None:
            self._by_surname.setdefault(key.rsplit(" ", 1)[-1], set()).add(speaker_id)
        self._forms_read.add(speaker_id)  # new: it has no forms but those added here
        self._add_form(speaker_id, name, key)
        return speaker_id

    def flush(self) -> None:
        """Write the speakers' new forms; call before the transaction commits."""
        if self._pending:
            self.session.connection().execute(_ALIASES.insert(), self._pending)
            self._pending = []

    def _find(self, key: str) -> int | None:
        if key not in self._fetched:
            self.flush()
        if key in self._fetched:
            own = self._speaker_of_key.get(key)
            via_alias = self._alias_speakers.get(key, set())
        else:
            own = self.session.scalars(select(col(SpeakerRow.id)).where(col(SpeakerRow.key) == key)).first()
            via_alias = set(self.session.scalars(select(col(SpeakerAliasRow.speaker_id)).where(col(SpeakerAliasRow.key) == key)).all())
        if own is not None:
            return own
        if len(via_alias) == 1:
            return next(iter(via_alias))
        if " " not in key:
            if self._by_surname is not None:
                surname = list(self._by_surname.get(key, ()))
            else:
                surname = [
                    sid
                    for sid in self.session.scalars(
                        select(col(SpeakerRow.id)).where(col(SpeakerRow.key).like(f"% {_like_escape(key)}", escape="\\"))
                    )
                    if sid is not None
                ]
            if len(surname) == 1:
                return surname[0]
        return None

    def _remember_form(self, speaker_id: int, form: str) -> None:
        key = fold(form)[:300]
        if not key or (speaker_id, key) in self._forms:
            return
        if key not in self._fetched and speaker_id not in self._forms_read:
            self.flush()
            # One query per speaker, not per form: an article names its speakers in several forms.
            query = select(col(SpeakerAliasRow.key)).where(col(SpeakerAliasRow.speaker_id) == speaker_id)
            self._forms.update((speaker_id, known) for known in self.session.scalars(query))
            self._forms_read.add(speaker_id)
            if (speaker_id, key) in self._forms:
                return
        self._add_form(speaker_id, form[:300], key)

    def _add_form(self, speaker_id: int, alias: str, key: str) -> None:
        # Written in one batch by `flush` (before any query that could read them, and by the caller
        # before it commits): a list of quotations adds tens of thousands.
        self._pending.append({"speaker_id": speaker_id, "alias": alias, "key": key})
        self._forms.add((speaker_id, key))
        if not self.batch:
            self.flush()
        self._alias_speakers.setdefault(key, set()).add(speaker_id)


_SPEAKERS = SpeakerRow.__table__  # type: ignore[attr-defined]
_ALIASES = SpeakerAliasRow.__table__  # type: ignore[attr-defined]
# One-word names in one document past which the surnames of all speakers are read at once.
_SURNAME_SCAN_AFTER = 50


def other_names(session: Session) -> dict[str, list[str]]:
    """Each speaker name as statements write it → the other names of that speaker, sorted.

    What `export` writes as `speaker_aliases`, so each line carries on its own what a re-ingest needs
    to know the speaker by the same names. Names without other forms are left out.
    """
    forms: dict[int, dict[str, str]] = {}  # speaker id → folded key → the form first seen
    aliases = select(col(SpeakerAliasRow.speaker_id), col(SpeakerAliasRow.alias), col(SpeakerAliasRow.key)).order_by(col(SpeakerAliasRow.id))
    for speaker_id, alias, key in session.execute(aliases):
        forms.setdefault(speaker_id, {}).setdefault(key, alias)
    written = session.execute(
        select(col(StatementRow.speaker), col(StatementRow.speaker_id)).where(col(StatementRow.speaker_id).is_not(None)).distinct()
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
