"""ふりがな: kanji readings as HTML ruby (<ruby>漢字<rt>かんじ</rt></ruby>) for readers who read kana better than
kanji — children, learners of Japanese, some older and disabled readers.

Readings come from pykakasi's dictionary: a machine reading, good for running text, sometimes wrong for names
and rare words (staff can write such words in kana). pykakasi drops characters it does not know (髙, 﨑), so the
text is read with its variants folded and printed as written; a character left without a reading is printed
without ruby, never lost. Everything but the ruby markup is escaped."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .japanese import fold_variants

_KANJI = re.compile(r"[\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


@cache
def _kakasi():  # noqa: ANN202 - pykakasi.kakasi; loading its dictionaries takes a moment, once per process
    import pykakasi

    return pykakasi.kakasi()


def _ruby(orig: str, reading: str) -> str:
    """One word as ruby over its kanji only: 食べる → <ruby>食<rt>た</rt></ruby>べる (okurigana stay plain)."""
    if not _KANJI.search(orig) or not reading or reading == orig:
        return escape(orig)
    head = 0
    while head < min(len(orig), len(reading)) and orig[head] == reading[head]:
        head += 1
    tail = 0
    while tail < min(len(orig), len(reading)) - head and orig[len(orig) - 1 - tail] == reading[len(reading) - 1 - tail]:
        tail += 1
    core, core_reading = orig[head : len(orig) - tail], reading[head : len(reading) - tail]
    if not core or not core_reading:
        return escape(orig)
    return (
        f"{escape(orig[:head])}<ruby>{escape(core)}<rt>{escape(core_reading)}</rt></ruby>"
        f"{escape(orig[len(orig) - tail :])}"
    )


@lru_cache(maxsize=512)
def _line_html(line: str) -> str:
    folded = fold_variants(line)
    source = folded if len(folded) == len(line) else line
    out: list[str] = []
    pos = 0
    for segment in _kakasi().convert(source):
        orig = segment.get("orig", "")
        if not orig:
            continue
        at = source.find(orig, pos)
        if at < 0:
            continue  # a segment that is not in the text as written: its characters are printed below as they are
        out.append(escape(line[pos:at]))
        # The reading of the folded text over the characters as written (髙 reads as 高).
        out.append(_ruby(line[at : at + len(orig)] if source is folded else orig, segment.get("hira", "")))
        pos = at + len(orig)
    out.append(escape(line[pos:]))
    return "".join(out)


def furigana_html(text: str) -> SafeString:
    """The text escaped, with ruby over its kanji, line breaks kept as <br>."""
    if not text:
        return mark_safe("")
    lines = text.replace("\r\n", "\n").split("\n")
    return mark_safe("<br>".join(_line_html(line) for line in lines))  # noqa: S308 - every piece escaped above
