"""Dependencies point inwards: storage imports neither the bot's layers nor (but for the FSM
module) aiogram."""

from __future__ import annotations

import ast
from pathlib import Path

import storage

STORAGE_DIR = Path(storage.__file__).parent
FORBIDDEN = {"provider", "bot", "handlers"}


def imported_top_level_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_storage_modules_import_only_what_they_may() -> None:
    modules = sorted(STORAGE_DIR.rglob("*.py"))
    assert len(modules) > 10
    for module in modules:
        imported = imported_top_level_packages(module)
        assert not imported & FORBIDDEN, module
        if module.name != "fsm.py":
            assert "aiogram" not in imported, module
