"""Fixtures for the hardening tests: the chat end-to-end environment (real bot, local Discord server)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `tests.chat` and `tests.fakediscord` are imported from the project root
    sys.path.insert(0, str(ROOT))

from tests.chat.conftest import Env, chat_settings, env, service, start_env, stop_env  # noqa: E402,F401
