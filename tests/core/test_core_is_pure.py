"""The core imports nothing from the adapters' frameworks: checked in a fresh interpreter."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import bot.core

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = ("discord", "sqlmodel", "sqlalchemy", "apscheduler", "asyncio")


def test_core_modules_load_no_framework() -> None:
    modules = ["bot.core.matcher"] + [f"bot.core.{m.name}" for m in pkgutil.iter_modules(bot.core.__path__)]
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded == [], f"the core pulled in {loaded}"
    assert "bot.core.matcher" in modules and "bot.core.verdict" in modules
