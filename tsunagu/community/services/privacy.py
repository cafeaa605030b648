"""Nothing in an area issue or action item may identify a person: free text is checked before it is saved.

Found, and refused with a Japanese message naming what was found (the member rephrases):
- a resident's full name as the registry holds it (氏名, or its フリガナ in kana), folded for width, spaces and
  異体字 (tsunagu.core.japanese: name_search_key, kana_search_key). Full names only: a surname alone (「田中さん」)
  is too common to refuse, and a surname names a household only with an address, which is checked too.
- a number like a 宛名番号 (7 digits or more in a row; every 宛名番号 of the registry is one);
- a phone number (0 and 9–10 digits, with or without dashes or parentheses);
- an address with its lot number: 「○丁目」 followed by a number, 「○番地」, 「○番○号」, or 「1-2-3」;
- a birth date: a full date written with 生まれ／生／誕生日 beside it, or any full date in 明治・大正・昭和.

The message quotes what the member typed (they wrote it) but never says whether a name is in the registry."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import F, Value
from django.db.models.lookups import Contains
from django.utils.translation import gettext as _

from tsunagu.core.japanese import is_kana, kana_search_key, name_search_key, town_name_key
from tsunagu.people.models import Person

# A name key this short (「林一」) is too likely to occur inside ordinary words to be refused on its own.
MIN_NAME_KEY = 3
MIN_KANA_KEY = 5

_KANJI_DIGIT = "〇一二三四五六七八九十"
_RESIDENT_NUMBER_RE = re.compile(r"(?<!\d)\d{7,}(?!\d)")
_PHONE_RE = re.compile(r"(?<!\d)(0\d{1,4}[-(]\d{1,4}[-)]\d{3,4}|0\d{9,10})(?!\d)")
_ADDRESS_RE = re.compile(
    rf"(\d+丁目[-]?[\d{_KANJI_DIGIT}]+|[\d{_KANJI_DIGIT}]+番地|[\d{_KANJI_DIGIT}]+番[\d{_KANJI_DIGIT}]+号"
    r"|(?<![\d/.:])\d{1,4}-\d{1,4}-\d{1,4}(?![\d/.:]))"
)
_DATE = r"(?:(?:明治|大正|昭和|平成|令和|[MTSHR])\s*\d{1,2}|\d{4})\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?"
_BIRTH_RE = re.compile(rf"(?:生年月日|誕生日|生まれ)\D{{0,3}}{_DATE}|{_DATE}\s*(?:生まれ|生|誕生)")
_OLD_ERA_DATE_RE = re.compile(r"(?:明治|大正|昭和)\s*\d{1,2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


@dataclass(frozen=True)
class Finding:
    kind: str  # name, resident_number, phone, address, birth_date
    text: str

    @property
    def label(self) -> str:
        return {
            "name": _("人の氏名と思われる語"),
            "resident_number": _("宛名番号のような番号"),
            "phone": _("電話番号"),
            "address": _("番地までの住所"),
            "birth_date": _("生年月日"),
        }[self.kind]


def _normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _name_findings(text: str) -> list[Finding]:
    key = name_search_key(text)
    found: list[Finding] = []
    if key:
        names = (
            Person.objects.exclude(given_name="")
            .filter(Contains(Value(key), F("name_key")))
            .values_list("family_name", "given_name", "name_key")[:5]
        )
        for family, given, name_key in names:
            if len(name_key) >= MIN_NAME_KEY:
                found.append(Finding("name", f"{family}{given}"))
    # Readings: only the kana runs of the text, so that kanji around them cannot join into a false match.
    for run in re.findall(r"[\u3041-\u3096\u30a1-\u30fa\u30fc\uff66-\uff9f\s・]{5,}", text):
        if not is_kana(run.replace("・", "")):
            continue
        kana = kana_search_key(run)
        readings = (
            Person.objects.exclude(given_name_kana="")
            .filter(Contains(Value(kana), F("kana_key")))
            .values_list("kana_key", flat=True)[:5]
        )
        if any(len(r) >= MIN_KANA_KEY for r in readings):
            found.append(Finding("name", run.strip()))
    return found


def find_personal_data(text: str) -> list[Finding]:
    """Everything in `text` that could identify a person (empty: the text may be saved)."""
    if not text or not text.strip():
        return []
    plain = _normalised(text)
    found = _name_findings(text)
    for m in _PHONE_RE.finditer(plain):
        found.append(Finding("phone", m.group(0)))
    phones = "".join(f.text for f in found if f.kind == "phone")
    for m in _RESIDENT_NUMBER_RE.finditer(plain):
        if m.group(0) not in re.sub(r"\D", "", phones):
            found.append(Finding("resident_number", m.group(0)))
    address_text = town_name_key(text)
    for m in _ADDRESS_RE.finditer(address_text):
        found.append(Finding("address", m.group(0)))
    for m in _BIRTH_RE.finditer(plain):
        found.append(Finding("birth_date", m.group(0)))
    if not any(f.kind == "birth_date" for f in found):
        for m in _OLD_ERA_DATE_RE.finditer(plain):
            found.append(Finding("birth_date", m.group(0)))
    return found


def personal_data_message(findings: list[Finding]) -> str:
    parts = "、".join(f"{f.label}（「{f.text}」）" for f in findings)
    return _(
        "個人が特定できるおそれのある内容が含まれているため、保存できません：%(found)s。"
        "地域の課題として、個人が分からない書き方に直してください（例：「ひとり暮らしの高齢の方」「○○町のあたり」）。"
    ) % {"found": parts}


def check_text(*texts: str) -> None:
    """Raise CommunityError with the message when any of the texts could identify a person."""
    from .errors import CommunityError

    findings = [f for text in texts for f in find_personal_data(text or "")]
    if findings:
        raise CommunityError(personal_data_message(findings))
