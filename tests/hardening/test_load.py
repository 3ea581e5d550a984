"""Load, small version of bench/load.py: 50 concurrent /verify through the local Discord server on 10^4
statements. Asserts no error and every command acknowledged and answered; timings are the bench's job."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.load import run_waves
from bot.config import Settings

pytestmark = pytest.mark.e2e
STATEMENTS = 10_000


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, str | None]]]:
    """The seed article and 10^4 synthetic statements (Quotes-500K when the data set is present)."""
    import json

    folder = tmp_path_factory.mktemp("load") / "corpus"
    try:
        from bench.load import write_corpus

        queries = write_corpus(folder, STATEMENTS)
    except (FileNotFoundError, OSError):
        from bench.load import SEED

        folder.mkdir(parents=True, exist_ok=True)
        (folder / SEED.name).write_bytes(SEED.read_bytes())
        with open(folder / "synthetic.jsonl", "w", encoding="utf-8") as fh:
            for n in range(STATEMENTS):
                fh.write(json.dumps({"text": f"Harbour {n} will open gate {n % 97} before winter {n % 13}",
                                     "speaker": f"Mayor {n % 500}"}) + "\n")
        queries = [(f"Harbour {n} will open gate {n % 97} before winter {n % 13}", None) for n in range(0, STATEMENTS, 200)]
    return folder, queries


async def test_fifty_concurrent_verifies_on_ten_thousand_statements(corpus, tmp_path):
    from bot.service import QuoteService

    folder, queries = corpus
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'load.sqlite'}", bundled=(str(folder),))
    service = QuoteService.open(settings, load_bundled=True, progress=False)
    try:
        assert service.stats().statements >= STATEMENTS
        [wave] = await run_waves(service, settings, [50], queries, heartbeat_ms=500)
    finally:
        service.close()
    assert wave.errors == []
    assert len(wave.acks) == len(wave.answers) == 50  # every one acknowledged (in the window) and answered
    assert wave.heartbeats >= 1  # the gateway heartbeat kept going during the wave
