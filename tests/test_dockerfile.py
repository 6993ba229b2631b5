"""The production image, read from the Dockerfile (no docker here to build it): it holds
every package its code imports, and its health check asks the receiver where it listens."""

from __future__ import annotations

from pathlib import Path

from bot.settings import ReportSettings, split_listen
from tests.helpers import imported_top_level_packages

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def copied_into_the_image() -> set[str]:
    """The top-level files and folders the Dockerfile's COPY lines take from the checkout."""
    copied: set[str] = set()
    for line in DOCKERFILE.splitlines():
        words = line.split()
        if words[:1] == ["COPY"]:
            sources = [word for word in words[1:-1] if not word.startswith("--")]
            copied.update(Path(source).parts[0] for source in sources)
    return copied


def test_the_image_holds_every_package_its_code_imports() -> None:
    ours = {path.name for path in ROOT.iterdir() if (path / "__init__.py").is_file()}
    copied = copied_into_the_image()
    assert {"bot", "handlers", "locales", "pyproject.toml"} <= copied
    missing: dict[str, str] = {}
    for package in sorted(copied & ours):
        for module in sorted((ROOT / package).rglob("*.py")):
            for name in (imported_top_level_packages(module) & ours) - copied:
                missing.setdefault(name, str(module.relative_to(ROOT)))

    assert missing == {}, "imported by the image's code but not copied into it"


def test_the_health_check_asks_the_receiver_on_its_default_port() -> None:
    default = ReportSettings.model_fields["reports_listen"].default
    _, port = split_listen(default, default_host="127.0.0.1")

    assert f"EXPOSE {port}\n" in DOCKERFILE
    assert f"http://127.0.0.1:{port}/health" in DOCKERFILE
    assert 'CMD ["python", "-m", "bot"]' in DOCKERFILE
