"""Settings: `config/quotecheck.toml`, overridden by `QUOTECHECK_*` environment variables, overridden by options."""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from bot.core.errors import QuotecheckError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "quotecheck.toml"
DEFAULT_SQLITE = PROJECT_ROOT / "data" / "quotecheck.sqlite"
# Pillow warns of a decompression bomb above about 89 million pixels; pictures are refused there whatever the setting.
PILLOW_MAX_MEGAPIXELS = 89.0


class SettingsError(QuotecheckError, ValueError):
    """A setting that cannot be read; the message names it."""


@dataclass(frozen=True)
class MatchingSettings:
    unverified_below: float = 72.0
    candidates: int = 200
    query_terms: int = 16
    max_term_share: float = 0.05
    alternatives: int = 3
    min_coverage: float = 0.6
    widen_below: float = 85.0
    same_words_within: float = 1.5
    # Added for start-up snapshots and the PostgreSQL candidate backend (see config/quotecheck.toml).
    backend: str = "memory"
    snapshot_dir: str = ""
    trigram_threshold: float = 0.5
    # Related statements (paraphrases, posts): none scoring below this (0-100) is shown.
    related_floor: float = 30.0


@dataclass(frozen=True)
class DiscordSettings:
    token: str = field(default="", repr=False)  # never in a repr, so never in a log line or a traceback
    token_file: str = ""
    api_base: str = ""
    gateway_url: str = ""
    moderator_role: str = ""
    lookup_cooldown: float = 3.0
    lookup_rate: int = 3
    shard_count: int = 0
    shard_ids: tuple[int, ...] = ()

    def resolved_token(self) -> str:
        """The token from the settings, else from `token_file`; empty when neither is set."""
        if self.token:
            return self.token.strip()
        if self.token_file:
            return Path(self.token_file).expanduser().read_text(encoding="utf-8").strip()
        return ""


@dataclass(frozen=True)
class JobSettings:
    inbox: tuple[str, ...] = ()
    inbox_interval_minutes: float = 5
    feeds: tuple[Mapping[str, str], ...] = ()
    feeds_interval_minutes: float = 30
    digest_channel_id: int = 0
    digest_cron: str = "0 8 * * *"
    backup_dir: str = "data/backups"
    backup_cron: str = "30 3 * * *"
    backup_keep: int = 7
    lookup_log_days: int = 30
    retention_cron: str = "15 4 * * *"
    # Added for the scheduler (see config/quotecheck.toml for what each does).
    inbox_settle_seconds: float = 60.0
    inbox_skip_invalid: bool = False
    feeds_timeout_seconds: float = 20.0
    feeds_allow_private_links: bool = False
    refresh_interval_seconds: float = 5.0
    heartbeat_file: str = "data/heartbeat.json"


@dataclass(frozen=True)
class LimitSettings:
    """Sizes users may want to raise or lower for their community."""

    import_max_mb: float = 5.0  # the largest file `/corpus import` accepts
    claims_per_message: int = 5  # quotations checked per message by "Verify quotes"
    ingest_max_file_mb: float = 50.0  # the largest corpus file `quotecheck ingest` and the inbox read
    # Pictures (quote cards, screenshots): checked before a pixel is decoded, read one at a time.
    image_max_mb: float = 10.0  # the largest picture file fetched or read
    image_max_megapixels: float = 40.0  # width x height, from the file's header (decompression bombs)
    image_max_side: int = 12_000  # pixels on the longer side
    image_seconds: float = 20.0  # the time a caller waits for one picture to be read
    images_in_flight: int = 4  # pictures being read or waiting at once; one more is told to try later

    def __post_init__(self) -> None:
        # A limit of 0 or less would refuse everything (or, for a time, never wait): a mistake, not a choice.
        wrong = [f"limits.{f.name} must be above 0, not {getattr(self, f.name)!r}" for f in fields(self)
                 if isinstance(getattr(self, f.name), int | float) and getattr(self, f.name) <= 0]
        if self.image_max_megapixels > PILLOW_MAX_MEGAPIXELS:
            wrong.append(f"limits.image_max_megapixels must be at most {PILLOW_MAX_MEGAPIXELS:.0f} (the picture decoder's "
                         f"own bound), not {self.image_max_megapixels!r}")
        if wrong:
            raise SettingsError("; ".join(wrong))


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    bundled: tuple[str, ...] = ("corpus",)
    matching: MatchingSettings = field(default_factory=MatchingSettings)
    discord: DiscordSettings = field(default_factory=DiscordSettings)
    jobs: JobSettings = field(default_factory=JobSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    log_level: str = "INFO"

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or the embedded SQLite default."""
        return self.database_url or f"sqlite:///{DEFAULT_SQLITE}"

    def bundled_paths(self) -> list[Path]:
        return [p if p.is_absolute() else PROJECT_ROOT / p for p in map(Path, self.bundled)]


def load_settings(
    config_path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Read the TOML file, apply environment variables, then keyword overrides (None values are ignored)."""
    env = os.environ if environ is None else environ
    path = config_path or Path(env.get("QUOTECHECK_CONFIG", DEFAULT_CONFIG))
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path}: {exc}") from exc
    check_file(raw, path)
    if str(raw.get("discord", {}).get("token", "")).strip() and path.resolve().is_relative_to(PROJECT_ROOT):
        # A file in the project gets committed, copied into images and shared; the token must not travel with it.
        raise SettingsError(
            f"{path}: discord.token is set in a file inside the project; put the token in QUOTECHECK_DISCORD_TOKEN "
            "(or DISCORD_TOKEN) or in a token_file outside the project, and leave token empty here"
        )
    matching = _section(MatchingSettings, raw.get("matching", {}), env, "MATCHING")
    discord = _section(DiscordSettings, raw.get("discord", {}), env, "DISCORD")
    jobs = _section(JobSettings, raw.get("jobs", {}), env, "JOBS")
    limits = _section(LimitSettings, raw.get("limits", {}), env, "LIMITS")
    token = env.get("QUOTECHECK_DISCORD_TOKEN") or env.get("DISCORD_TOKEN")
    if token:
        discord = replace(discord, token=token)
    for key in ("api_base", "gateway_url"):
        value = env.get(f"QUOTECHECK_DISCORD_{key.upper()}")
        if value:
            discord = replace(discord, **{key: value})
    settings = Settings(
        database_url=env.get("QUOTECHECK_DATABASE_URL") or raw.get("database", {}).get("url", ""),
        bundled=tuple(raw.get("corpus", {}).get("bundled", ["corpus"])),
        matching=matching,
        discord=discord,
        jobs=jobs,
        limits=limits,
        log_level=env.get("QUOTECHECK_LOG_LEVEL") or raw.get("logging", {}).get("level", "INFO"),
    )
    return replace(settings, **{k: v for k, v in overrides.items() if v is not None})


