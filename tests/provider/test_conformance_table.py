"""provider/README.md's conformance table names tests that exist: it cannot rot silently."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
README = ROOT / "provider" / "README.md"
FOLDERS = {"P": "tests/provider", "S": "tests/sandbox", "L": "tests/legacy"}
SECTION_DEFAULTS = {
    "## REST v6": "tests/provider/test_request_rules.py",
    "## Legacy API": "tests/legacy/test_request_rules.py",
}
# "P/test_x.py::test_y", "::test_y" (same file as before) and "[case id]".
_REFERENCE = re.compile(r"(?:([PSL])/(test_\w+\.py))?(?:::(test_\w+))?(?:\[([^\]]+)\])?")


def references() -> list[tuple[str, str, str]]:
    """(file, kind, name) for every test a row of a table names."""
    found: list[tuple[str, str, str]] = []
    default = ""
    for line in README.read_text(encoding="utf-8").splitlines():
        default = next((f for s, f in SECTION_DEFAULTS.items() if line.startswith(s)), default)
        if not line.startswith("|") or line.startswith(("| rule", "|---", "| behaviour")):
            continue
        cell = line.rstrip("|").rsplit("|", 1)[-1]
        current = default
        for match in _REFERENCE.finditer(cell):
            folder, file, test, case = match.groups()
            if file:
                current = f"{FOLDERS[folder]}/{file}"
            if test:
                found.append((current, "test", test))
            if case:
                found.append((current, "case", case.removesuffix(" ...")))
    return found


def test_every_test_the_table_names_exists() -> None:
    named = references()
    missing = []
    for file, kind, name in named:
        path = ROOT / file
        source = path.read_text(encoding="utf-8") if path.is_file() else ""
        wanted = f"def {name}(" if kind == "test" else name
        if wanted not in source:
            missing.append(f"{file}: {kind} {name}")

    assert len(named) > 80
    assert missing == []
