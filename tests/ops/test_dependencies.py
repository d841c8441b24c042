"""Dependencies point one way (issue 14): ops ← scheduling ← callbacks ← uccx_integration;
reporting may import every app; the project package (campaign_manager: settings, urls,
celery, views) may import anything, and no app imports it (django.conf.settings is how
an app reads a setting).

Every .py of each app is read with `ast`, migrations included: a migration that imports
code follows the same rule, while naming another app's model or migration by string
("callbacks.callbackcampaign", a dependency) is no import and stays free. Imports inside
functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The apps, bottom first: each may import those at or below its own rank.
LAYERS = ["ops", "scheduling", "callbacks", "uccx_integration", "reporting"]
PROJECT = "campaign_manager"


def imported_top_levels(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every absolute import in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def upward_imports(app: str) -> list[str]:
    rank = LAYERS.index(app)
    forbidden = {*LAYERS[rank + 1 :], PROJECT}
    offending = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for line, module in imported_top_levels(path):
            if module.split(".")[0] in forbidden:
                offending.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return offending


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_imports_upward_nor_the_project(app):
    offending = upward_imports(app)
    assert not offending, f"{app} may import only {LAYERS[: LAYERS.index(app) + 1]}:\n" + (
        "\n".join(offending)
    )


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    # The rule itself: a file of scheduling that imports callbacks is reported.
    app = tmp_path / "scheduling"
    app.mkdir()
    (app / "bad.py").write_text(
        "from . import models\ndef f():\n    from callbacks.models import Callback\n"
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert upward_imports("scheduling") == ["scheduling/bad.py:3 imports callbacks.models"]
