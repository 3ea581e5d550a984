"""RSS/Atom feeds: poll politely, fetch each new entry's article, extract its text, ingest it.

Polite means: conditional requests (ETag / Last-Modified, so an unchanged feed costs a 304), a
timeout on every request, and per-feed exponential back-off after errors (honouring Retry-After).
Entry ids already ingested are remembered per feed, so the second poll of an unchanged feed adds
nothing even when the server ignores conditional requests. Ingestion itself is idempotent (stable
statement ids), so a crash between ingesting an entry and remembering it only repeats a no-op.
"""

from __future__ import annotations

import calendar
import email.utils
import ipaddress
import json
import logging
import socket
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import feedparser
import httpx
import trafilatura
from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from bot.jobs.clock import utcnow
from bot.jobs.inbox import FileOutcome
from bot.jobs.tables import FeedState

log = logging.getLogger(__name__)

_STATE = FeedState.__table__  # type: ignore[attr-defined]
SEEN_CAP = 2000  # entry ids remembered per feed; feeds list far fewer at a time
MAX_ENTRIES_PER_POLL = 50  # keeps one run bounded when a feed first appears
MAX_PAGE_BYTES = 5_000_000
USER_AGENT = "quotecheck-feeds/0.1 (+https://github.com/quotecheck)"


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """One configured feed: its URL and the outlet name its articles are credited to."""

    url: str
    outlet: str | None = None

    @classmethod
    def from_setting(cls, value: Mapping[str, Any] | str) -> FeedConfig:
        """Accepts `{url = "...", outlet = "..."}` tables from the config file, or a bare URL."""
        if isinstance(value, str):
            return cls(url=value)
        if not value.get("url"):
            raise ValueError(f"feed without url: {dict(value)!r}")
        return cls(url=str(value["url"]), outlet=value.get("outlet") or None)


@dataclass(frozen=True, slots=True)
class FeedArticle:
    """A feed entry with its article text, ready to become an article document."""

    entry_id: str
    title: str | None
    url: str
    date: str | None  # ISO date
    outlet: str | None
    author: str | None
    text: str


IngestArticle = Callable[[FeedArticle], FileOutcome]


@dataclass(slots=True)
class FeedReport:
    """What one poll of one feed did."""

    url: str
    status: str = ""  # fetched | not modified | backing off | error
    new_entries: int = 0
    ingested: int = 0
    added: int = 0
    entry_errors: list[str] = field(default_factory=list)
    error: str = ""


