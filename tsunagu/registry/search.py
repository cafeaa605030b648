"""What a search box input means, and the one condition each meaning becomes.

The input is classified once, and each kind of query has its own condition, served by its own index on
PostgreSQL (migration people 0006): no OR across kinds, so the planner never has to give up an index for one
arm of an OR.

- 宛名番号 (digits, any width: 1000066270, １０００…): resident_number = input, for viewers who see the
  number (nobody is found for the others); the unique btree.
- 生年月日 (S15.3.2, 昭和15年3月2日, 1940-03-02 …, as core.wareki reads them): birth_date = the date; the btree
  person_birth_date.
- kana of 1–2 characters (た, タカ, ﾀｶ): kana_key starts with it; the btree (kana_key COLLATE "C",
  resident_number) person_kana_order, a range of which is also the order of the results.
- kana of 3 or more (たかはし, タロウ): kana_key contains it, anywhere (family or given name). Readings that
  start with it come first (a range of person_kana_order, read in order), then the others (the GIN
  gin_trgm_ops index person_kana_trgm when they are few; person_kana_order walked index-only when they are
  many, as a common given name is): registry.selectors reads them as two parts.
- other text of 1–2 characters (林, 高橋, 髙橋): name_key starts with it, i.e. the family name does; the btree
  (name_key COLLATE "C") person_name_order, which INCLUDEs what the order and the ward officer's policy read,
  so the 19,000 山田 of a million residents are ordered from the index alone (an index-only scan).
- other text of 3 or more (髙橋太郎, 橋太郎): name_key contains it; the GIN gin_trgm_ops index person_name_trgm.

Why prefix below three characters: a trigram index cannot serve a one- or two-character substring (it holds
no trigram to look up), so `LIKE '%タ%'` would read every row. One or two characters are the start of the name
(the family name comes first in both keys), which is also what a person typing into the live search box has
typed so far. So 「太郎」 alone does not find 髙橋太郎; 「橋太郎」 or the reading 「たろう」 does.

8 digits are a 宛名番号, not a date (19400503 in the 生年月日 field is a date).
"""

from __future__ import annotations

import datetime
import enum
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q

from tsunagu.core.japanese import query_keys
from tsunagu.core.wareki import parse_birth_date

__all__ = ["PREFIX_BELOW", "QueryKind", "SearchTerm", "classify_query", "term_q"]

# Keys shorter than this are matched at the start of the name; from this length on, anywhere in it.
PREFIX_BELOW = 3

_WHITESPACE = re.compile(r"\s+")
_HAS_DIGIT = re.compile(r"\d")


class QueryKind(enum.StrEnum):
    RESIDENT_NUMBER = "resident_number"
    BIRTH_DATE = "birth_date"
    KANA_PREFIX = "kana_prefix"
    KANA_CONTAINS = "kana_contains"
    NAME_PREFIX = "name_prefix"
    NAME_CONTAINS = "name_contains"


@dataclass(frozen=True)
class SearchTerm:
    kind: QueryKind
    value: str | datetime.date


def classify_query(query: str, *, today: datetime.date | None = None) -> SearchTerm | None:
    """The kind and the folded value of a search box input; None for a blank one."""
    compact = _WHITESPACE.sub("", unicodedata.normalize("NFKC", query))
    if not compact:
        return None
    if compact.isascii() and compact.isdigit():
        return SearchTerm(QueryKind.RESIDENT_NUMBER, compact)
    if _HAS_DIGIT.search(compact):
        try:
            return SearchTerm(QueryKind.BIRTH_DATE, parse_birth_date(compact, today=today))
        except ValueError:
            pass  # not a date after all (or no such date): searched as text, which finds nobody
    name_key, kana_key = query_keys(query.strip())
    if kana_key:
        kind = QueryKind.KANA_PREFIX if len(kana_key) < PREFIX_BELOW else QueryKind.KANA_CONTAINS
        return SearchTerm(kind, kana_key)
    kind = QueryKind.NAME_PREFIX if len(name_key) < PREFIX_BELOW else QueryKind.NAME_CONTAINS
    return SearchTerm(kind, name_key)


def term_q(
    term: SearchTerm, *, by_resident_number: bool, kana_lookup: str = "kana_key", name_lookup: str = "name_key"
) -> Q:
    """The condition of one search term. `kana_lookup` and `name_lookup` name the keys a prefix is compared on
    (on PostgreSQL aliases of them in the "C" collation, so that a prefix is a range of an index)."""
    match term.kind:
        case QueryKind.RESIDENT_NUMBER:
            # 宛名番号 is internal: only those who may see it may search by it. For others: nobody.
            return Q(resident_number=term.value) if by_resident_number else Q(pk__in=[])
        case QueryKind.BIRTH_DATE:
            return Q(birth_date=term.value)
        case QueryKind.KANA_PREFIX:
            return Q(**{f"{kana_lookup}__startswith": term.value})
        case QueryKind.KANA_CONTAINS:
            return Q(kana_key__contains=term.value)
        case QueryKind.NAME_PREFIX:
            return Q(**{f"{name_lookup}__startswith": term.value})
        case QueryKind.NAME_CONTAINS:
            return Q(name_key__contains=term.value)
    raise AssertionError(term.kind)  # pragma: no cover
