"""Dependencies point inwards: storage imports neither the bot's layers nor (but for the FSM
module) aiogram."""

from __future__ import annotations

from pathlib import Path

import storage
from tests.helpers import imported_top_level_packages

STORAGE_DIR = Path(storage.__file__).parent
FORBIDDEN = {"provider", "bot", "handlers"}


def test_storage_modules_import_only_what_they_may() -> None:
    modules = sorted(STORAGE_DIR.rglob("*.py"))
    assert len(modules) > 10
    for module in modules:
        imported = imported_top_level_packages(module)
        assert not imported & FORBIDDEN, module
        if module.name != "fsm.py":
            assert "aiogram" not in imported, module