def _section(cls: type, table: Mapping[str, Any], env: Mapping[str, str], prefix: str) -> Any:
    values: dict[str, Any] = {}
    for f in fields(cls):
        default = getattr(cls(), f.name)
        value = table.get(f.name, default)
        env_value = env.get(f"QUOTECHECK_{prefix}_{f.name.upper()}")
        if env_value is not None:
            value = _from_env(env_value, default, f"QUOTECHECK_{prefix}_{f.name.upper()}")
        if isinstance(default, tuple) and isinstance(value, list):
            value = tuple(value)
        values[f.name] = value
    return cls(**values)


def _from_env(value: str, default: Any, name: str) -> Any:
    try:
        if isinstance(default, bool):
            return value.strip().lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        if isinstance(default, tuple):
            return tuple(part.strip() for part in value.split(",") if part.strip())
    except ValueError as exc:
        raise SettingsError(f"{name}: {value!r} is not a valid {type(default).__name__}") from exc
    return value


# -- checking the file -------------------------------------------------------------------------------

# The file's tables: those read into a settings class, and the small ones read key by key above.
_TABLES: dict[str, type | dict[str, Any]] = {
    "database": {"url": str},
    "corpus": {"bundled": tuple[str, ...]},
    "matching": MatchingSettings,
    "discord": DiscordSettings,
    "jobs": JobSettings,
    "limits": LimitSettings,
    "logging": {"level": str},
}


def check_file(raw: Mapping[str, Any], path: Path) -> None:
    """SettingsError naming every unknown key (with the likely one meant) and every value of the wrong type."""
    problems: list[str] = []
    for table, values in raw.items():
        expected = _TABLES.get(table)
        if expected is None:
            problems.append(_unknown(table, list(_TABLES)))
            continue
        if not isinstance(values, dict):
            problems.append(f"[{table}] must be a table of settings")
            continue
        types = expected if isinstance(expected, dict) else get_type_hints(expected)
        for key, value in values.items():
            if key not in types:
                problems.append(_unknown(f"{table}.{key}", [f"{table}.{k}" for k in types]))
            elif not _fits(value, types[key]):
                problems.append(f"{table}.{key} must be {_describe(types[key])}, not {value!r}")
    if problems:
        raise SettingsError(f"{path}: " + "; ".join(problems))


def _unknown(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f"{key} is not a setting" + (f" (did you mean {close[0]}?)" if close else "")


def _fits(value: Any, expected: Any) -> bool:
    if expected is bool:
        return isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected is str:
        return isinstance(value, str)
    if get_origin(expected) is tuple:
        item = get_args(expected)[0]
        return isinstance(value, list | tuple) and all(_fits(v, item) for v in value)
    if get_origin(expected) is Mapping:  # a feed: a table, or a bare URL
        return isinstance(value, str) or (isinstance(value, dict) and all(isinstance(k, str) for k in value))
    return True


def _describe(expected: Any) -> str:
    names = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}
    if expected in names:
        return names[expected]
    if get_origin(expected) is tuple:
        items = {int: "whole numbers", str: "texts"}.get(get_args(expected)[0], "tables or texts")
        return f"a list of {items}"
    return str(expected)
