"""Feed polling against a local news site: ingest once, conditional requests, back-off on errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.jobs.feeds import FeedConfig, FeedPoller, extract_article_text
from bot.jobs.runners import ingest_feed_article

from .conftest import export
from .feedserver import ARTICLES, article_html, start_site

T0 = datetime(2026, 5, 19, 12, 0, tzinfo=UTC)


@pytest.fixture
def site():
    server, site = start_site()
    yield site
    server.shutdown()
    server.server_close()


@pytest.fixture
def poller_for(engine, store):
    made: list[FeedPoller] = []

    def make(*feeds: FeedConfig) -> FeedPoller:
        # The local site is on 127.0.0.1, which the bot refuses for entry links unless told otherwise.
        poller = FeedPoller(engine, feeds, ingest_feed_article(store), timeout=5, allow_private_links=True)
        made.append(poller)
        return poller

    yield make
    for poller in made:
        poller.close()


def test_article_text_is_extracted_without_navigation_or_footer():
    text = extract_article_text(article_html("/news/2026/05/18/bridges"))
    assert "We will rebuild every bridge" in text
    assert "Sign in" not in text and "All rights reserved" not in text


def test_feed_is_ingested_once_with_entry_metadata(site, store, poller_for):
    poller = poller_for(FeedConfig(f"{site.base}/feed.xml", outlet="Example Daily"))
    first = poller.poll_all(now=T0)
    assert first.ok, first.summary()
    assert first.feeds[0].ingested == 2
    statements = {s["text"]: s for s in export(store)}
    rebuilt = statements["We will rebuild every bridge in this state before the decade is out"]
    assert rebuilt["speaker"] == "Jane Doe"
    assert rebuilt["date"] == "2026-05-18"
    assert rebuilt["source"]["title"] == "Senator promises to rebuild every bridge"
    assert rebuilt["source"]["outlet"] == "Example Daily"
    assert rebuilt["source"]["url"] == f"{site.base}/news/2026/05/18/bridges"
    assert any(s["speaker"] == "Maria Alvarez" for s in statements.values())
    before = export(store)

    second = poller.poll_all(now=T0 + timedelta(minutes=30))
    feed_hits = site.hits("/feed.xml")
    assert len(feed_hits) == 2
    assert feed_hits[1].get("if-none-match") == site.etag
    assert feed_hits[1].get("if-modified-since") == site.last_modified
    assert second.feeds[0].status == "not modified"
    assert second.feeds[0].ingested == 0
    assert export(store) == before
    # Each article page was fetched exactly once.
    assert all(len(site.hits(path)) == 1 for path in ARTICLES)


def test_a_server_ignoring_conditional_requests_still_adds_nothing_the_second_time(site, store, poller_for):
    site.honour_conditional = False
    poller = poller_for(FeedConfig(f"{site.base}/atom.xml"))
    poller.poll_all(now=T0)
    before = export(store)
    assert before and before[0]["source"]["outlet"] == "Example Atom Desk"
    second = poller.poll_all(now=T0 + timedelta(minutes=30))
    assert second.feeds[0].status == "fetched" and second.feeds[0].new_entries == 0
    assert export(store) == before
    assert all(len(site.hits(path)) == 1 for path in ARTICLES)


def test_errors_back_off_exponentially_and_recover(site, store, poller_for):
    site.fail_feed_with = 503
    poller = poller_for(FeedConfig(f"{site.base}/feed.xml"))
    url = f"{site.base}/feed.xml"

    assert poller.poll_all(now=T0).feeds[0].status == "error"
    state = poller.states()[0]
    assert state.failures == 1 and state.last_status == 503
    first_delay = state.next_poll_at - T0

    # Inside the back-off window the feed is not requested at all.
    assert poller.poll_all(now=T0 + first_delay / 2).feeds[0].status == "backing off"
    assert len(site.hits("/feed.xml")) == 1

    second_time = T0 + first_delay
    poller.poll_all(now=second_time)
    state = poller.states()[0]
    assert state.failures == 2
    assert state.next_poll_at - second_time == 2 * first_delay

    site.fail_feed_with = None
    recovered = poller.poll(FeedConfig(url), now=state.next_poll_at)
    assert recovered.status == "fetched" and recovered.ingested == 2
    state = poller.states()[0]
    assert state.failures == 0 and state.next_poll_at is None


def test_retry_after_is_honoured(site, poller_for):
    site.fail_feed_with = 429
    site.retry_after = "7200"
    poller = poller_for(FeedConfig(f"{site.base}/feed.xml"))
    poller.poll_all(now=T0)
    assert poller.states()[0].next_poll_at - T0 == timedelta(hours=2)


def test_unreachable_feed_is_an_error_not_a_crash(engine, store, poller_for, site):
    poller = poller_for(FeedConfig("http://127.0.0.1:9/feed.xml"), FeedConfig(f"{site.base}/feed.xml"))
    report = poller.poll_all(now=T0)
    assert [f.status for f in report.feeds] == ["error", "fetched"]
    assert not report.ok and "127.0.0.1:9" in report.summary()
    assert report.feeds[1].ingested == 2


def test_the_next_regular_poll_is_not_skipped_for_firing_a_moment_early(site, engine, store):
    site.fail_feed_with = 503
    poller = FeedPoller(engine, [FeedConfig(f"{site.base}/feed.xml")], ingest_feed_article(store),
                        timeout=5, backoff_base=timedelta(minutes=30), allow_private_links=True)
    try:
        poller.poll_all(now=T0)
        site.fail_feed_with = None
        # The job's next slot fires a few seconds before the back-off's end: the feed is polled.
        report = poller.poll_all(now=T0 + timedelta(minutes=30) - timedelta(seconds=5))
        assert report.feeds[0].status == "fetched"
    finally:
        poller.close()


def test_a_lost_feed_cursor_does_not_duplicate_statements(site, engine, store, poller_for):
    from bot.store.tables import FeedState

    poller = poller_for(FeedConfig(f"{site.base}/feed.xml"))
    poller.poll_all(now=T0)
    before = export(store)
    with engine.begin() as conn:  # as if the process died after ingesting, before saving the state
        conn.execute(FeedState.__table__.delete())
    again = poller.poll_all(now=T0 + timedelta(minutes=30))
    assert again.feeds[0].ingested == 2 and again.feeds[0].added == 0
    assert export(store) == before


def test_entry_links_into_private_networks_are_not_fetched(site, engine, store):
    poller = FeedPoller(engine, [FeedConfig(f"{site.base}/feed.xml")], ingest_feed_article(store), timeout=5)
    try:
        report = poller.poll_all(now=T0)
    finally:
        poller.close()
    assert report.feeds[0].status == "fetched" and report.feeds[0].ingested == 0
    assert all("not a public address" in e for e in report.feeds[0].entry_errors)
    assert all(not site.hits(path) for path in ARTICLES)  # the pages were never requested
    assert export(store) == []


def test_public_url_check():
    from bot.jobs.feeds import is_public_url

    assert not is_public_url("http://127.0.0.1/x")
    assert not is_public_url("http://169.254.169.254/latest/meta-data/")
    assert not is_public_url("http://10.1.2.3/")
    assert not is_public_url("http://[::1]/")
    assert not is_public_url("http://localhost/")
    assert is_public_url("http://93.184.215.14/news")


@pytest.mark.parametrize("allowed", [True, False])
async def test_the_feeds_job_follows_the_private_links_setting(site, engine, store, allowed):
    from bot.config import JobSettings, Settings
    from bot.jobs.runners import build_runners

    jobs = JobSettings(feeds=({"url": f"{site.base}/feed.xml", "outlet": "Local"},), feeds_allow_private_links=allowed)
    runners = build_runners(store, Settings(database_url="postgresql+psycopg://unused/x", jobs=jobs), engine)
    outcome = await runners["feeds"]()
    assert outcome.ok
    assert ("2 article(s)" in outcome.summary) is allowed
    assert bool(export(store)) is allowed