@dataclass(slots=True)
class FeedsReport:
    """What one poll of every feed did."""

    feeds: list[FeedReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """False when a feed itself failed (entry problems alone do not count)."""
        return not any(f.status == "error" for f in self.feeds)

    def summary(self) -> str:
        """One line for the job history."""
        ingested = sum(f.ingested for f in self.feeds)
        added = sum(f.added for f in self.feeds)
        counts: dict[str, int] = {}
        for f in self.feeds:
            counts[f.status] = counts.get(f.status, 0) + 1
        states = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        text = f"{len(self.feeds)} feed(s): {states or 'none configured'}; {ingested} article(s), {added} statements added"
        errors = [f"{f.url}: {f.error}" for f in self.feeds if f.error]
        errors += [e for f in self.feeds for e in f.entry_errors]
        if errors:
            text += f"; {len(errors)} problem(s), first: {errors[0]}"
        return text


def extract_article_text(html: str | bytes, url: str | None = None) -> str | None:
    """The article's main text (no navigation, ads or comments), or None when none is found."""
    return trafilatura.extract(html, url=url, include_comments=False, include_tables=False)


class FeedPoller:
    """Polls the configured feeds; state (ETag, Last-Modified, seen ids, back-off) lives in `feed_state`."""

    def __init__(
        self,
        engine: Engine,
        feeds: Iterable[FeedConfig],
        ingest: IngestArticle,
        *,
        client: httpx.Client | None = None,
        timeout: float = 20.0,
        backoff_base: timedelta = timedelta(minutes=5),
        backoff_max: timedelta = timedelta(hours=24),
        allow_private_links: bool = False,
    ) -> None:
        self.engine = engine
        self.feeds = tuple(feeds)
        self.ingest = ingest
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT},
        )
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        # Feed URLs come from the operator, but entry links come from whoever writes the feed: a
        # link into the bot's own network (cloud metadata, admin pages) is never fetched.
        self.allow_private_links = allow_private_links

    def close(self) -> None:
        """Close the HTTP connections."""
        self.client.close()

    def poll_all(self, *, now: datetime | None = None) -> FeedsReport:
        """Poll every feed that is not backing off; one feed's failure never stops the others."""
        report = FeedsReport()
        for feed in self.feeds:
            try:
                report.feeds.append(self.poll(feed, now=now))
            except Exception as exc:  # a bug in one feed's handling must not starve the rest
                log.exception("feeds: polling %s failed", feed.url)
                report.feeds.append(FeedReport(url=feed.url, status="error", error=f"{type(exc).__name__}: {exc}"))
        return report

    def poll(self, feed: FeedConfig, *, now: datetime | None = None) -> FeedReport:
        """Poll one feed: a conditional GET, then every entry not seen before."""
        now = now or utcnow()
        state = self._load(feed.url)
        report = FeedReport(url=feed.url)
        # A little slack: the poll that fires one interval later, a moment before the back-off
        # ends, must not be skipped (that would double every delay).
        slack = min(timedelta(minutes=1), self.backoff_base / 10)
        if state.next_poll_at is not None and now < state.next_poll_at - slack:
            report.status = "backing off"
            return report
        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        state.last_polled_at = now
        try:
            response = self.client.get(feed.url, headers=headers)
        except httpx.HTTPError as exc:
            return self._failed(state, report, f"{type(exc).__name__}: {exc}", now)
        state.last_status = response.status_code
        if response.status_code == 304:
            report.status = "not modified"
            self._succeeded(state)
            return report
        if response.status_code >= 400:
            return self._failed(state, report, f"HTTP {response.status_code}", now, response=response)
        parsed = feedparser.parse(
            response.content,
            response_headers={
                "content-location": str(response.url),
                "content-type": response.headers.get("content-type", "application/xml"),
            },
        )
        if parsed.bozo and not parsed.entries:
            return self._failed(state, report, f"not a feed: {parsed.get('bozo_exception')}", now)
        report.status = "fetched"
        outlet = feed.outlet or _clean(parsed.feed.get("title"))
        seen: list[str] = json.loads(state.seen or "[]")
        seen_set = set(seen)
        fresh = [e for e in parsed.entries if _entry_id(e) not in seen_set]
        # Feeds list newest first; ingest oldest first so an interrupted run resumes in order.
        fresh = list(reversed(fresh))[:MAX_ENTRIES_PER_POLL]
        report.new_entries = len(fresh)
        for entry in fresh:
            entry_id = _entry_id(entry)
            done = self._take_entry(entry, entry_id, outlet, report)
            if done:
                seen.append(entry_id)
                seen_set.add(entry_id)
        state.seen = json.dumps(seen[-SEEN_CAP:])
        state.etag = response.headers.get("etag") or None
        state.last_modified = response.headers.get("last-modified") or None
        self._succeeded(state)
        return report

    def _take_entry(self, entry: Any, entry_id: str, outlet: str | None, report: FeedReport) -> bool:
        """Fetch, extract and ingest one entry; True when it need not be tried again."""
        link = entry.get("link")
        if not link or not str(link).startswith(("http://", "https://")):
            report.entry_errors.append(f"{entry_id}: no http(s) link")
            return True
        if not self.allow_private_links and not is_public_url(str(link)):
            report.entry_errors.append(f"{link}: not a public address; not fetched")
            return True
        try:
            response = self.client.get(link)
        except httpx.HTTPError as exc:
            report.entry_errors.append(f"{link}: {type(exc).__name__}: {exc}")
            return False  # network trouble: try again next poll
        if response.status_code >= 500 or response.status_code == 429:
            report.entry_errors.append(f"{link}: HTTP {response.status_code}")
            return False
        if response.status_code >= 400:
            report.entry_errors.append(f"{link}: HTTP {response.status_code}")
            return True  # gone or forbidden: asking again will not help
        if len(response.content) > MAX_PAGE_BYTES:
            report.entry_errors.append(f"{link}: page larger than {MAX_PAGE_BYTES} bytes")
            return True
        text = extract_article_text(response.content, url=str(response.url))
        if not text:
            report.entry_errors.append(f"{link}: no article text found")
            return True
        article = FeedArticle(
            entry_id=entry_id,
            title=_clean(entry.get("title")),
            url=str(link),
            date=_entry_date(entry),
            outlet=outlet,
            author=_clean(entry.get("author")),
            text=text,
        )
        outcome = self.ingest(article)
        if not outcome.ok:
            report.entry_errors.append(f"{link}: {outcome.reason}")
            return True
        report.ingested += 1
        report.added += outcome.added
        return True

    def _failed(
        self, state: FeedState, report: FeedReport, error: str, now: datetime, *, response: httpx.Response | None = None
    ) -> FeedReport:
        state.failures += 1
        delay = min(self.backoff_base * (2 ** (state.failures - 1)), self.backoff_max)
        retry_after = _retry_after(response, now) if response is not None else None
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.backoff_max))
        state.next_poll_at = now + delay
        state.last_error = error[:500]
        self._save(state)
        log.warning("feeds: %s failed (%s); next try in %s", state.url, error, delay)
        report.status = "error"
        report.error = error
        return report

    def _succeeded(self, state: FeedState) -> None:
        state.failures = 0
        state.next_poll_at = None
        state.last_error = ""
        self._save(state)

    def _load(self, url: str) -> FeedState:
        with self.engine.connect() as conn:
            row = conn.execute(select(_STATE).where(_STATE.c.url == url)).mappings().first()
        return FeedState(**row) if row else FeedState(url=url)

    def _save(self, state: FeedState) -> None:
        values = {c.name: getattr(state, c.name) for c in _STATE.columns}
        dialect = self.engine.dialect.name
        module = postgresql if dialect == "postgresql" else sqlite
        stmt = module.insert(_STATE).values(**values)
        stmt = stmt.on_conflict_do_update(index_elements=[_STATE.c.url], set_={k: v for k, v in values.items() if k != "url"})
        with self.engine.begin() as conn:
            conn.execute(stmt)

    def states(self) -> list[FeedState]:
        """Every feed's stored state (for `quotecheck jobs` and the digest)."""
        with self.engine.connect() as conn:
            return [FeedState(**row) for row in conn.execute(select(_STATE).order_by(_STATE.c.url)).mappings()]


def is_public_url(url: str) -> bool:
    """True when every address the URL's host resolves to is a public (global) one."""
    host = urlsplit(url).hostname
    if not host:
        return False
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return False
    addresses = {str(info[4][0]) for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses)


def _entry_id(entry: Any) -> str:
    return str(entry.get("id") or entry.get("link") or entry.get("title") or "")


def _entry_date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        moment = entry.get(key)
        if moment:
            return datetime.fromtimestamp(calendar.timegm(moment), tz=UTC).date().isoformat()
    return None


def _clean(value: Any) -> str | None:
    if not value:
        return None
    text = " ".join(str(value).split())
    return text or None


def _retry_after(response: httpx.Response, now: datetime) -> timedelta | None:
    """Retry-After as seconds or as an HTTP date."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    if value.strip().isdigit():
        return timedelta(seconds=int(value.strip()))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return max(when - now, timedelta(0))
