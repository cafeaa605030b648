"""The English catalogue: every Japanese msgid has an English msgstr, none is fuzzy, placeholders survive, and
the catalogue covers every translatable string now in the code (so a new page cannot ship half in Japanese)."""

import ast
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

PO_PATH = Path(settings.BASE_DIR) / "tsunagu" / "locale" / "en" / "LC_MESSAGES" / "django.po"
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")
# %(name)s, %s, %d … and {name}, {name:,}: what a translation must keep.
_PERCENT = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
_BRACE = re.compile(r"\{[^{}]*\}")


@dataclass
class PoEntry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def parse_po(text: str) -> list[PoEntry]:
    """A small reader for the subset of the PO format that gettext writes. Obsolete (#~) entries are skipped."""
    entries: list[PoEntry] = []
    entry: PoEntry | None = None
    strings: dict[str, str] = {}
    current = ""

    def finish() -> None:
        if entry is None or "msgid" not in strings:
            return
        entry.msgid = strings["msgid"]
        entry.msgid_plural = strings.get("msgid_plural")
        entry.msgctxt = strings.get("msgctxt")
        entry.msgstrs = [v for k, v in sorted(strings.items()) if k.startswith("msgstr")]
        entries.append(entry)

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and "msgid" in strings:
                finish()
                entry, strings = None, {}
            if line.startswith("#,"):
                entry = entry or PoEntry(line=number)
                entry.flags.update(f.strip() for f in line[2:].split(","))
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword = match.group(1)
            if keyword in ("msgctxt", "msgid") and "msgid" in strings:
                finish()
                entry, strings = None, {}
            if entry is None:
                entry = PoEntry(line=number)
            current = keyword
            strings[current] = ast.literal_eval(match.group(2))
        elif line.startswith('"'):
            strings[current] += ast.literal_eval(line)
        else:
            raise ValueError(f"line {number}: cannot read {raw!r}")
    finish()
    return entries


def placeholders(text: str) -> list[str]:
    return sorted(_PERCENT.findall(text) + _BRACE.findall(text))


@pytest.fixture(scope="module")
def catalogue() -> list[PoEntry]:
    assert PO_PATH.exists(), f"{PO_PATH} is missing: run makemessages -l en (see docs/user-guide.md)"
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


def test_parser_reads_plurals_flags_and_continuations():
    text = '\n'.join([
        'msgid ""', 'msgstr ""', '"Language: en\\n"', "",
        "#: a.html:1", "#, fuzzy, python-format", 'msgid "%(n)s人"', 'msgid_plural "%(n)s人"',
        'msgstr[0] "%(n)s person"', 'msgstr[1] "%(n)s people"', "",
        'msgid ""', '"二行に"', '"わたる"', 'msgstr ""', "",
        '#~ msgid "古い"', '#~ msgstr "old"',
    ])

    header, plural, wrapped = parse_po(text)

    assert header.msgid == "" and header.msgstrs == ["Language: en\n"]
    assert (plural.msgid, plural.msgid_plural) == ("%(n)s人", "%(n)s人")
    assert plural.msgstrs == ["%(n)s person", "%(n)s people"]
    assert plural.flags == {"fuzzy", "python-format"}
    assert (wrapped.msgid, wrapped.msgstrs, wrapped.flags) == ("二行にわたる", [""], set())


def test_every_msgid_has_an_english_msgstr_and_none_is_fuzzy(catalogue):
    assert len(catalogue) > 100
    untranslated = [e.msgid for e in catalogue if e.msgid and not all(s.strip() for s in e.msgstrs)]
    fuzzy = [e.msgid or "(header)" for e in catalogue if "fuzzy" in e.flags]

    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_their_placeholders(catalogue):
    broken = []
    for entry in catalogue:
        if not entry.msgid:
            continue
        sources = [entry.msgid] + ([entry.msgid_plural] * (len(entry.msgstrs) - 1) if entry.msgid_plural else [])
        for source, translated in zip(sources, entry.msgstrs, strict=True):
            wanted, got = placeholders(source), placeholders(translated)
            # An English singular may leave the count out ("One entry"), never add or rename a placeholder.
            if not set(got) <= set(wanted) or (not entry.msgid_plural and got != wanted):
                broken.append((entry.msgid, translated))
    assert broken == []


def test_header_declares_english_and_utf8(catalogue):
    header = next(e for e in catalogue if e.msgid == "")

    assert "Language: en\n" in header.msgstrs[0]
    assert "charset=UTF-8" in header.msgstrs[0]
    assert "nplurals=2; plural=(n != 1);" in header.msgstrs[0]


def test_catalogue_covers_every_translatable_string(tmp_path, monkeypatch, settings, catalogue):
    """Runs makemessages over a copy of the code and compares: a string added without an English translation,
    in a template or a gettext call, fails here until the catalogue is regenerated and filled in."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is missing: install Debian's gettext package (`make system-deps` does).")
    source = Path(settings.BASE_DIR) / "tsunagu"
    copy = tmp_path / "tsunagu"

    def ignore(directory: str, names: list[str]) -> list[str]:
        return [
            n for n in names
            if n in ("locale", "__pycache__", "static", "migrations")
            or ((Path(directory) / n).is_file() and not n.endswith((".py", ".html", ".txt")))
        ]

    shutil.copytree(source, copy, ignore=ignore)
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], verbosity=0)

    fresh = parse_po((copy / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    known = {e.key for e in catalogue}
    missing = sorted(e.msgid for e in fresh if e.msgid and e.key not in known)
    assert missing == [], "run makemessages -l en and translate these"
