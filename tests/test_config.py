"""Settings are checked when they are read: a misspelt key or a value of the wrong type is one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_CONFIG, Settings, SettingsError, load_settings


def _load(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "quotecheck.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path, environ={})


def test_the_shipped_settings_file_is_valid() -> None:
    assert load_settings(DEFAULT_CONFIG, environ={}).matching.candidates == 200


def test_a_misspelt_key_is_named_with_the_file_and_the_key_meant(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as error:
        _load(tmp_path, "[matching]\ncandidats = 5\n")
    message = str(error.value)
    assert str(tmp_path / "quotecheck.toml") in message
    assert "matching.candidats is not a setting (did you mean matching.candidates?)" in message


def test_a_value_of_the_wrong_type_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"matching\.candidates must be a whole number, not 'five'"):
        _load(tmp_path, '[matching]\ncandidates = "five"\n')
    with pytest.raises(SettingsError, match=r"jobs\.feeds_allow_private_links must be true or false"):
        _load(tmp_path, '[jobs]\nfeeds_allow_private_links = "yes"\n')
    with pytest.raises(SettingsError, match=r"jobs\.inbox_skip_invalid must be true or false, not 1"):
        _load(tmp_path, "[jobs]\ninbox_skip_invalid = 1\n")
    assert _load(tmp_path, "[jobs]\ninbox_skip_invalid = true\n").jobs.inbox_skip_invalid
    assert load_settings(DEFAULT_CONFIG, environ={"QUOTECHECK_JOBS_INBOX_SKIP_INVALID": "true"}).jobs.inbox_skip_invalid
    with pytest.raises(SettingsError, match=r"discord\.shard_ids must be a list of whole numbers"):
        _load(tmp_path, "[discord]\nshard_ids = [1, \"2\"]\n")


def test_an_unknown_table_and_every_problem_are_named_at_once(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as error:
        _load(tmp_path, "[matchng]\ncandidates = 5\n[logging]\nlevel = 3\n")
    message = str(error.value)
    assert "matchng is not a setting (did you mean matching?)" in message
    assert "logging.level must be text, not 3" in message


def test_whole_numbers_are_numbers_and_limits_are_settings(tmp_path: Path) -> None:
    settings = _load(tmp_path, "[matching]\nunverified_below = 70\n[limits]\nimport_max_mb = 8\nclaims_per_message = 3\n")
    assert settings.matching.unverified_below == 70
    assert settings.limits.import_max_mb == 8
    assert settings.limits.claims_per_message == 3


def test_picture_limits_are_settings_and_a_limit_of_zero_or_less_is_refused(tmp_path: Path) -> None:
    limits = _load(tmp_path, "[limits]\nimage_max_mb = 2.5\nimage_max_side = 4000\nimages_in_flight = 2\n").limits
    assert (limits.image_max_mb, limits.image_max_side, limits.images_in_flight) == (2.5, 4000, 2)
    with pytest.raises(SettingsError, match=r"limits\.image_seconds must be above 0, not 0"):
        _load(tmp_path, "[limits]\nimage_seconds = 0\n")
    with pytest.raises(SettingsError, match=r"limits\.images_in_flight must be above 0, not -1"):
        load_settings(tmp_path / "absent.toml", environ={"QUOTECHECK_LIMITS_IMAGES_IN_FLIGHT": "-1"})
    with pytest.raises(SettingsError, match=r"limits\.image_max_megapixels must be at most 89"):
        _load(tmp_path, "[limits]\nimage_max_megapixels = 500\n")
