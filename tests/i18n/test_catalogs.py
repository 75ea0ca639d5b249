"""The catalogs are complete: every entry translated, none fuzzy, none missing from the code's.

`make makemessages` refreshes locale/*/LC_MESSAGES/django.po from the templates and the code;
then every new entry needs its translation in each language before this passes.
"""

import ast
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import override
from django.utils.translation.template import templatize

from membercare.capillary import CustomerNotFound, IdentifierKind, InvalidIdentifier

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
LANGUAGES = ["ar", "zh_Hans", "id"]  # English is the source language: no catalog of its own
# The keywords makemessages gives xgettext for Python (Django's, and GNU's own for Python).
KEYWORDS = [
    "gettext_noop",
    "gettext_lazy",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "npgettext:1c,2,3",
    "pgettext_lazy:1c,2",
    "npgettext_lazy:1c,2,3",
]


@dataclass
class Entry:
    msgctxt: str = ""  # pgettext's context ("card status"); "" when there is none
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def entries(po: Path) -> list[Entry]:
    """The entries of a .po (or .pot) file: msgid, msgid_plural, msgstr values and flags."""
    found = []
    for block in po.read_text(encoding="utf-8").strip().split("\n\n"):
        entry, key = Entry(), ""
        for line in block.splitlines():
            if line.startswith("#,"):
                entry.flags = {flag.strip() for flag in line[2:].split(",")}
                continue
            if line.startswith("#"):
                continue
            head = re.match(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (\".*\")$", line)
            if head:
                key, line = head.group(1), head.group(2)
                if key.startswith("msgstr"):
                    entry.msgstr.append("")
            value = ast.literal_eval(line)
            if key.startswith("msgstr"):
                entry.msgstr[-1] += value
            elif key == "msgctxt":
                entry.msgctxt += value
            elif key == "msgid":
                entry.msgid += value
            elif key == "msgid_plural":
                entry.msgid_plural += value
        found.append(entry)
    return found


def msgids(po: Path) -> set[str]:
    """The entries' messages, keyed as gettext keys them: a context, then \\x04, then the msgid."""
    return {
        f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        for entry in entries(po)
        if entry.msgid
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_of_each_catalog_is_translated_and_none_is_fuzzy(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    untranslated, fuzzy = [], []
    for entry in entries(po):
        if not entry.msgid:
            assert "fuzzy" not in entry.flags, f"{po}: the header is marked fuzzy"
            continue
        if not entry.msgstr or not all(entry.msgstr):
            untranslated.append(entry.msgid)
        if "fuzzy" in entry.flags:
            fuzzy.append(entry.msgid)
    assert untranslated == [], f"{language}: untranslated entries"
    assert fuzzy == [], f"{language}: fuzzy entries"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_a_copy_of_the_english(language):
    """Short words that read the same in a language (Status, Email, IP) may be; sentences not."""
    copies = [
        entry.msgid
        for entry in entries(LOCALE / language / "LC_MESSAGES" / "django.po")
        if len(entry.msgid.split()) > 2 and entry.msgid in entry.msgstr
    ]
    assert copies == []


def test_each_catalog_has_every_message_of_the_templates_and_the_code(tmp_path):
    """What makemessages would find today is in each catalog: none waits for `make makemessages`."""
    xgettext = shutil.which("xgettext")
    if xgettext is None:
        pytest.fail("xgettext is missing: `make test` installs gettext")
    sources = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        as_python = tmp_path / (str(template.relative_to(ROOT)).replace("/", "__") + ".py")
        as_python.write_text(templatize(template.read_text(encoding="utf-8")), encoding="utf-8")
        sources.append(as_python)
    sources += [
        path
        for path in sorted((ROOT / "membercare").rglob("*.py"))
        if "migrations" not in path.parts
    ]
    pot = tmp_path / "django.pot"
    subprocess.run(
        [xgettext, "--language=Python", "--from-code=UTF-8", "--output", str(pot)]
        + [f"--keyword={keyword}" for keyword in KEYWORDS]
        + [str(source) for source in sources],
        check=True,
    )
    in_code = msgids(pot)
    assert len(in_code) > 300  # the extraction found the project's messages
    for language in LANGUAGES:
        missing = in_code - msgids(LOCALE / language / "LC_MESSAGES" / "django.po")
        assert missing == set(), f"{language}: run `make makemessages` and translate {missing}"


def test_the_compiled_catalogs_are_what_the_dashboard_reads():
    assert Path(settings.LOCALE_PATHS[0]) == LOCALE
    for language in LANGUAGES:
        po = LOCALE / language / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} is missing: `make messages` builds it"
        assert mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} is older than its .po"


@pytest.mark.parametrize(
    ("language", "not_found", "mobile"),
    [
        ("ar", "لا يوجد عضو يطابق هذا المعرّف.", "الجوال"),
        ("zh-hans", "没有与该标识匹配的会员。", "手机号"),
        ("id", "Tidak ada anggota yang cocok dengan pengenal itu.", "Ponsel"),
        ("en", "No member matches that identifier.", "Mobile"),
    ],
)
def test_the_clients_words_read_in_the_active_language(language, not_found, mobile):
    """An error made in one language reads in another's when shown there (errors are cached)."""
    with override("en"):
        error = CustomerNotFound()
        invalid = InvalidIdentifier("That doesn't look like a mobile number.")
    with override(language):
        assert error.message == not_found
        assert IdentifierKind.MOBILE.label == mobile
        assert invalid.msgid == "That doesn't look like a mobile number."
        assert (invalid.message == invalid.msgid) is (language == "en")
