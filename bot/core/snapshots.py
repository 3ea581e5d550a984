"""Matcher snapshots: the whole in-memory index in one file, so a start can skip the cold build."""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.config import MatchingSettings
from bot.core.rerank import Fetch

if TYPE_CHECKING:
    from bot.core.matcher import Matcher

SNAPSHOT_VERSION = 2  # 2: with the related-statements index


def save_snapshot(matcher: Matcher, path: str | Path, token: str = "", meta: Mapping[str, object] | None = None) -> None:
    """Write the whole index to `path` (one file), tagged with `token` (e.g. a database identity) so
    a later `load_snapshot` can tell whether it still matches the database; `meta` (plain values,
    e.g. the audit watermark it reflects) comes back as the loaded matcher's `meta`."""
    write_snapshot(snapshot_state(matcher, token, meta), path)


def snapshot_state(matcher: Matcher, token: str = "", meta: Mapping[str, object] | None = None) -> dict[str, Any]:
    """The whole index as plain values, taken under the matcher's lock in tens of milliseconds:
    every column that later additions change is copied, so the state can be written to disk while
    lookups and additions go on."""
    with matcher._lock:
        matcher._index.compact()
        return {
            "version": SNAPSHOT_VERSION,
            "token": token,
            "meta": dict(meta or {}),
            "index": matcher._index.state(),
            "ids": list(matcher._ids),
            "texts": list(matcher._texts),
            "records": list(matcher._records) if matcher._fetch is None else None,
            "alive": bytes(matcher._alive),
            "guild": matcher._guild.tobytes(),
            "date": matcher._date.tobytes(),
            "speaker": matcher._speaker.tobytes(),
            "kind": bytes(matcher._kind),
            "speaker_names": list(matcher._speaker_names),
            "aliases": dict(matcher._aliases),
            "related": matcher._related.state(),
        }


def write_snapshot(state: Mapping[str, Any], path: str | Path) -> None:
    """Write what `snapshot_state` took to `path`, atomically: readers never see half a snapshot."""
    target = Path(path)
    partial = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.partial")
    try:
        with open(partial, "wb") as fh:
            pickle.dump(dict(state), fh, protocol=pickle.HIGHEST_PROTOCOL)
            fh.flush()
            os.fsync(fh.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def load_snapshot(
    cls: type[Matcher], path: str | Path, settings: MatchingSettings | None = None, fetch: Fetch | None = None, token: str = ""
) -> Matcher | None:
    """A matcher restored from a snapshot written by `save_snapshot`, or None when the file is
    missing, unreadable, of another version, or tagged with another token. Only load files you wrote."""
    try:
        with open(path, "rb") as fh:
            state = pickle.load(fh)
    except Exception:
        return None
    if not isinstance(state, dict) or state.get("version") != SNAPSHOT_VERSION or state.get("token") != token:
        return None
    try:
        return _restore(cls, state, settings, fetch)
    except Exception:
        return None


def _restore(cls: type[Matcher], state: dict[str, Any], settings: MatchingSettings | None, fetch: Fetch | None) -> Matcher | None:
    if fetch is None and state["records"] is None:
        return None  # the snapshot holds no records and nothing could load them
    matcher = cls(settings, fetch)
    matcher._index.restore(state["index"])
    matcher._ids = state["ids"]
    matcher._texts = state["texts"]
    matcher._records = state["records"] if fetch is None else [None] * len(matcher._ids)
    matcher._alive = bytearray(state["alive"])
    for name in ("guild", "date", "speaker"):
        getattr(matcher, f"_{name}").frombytes(state[name])
    matcher._kind = bytearray(state["kind"])
    matcher._aliases = state["aliases"]
    matcher.meta = dict(state.get("meta") or {})
    matcher._related.restore(state["related"])
    n = len(matcher._ids)
    columns = (matcher._texts, matcher._alive, matcher._guild, matcher._date, matcher._speaker, matcher._kind)
    if any(len(column) != n for column in columns) or matcher._index.documents > n or len(matcher._related) != n:
        return None
    for name in state["speaker_names"]:
        matcher._speaker_id(name)
    matcher._pos = {sid: i for i, sid in enumerate(matcher._ids) if matcher._alive[i]}
    speakers = np.frombuffer(matcher._speaker, dtype=np.int32)
    alive = np.frombuffer(matcher._alive, dtype=np.uint8).astype(bool)
    guilds = np.frombuffer(matcher._guild, dtype=np.int64)
    live = np.flatnonzero(alive)
    matcher._count_speakers(live, speakers[live], guilds[live])
    del speakers, alive, guilds
    return matcher
