"""House rules for templates a reader feels: lines of at most 120 characters, named partials."""

import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).parent.parent / "templates").rglob("*.html"))
MAX_LINE = 120


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.name)
def test_template_lines_are_at_most_120_characters(path: Path):
    long = [n for n, line in enumerate(path.read_text().splitlines(), 1) if len(line) > MAX_LINE]
    assert long == [], f"{path.name}: lines {long} are over {MAX_LINE} characters"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.name)
def test_every_partial_is_named_where_it_ends(path: Path):
    text = path.read_text()
    opened = re.findall(r"{%\s*partialdef\s+([\w-]+)", text)
    closed = re.findall(r"{%\s*endpartialdef\s*([\w-]*)\s*%}", text)
    assert sorted(closed) == sorted(opened), f"{path.name}: an endpartialdef without its name"
