"""Every word a template shows is inside a translation tag, so every screen reads in each language.

Text is what is left of a template once its tags, variables, comments and translation blocks
are taken out: it, and the attributes people read (title, alt, placeholder, aria-label, ...),
must hold no letters but the brand's.
"""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

# Not yet translated, and why: none left (issue 10). A template that cannot be translated at once
# may be named here with its reason, until it is.
NOT_YET_TRANSLATED: set[str] = set()

# Words that are no one's language: the brand, written member<span>care</span> in the header.
NOT_WORDS = {"membercare", "member", "care"}
READ_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label", "aria-description", "summary")

_TRANSLATION_BLOCK = re.compile(
    r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S
)
_COMMENT_BLOCK = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
_TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_RAW = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_ELEMENT = re.compile(r"<[^>]*>", re.S)
_ATTRIBUTE = re.compile(
    rf"""\b({"|".join(READ_ATTRIBUTES)})\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.S | re.I
)
_WORD = re.compile(r"[^\W\d_]+")


def untranslated_words(source: str) -> list[str]:
    """The words of `source` that no translation tag holds."""
    text = _TRANSLATION_BLOCK.sub(" ", source)
    text = _COMMENT_BLOCK.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _HTML_COMMENT.sub(" ", text)
    text = _RAW.sub(" ", text)
    words = []
    for element in _ELEMENT.findall(text):
        for match in _ATTRIBUTE.finditer(element):
            words += _WORD.findall(match.group(2) or match.group(3) or "")
    words += _WORD.findall(_ELEMENT.sub(" ", text))
    return [word for word in words if word.lower() not in NOT_WORDS]


def templates() -> list[str]:
    return sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("name", [name for name in templates() if name not in NOT_YET_TRANSLATED])
def test_a_template_holds_no_text_outside_translation_tags(name):
    words = untranslated_words((TEMPLATES / name).read_text(encoding="utf-8"))
    assert words == [], f"{name}: wrap these in {{% translate %}} or {{% blocktranslate %}}"


def test_the_list_of_templates_not_yet_translated_names_only_templates_that_exist():
    assert set(templates()) >= NOT_YET_TRANSLATED


def test_the_customer_view_and_its_partials_are_checked():
    checked = {name for name in templates() if name not in NOT_YET_TRANSLATED}
    assert {"lookup/customer.html", "lookup/_search.html"} <= checked


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("<p>Sign in</p>", ["Sign", "in"]),
        ('<button title="Close">{% translate "Close" %}</button>', ["Close"]),
        ('<input placeholder="e.g. Team leads">', ["e", "g", "Team", "leads"]),
        ("<h1>{% translate 'Sign in' %}</h1>", []),
        ("{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}", []),
        ('<span aria-label="{{ label }}">{{ value }} · #{{ n }}</span>', []),
        ("{# A comment for developers #}<p>12 – 34</p>", []),
        ('<a class="brand" href="/">member<span>care</span></a>', []),
        ("<p>مرحبا</p>", ["مرحبا"]),
    ],
)
def test_the_check_finds_words_outside_tags_and_only_those(source, words):
    assert untranslated_words(source) == words
