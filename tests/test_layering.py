"""Dependencies point one way: handlers -> bot -> (provider, storage), and the emulators and
the storage stand on their own. Read from the imports of every module in the tree."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = frozenset(p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file())

PLATFORM_CLIENTS = ("provider.rest", "provider.legacy.client", "provider.account_http")
"""Modules whose objects talk to the platform: handlers reach them through services."""


@dataclass(frozen=True, slots=True)
class Import:
    module: str
    """``a.b`` of ``import a.b`` or ``from a.b import c``."""
    names: tuple[str, ...]
    """``c`` of ``from a.b import c``; empty for ``import a.b``."""

    @property
    def package(self) -> str:
        return self.module.split(".")[0]

    def of(self, prefix: str) -> bool:
        return self.module == prefix or self.module.startswith(prefix + ".")


def imports(path: Path) -> Iterator[Import]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (Import(alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield Import(node.module, tuple(alias.name for alias in node.names))


def modules(package: str) -> list[Path]:
    found = sorted((ROOT / package).rglob("*.py"))
    assert found, package
    return found


def violations(package: str, *, allowed: set[str]) -> dict[str, set[str]]:
    """Our packages each module of `package` imports beyond `allowed` (and itself)."""
    wrong: dict[str, set[str]] = {}
    for path in modules(package):
        ours = {i.package for i in imports(path)} & OURS
        extra = ours - allowed - {package}
        if extra:
            wrong[str(path.relative_to(ROOT))] = extra
    return wrong


def test_the_tree_is_what_the_rules_below_cover() -> None:
    assert {"bot", "handlers", "storage", "provider", "playground", "serving"} <= OURS


def test_provider_imports_nothing_of_ours() -> None:
    # The sandbox's servers start through the leaf `serving`; the library does not.
    assert violations("provider", allowed={"serving"}) == {}
    for path in modules("provider"):
        if "sandbox" not in path.parts:
            assert not any(i.package == "serving" for i in imports(path)), path
        assert not any(i.package == "aiogram" for i in imports(path)), path


def test_the_emulators_and_serving_import_nothing_of_ours() -> None:
    assert violations("playground", allowed={"serving"}) == {}
    assert violations("serving", allowed=set()) == {}


def test_storage_imports_neither_the_bot_nor_the_platform() -> None:
    assert violations("storage", allowed=set()) == {}
    for path in modules("storage"):
        if path.name != "fsm.py":
            assert not any(i.package == "aiogram" for i in imports(path)), path


def test_the_bot_starts_no_emulator_and_knows_no_handler() -> None:
    """Only the entry point starts the playground or the sandbox and builds the routers."""
    wrong = []
    for path in modules("bot"):
        if path.name == "__main__.py" and path.parent.name == "bot":
            continue
        for i in imports(path):
            if i.of("playground") or i.of("provider.sandbox") or i.of("handlers"):
                wrong.append(f"{path.relative_to(ROOT)}: {i.module}")
    assert wrong == []


def test_handlers_reach_storage_and_the_platform_through_services() -> None:
    """Handlers parse, call a service, render: value types may cross, repositories,
    the database and the platform's clients may not; nor does a handler import another."""
    wrong = []
    for path in modules("handlers"):
        where = path.relative_to(ROOT)
        for i in imports(path):
            if i.of("storage"):
                if i.module != "storage":
                    wrong.append(f"{where}: {i.module} (storage's insides)")
                wrong.extend(
                    f"{where}: storage.{name}"
                    for name in i.names
                    if name.endswith("Repository") or name in ("Database", "SQLiteStorage")
                )
            if any(i.of(client) for client in PLATFORM_CLIENTS) or i.of("provider.sandbox"):
                wrong.append(f"{where}: {i.module}")
            if i.of("provider.legacy") and "LegacyClient" in i.names:
                wrong.append(f"{where}: {i.module}.LegacyClient")
            if i.package in ("aiosqlite", "httpx", "playground"):
                wrong.append(f"{where}: {i.module}")
            if i.of("handlers") and path.name != "__init__.py":
                wrong.append(f"{where}: {i.module} (handlers share through bot/)")
    assert wrong == []
