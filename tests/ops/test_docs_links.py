"""The docs are self-contained: every relative link in README.md and docs/ resolves inside
the repository (the file, and the heading when the link names one), and no doc or code
comment points to the design notes outside the repository."""

import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted([REPO_ROOT / "README.md", *(REPO_ROOT / "docs").rglob("*.md")])

_FENCE = re.compile(r"^\s*(```|~~~)")
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_EXTERNAL = ("http://", "https://", "mailto:")

# Built from parts so that this file does not mention them itself.
_OUTSIDE = re.compile(
    "|".join(
        re.escape(name)
        for name in (
            "../" + "shared",
            "/work/" + "shared",
            *(n + ".md" for n in ("ARCHITECTURE", "UCCX", "STYLE")),
        )
    )
)
_SCANNED_SUFFIXES = {
    ".py",
    ".js",
    ".html",
    ".xml",
    ".css",
    ".md",
    ".txt",
    ".toml",
    ".yml",
    ".yaml",
    ".sh",
    ".cfg",
    ".ini",
}
_SCANNED_NAMES = {"Makefile", "Dockerfile", "Procfile", ".env.example"}
_SKIPPED_DIRS = {
    ".git",
    ".venv",
    "var",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
}


def _prose_lines(path: Path) -> list[str]:
    """The lines of a markdown file outside fenced code blocks."""
    lines, fenced = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes."""
    text = re.sub(r"[`*_]", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_slug(m.group(1)) for line in _prose_lines(path) if (m := _HEADING.match(line))}


def _relative_links(path: Path) -> list[str]:
    links = []
    for line in _prose_lines(path):
        # Inline code may show link-like text; it is not a link.
        for target in _LINK.findall(re.sub(r"`[^`]*`", "", line)):
            if not target.startswith(_EXTERNAL):
                links.append(target)
    return links


def _scanned_files() -> list[Path]:
    found = []
    for path in REPO_ROOT.rglob("*"):
        parts = set(path.relative_to(REPO_ROOT).parts[:-1])
        if parts & _SKIPPED_DIRS or not path.is_file():
            continue
        if path.suffix in _SCANNED_SUFFIXES or path.name in _SCANNED_NAMES:
            found.append(path)
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_it_resolves_every_relative_link_inside_the_repository(doc: Path):
    broken = []
    for target in _relative_links(doc):
        file_part, _, anchor = target.partition("#")
        resolved = (doc.parent / file_part).resolve() if file_part else doc
        if REPO_ROOT not in (resolved, *resolved.parents):
            broken.append(f"{target}: outside the repository")
        elif not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            broken.append(f"{target}: no such heading")
    assert not broken, f"{doc.relative_to(REPO_ROOT)}: " + "; ".join(broken)


def test_it_finds_the_docs_it_checks():
    names = {str(p.relative_to(REPO_ROOT)) for p in DOCS}
    assert {"README.md", "docs/architecture.md", "docs/gadget.md"} <= names
    assert any(name.startswith("docs/decisions/") for name in names)


def test_it_points_no_doc_or_comment_outside_the_repository():
    mentions = []
    for path in _scanned_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if _OUTSIDE.search(line):
                mentions.append(f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}")
    assert not mentions, "\n".join(mentions)


def test_it_keeps_the_readme_short():
    lines = (REPO_ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 160
