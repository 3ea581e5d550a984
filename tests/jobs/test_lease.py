"""The database lease: one holder at a time, taken over only after it expires."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.jobs.lease import Lease

T0 = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
TTL = timedelta(minutes=10)


def test_second_holder_is_refused_while_the_lease_is_live(engine):
    first, second = Lease(engine, "a"), Lease(engine, "b")
    assert first.acquire("inbox", TTL, now=T0)
    assert not second.acquire("inbox", TTL, now=T0 + timedelta(minutes=5))
    # A different job is a different lease.
    assert second.acquire("feeds", TTL, now=T0)


def test_expired_lease_is_taken_over_and_the_old_holder_cannot_renew(engine):
    first, second = Lease(engine, "a"), Lease(engine, "b")
    assert first.acquire("inbox", TTL, now=T0)
    assert second.acquire("inbox", TTL, now=T0 + TTL + timedelta(seconds=1))
    assert not first.renew("inbox", TTL, now=T0 + TTL + timedelta(seconds=2))
    assert second.renew("inbox", TTL, now=T0 + TTL + timedelta(seconds=2))


def test_release_lets_another_holder_in_at_once_but_only_the_holder_can_release(engine):
    first, second = Lease(engine, "a"), Lease(engine, "b")
    assert first.acquire("backup", TTL, now=T0)
    second.release("backup")  # not its lease: nothing happens
    assert not second.acquire("backup", TTL, now=T0)
    first.release("backup")
    assert second.acquire("backup", TTL, now=T0)


def test_renewal_keeps_a_long_run_covered(engine):
    first, second = Lease(engine, "a"), Lease(engine, "b")
    assert first.acquire("feeds", TTL, now=T0)
    assert first.renew("feeds", TTL, now=T0 + timedelta(minutes=8))
    assert not second.acquire("feeds", TTL, now=T0 + timedelta(minutes=15))


def test_reacquiring_own_lease_succeeds(engine):
    lease = Lease(engine, "a")
    assert lease.acquire("digest", TTL, now=T0)
    assert lease.acquire("digest", TTL, now=T0 + timedelta(minutes=1))


def test_many_threads_racing_for_one_lease_get_exactly_one_winner(engine):
    winners: list[str] = []
    barrier = threading.Barrier(6)

    def race(name: str) -> None:
        lease = Lease(engine, name)
        barrier.wait()
        if lease.acquire("retention", TTL, now=T0):
            winners.append(name)

    threads = [threading.Thread(target=race, args=(f"p{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1
