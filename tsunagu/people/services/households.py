"""The 世帯番号 rule: a household number names one household at one address.

A row that puts a resident into a household (a new resident, one who joins or returns to it, or one who moves
while keeping the number) must live where the household's other current members will live after the import.
Otherwise the number belongs to another address: a typo, or a household split without a new number, or a
move of only part of the household. The import used to merge such a row silently into the other household;
now the row is an error naming the number and the other address's town.

The one legitimate case is the whole household moving (世帯ごとの転居): the file moves every current member to
the new address, so no member stays behind. Addresses are compared as town + 番地 + 方書 after the same
folding as town names (tsunagu.core.japanese.town_name_key): ２－５－８ is 2-5-8.

Only rows with a 世帯番号 cell are checked: a file without the column, or a blank cell (no household), says
nothing about households. Households already split in the registry are left alone until a row changes them."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext_lazy as _

from tsunagu.core.csvio import RowError
from tsunagu.core.japanese import town_name_key
from tsunagu.people.models import Household, Person, ResidentStatus
from tsunagu.people.services.batching import LOOKUP_CHUNK, chunks
from tsunagu.people.services.plan import FIELD_INDEX
from tsunagu.people.services.rows import Row
from tsunagu.people.services.towns import Towns

HOUSEHOLD_ELSEWHERE_MESSAGE = _(
    "世帯番号「{number}」は別の住所（{town}）の世帯の番号です。世帯ごとの転居なら世帯員全員の行を新しい住所で"
    "入れてください。別の世帯なら世帯番号を確かめてください"
)
HOUSEHOLD_ADDRESSES_DIFFER_MESSAGE = _(
    "世帯番号「{number}」は{line}行目では別の住所（{town}）です。同じ世帯の人は同じ住所で入れてください"
)

HOUSEHOLD_COLUMN = "世帯番号"

# (town id, 番地, 方書): as written, or folded with town_name_key for comparing.
Address = tuple[int, str, str]

# Where a member of a household lives after the import (as written), and the file's line that says so, or None
# for a current member the file does not name. A plain tuple: the first import makes one per row.
_Member = tuple[Address, int | None]


class _Keys:
    """Folded addresses, remembered per 番地 and 方書: the members of a household repeat them."""

    def __init__(self) -> None:
        self._parts: dict[str, str] = {}

    def __call__(self, address: Address) -> Address:
        town_id, lot, extra = address
        return town_id, self._part(lot), self._part(extra)

    def _part(self, text: str) -> str:
        key = self._parts.get(text)
        if key is None:
            key = self._parts[text] = town_name_key(text)
        return key


# What the import keeps of each row for the checks across the whole file (a temporary table, so that memory does
# not grow with the file): its line, its 宛名番号 (for duplicates) and, for a row that leaves a resident in a
# household, the household, whether the row says something new about it (a claim), and the address.
STAGE_TABLE = "tsunagu_import_rows"
STAGE_COLUMNS = ("line", "number", "household_id", "claims", "town_id", "address", "address_extra")
_STAGE_SQL = (
    "CREATE TEMPORARY TABLE tsunagu_import_rows (line integer NOT NULL, number varchar(20) NOT NULL, "
    "household_id bigint NULL, claims boolean NOT NULL, town_id bigint NULL, address varchar(100) NULL, "
    "address_extra varchar(100) NULL)"
)


def create_stage(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")
        cursor.execute(_STAGE_SQL)


def drop_stage(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")


class Stager:
    """Turns checked rows into stage rows: which household each row leaves its resident in, and whether that
    says something new about the household (see the module)."""

    def __init__(self) -> None:
        self.keys = _Keys()

    def row(self, row: Row, registered: tuple[Any, ...] | None, households: dict[str, int]) -> tuple[Any, ...]:
        if not row.household_number:
            return (row.line, row.resident_number, None, False, None, None, None)
        status, address = _final(row, registered)
        if status != ResidentStatus.RESIDENT:
            # A resident who moved out or died keeps the number as history, wherever they went.
            return (row.line, row.resident_number, None, False, None, None, None)
        household_id = households[row.household_number]
        claims = True
        if registered is not None and registered[1] == household_id and registered[3] == ResidentStatus.RESIDENT:
            before = (registered[2], registered[_ADDRESS], registered[_EXTRA])
            # Stays where the household already is: nothing new is said about the household.
            claims = not (address == before or self.keys(address) == self.keys(before))
        return (row.line, row.resident_number, household_id, claims, *address)


def duplicate_lines(connection: BaseDatabaseWrapper) -> list[tuple[int, str, int]]:
    """(line, 宛名番号, first line) of every row whose 宛名番号 an earlier row of the file already gave."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT line, number, first FROM (SELECT line, number, MIN(line) OVER (PARTITION BY number) AS first "  # noqa: S608
            f"FROM {STAGE_TABLE}) AS numbered WHERE line > first ORDER BY line"
        )
        found = cursor.fetchall()
        if found:
            # A duplicated row is an error, not a member of its household.
            for chunk in chunks([line for line, _number, _first in found], LOOKUP_CHUNK):
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"UPDATE {STAGE_TABLE} SET household_id = NULL, claims = %s WHERE line IN ({marks})",  # noqa: S608
                    [False, *chunk],
                )
    return found


def household_conflicts(connection: BaseDatabaseWrapper, *, towns: Towns) -> list[RowError]:
    """Every row whose 世帯番号 belongs to a household at another address, in line order (see the module).

    The database finds the households a row claims whose members end up at more than one address as written;
    only those few are read back and compared after folding, so a household written alike costs no folding."""
    resident = str(ResidentStatus.RESIDENT)
    person = Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE INDEX {STAGE_TABLE}_number ON {STAGE_TABLE} (number)")
        cursor.execute(f"CREATE INDEX {STAGE_TABLE}_household ON {STAGE_TABLE} (household_id)")
        cursor.execute(
            f"""
            WITH claimed AS (SELECT DISTINCT household_id FROM {STAGE_TABLE} WHERE claims),
            members AS (
                SELECT s.household_id, s.town_id, s.address, s.address_extra FROM {STAGE_TABLE} s
                WHERE s.household_id IN (SELECT household_id FROM claimed)
                UNION ALL
                SELECT p.household_id, p.town_id, p.address, p.address_extra FROM {person} p
                WHERE p.household_id IN (SELECT household_id FROM claimed) AND p.status = %s
                AND NOT EXISTS (SELECT 1 FROM {STAGE_TABLE} s WHERE s.number = p.resident_number)
            )
            SELECT household_id FROM (SELECT DISTINCT household_id, town_id, address, address_extra FROM members)
            AS addresses GROUP BY household_id HAVING COUNT(*) > 1 ORDER BY household_id
            """,  # noqa: S608
            [resident],
        )
        candidates = [household_id for (household_id,) in cursor.fetchall()]
    errors: list[RowError] = []
    keys = _Keys()
    for chunk in chunks(candidates, LOOKUP_CHUNK):
        errors.extend(_conflicts_in(connection, list(chunk), keys=keys, towns=towns))
    return sorted(errors, key=lambda error: error.line)


def _conflicts_in(
    connection: BaseDatabaseWrapper, household_ids: list[int], *, keys: _Keys, towns: Towns
) -> list[RowError]:
    marks = ", ".join(["%s"] * len(household_ids))
    members: dict[int, list[_Member]] = defaultdict(list)
    claims: dict[int, list[tuple[int, Address]]] = defaultdict(list)
    with connection.cursor() as cursor:
        # Where each member lives after the import: the file's rows first, in line order …
        cursor.execute(
            f"SELECT household_id, line, claims, town_id, address, address_extra FROM {STAGE_TABLE} "  # noqa: S608
            f"WHERE household_id IN ({marks}) ORDER BY line",
            household_ids,
        )
        for household_id, line, claim, town_id, lot, extra in cursor.fetchall():
            members[household_id].append(((town_id, lot, extra), line))
            if claim:
                claims[household_id].append((line, (town_id, lot, extra)))
        # … then the current members the file does not name, who stay where they are.
        person = Person._meta.db_table
        cursor.execute(
            f"SELECT p.household_id, p.town_id, p.address, p.address_extra FROM {person} p "  # noqa: S608
            f"WHERE p.household_id IN ({marks}) AND p.status = %s "
            f"AND NOT EXISTS (SELECT 1 FROM {STAGE_TABLE} s WHERE s.number = p.resident_number) "
            "ORDER BY p.kana_key, p.resident_number",
            [*household_ids, str(ResidentStatus.RESIDENT)],
        )
        for household_id, town_id, lot, extra in cursor.fetchall():
            members[household_id].append(((town_id, lot, extra), None))
    numbers = dict(Household.objects.filter(id__in=household_ids).values_list("id", "number"))
    errors: list[RowError] = []
    for household_id, household_claims in claims.items():
        household = members[household_id]
        if len({address for address, _line in household}) == 1:
            continue  # everyone ends up at one address: a whole household moved, or a new one came together
        folded = [(keys(member[0]), member) for member in household]
        if len({key for key, _member in folded}) == 1:
            continue  # one address, written in more than one way
        for line, address in household_claims:
            other = _first_elsewhere(folded, keys(address))
            if other is not None:
                errors.append(_error(line, numbers[household_id], other, towns))
    return errors


_ADDRESS = FIELD_INDEX["address"]
_EXTRA = FIELD_INDEX["address_extra"]


def _final(row: Row, registered: tuple[Any, ...] | None) -> tuple[str, Address]:
    """The status and address the row leaves the resident with; columns the file lacks keep their value."""
    values = row.values
    if registered is None:
        address = (values["town_id"], values.get("address", ""), values.get("address_extra", ""))
        return row.status or ResidentStatus.RESIDENT, address
    address = (
        values.get("town_id", registered[2]),
        values.get("address", registered[_ADDRESS]),
        values.get("address_extra", registered[_EXTRA]),
    )
    return row.status or registered[3], address


def _first_elsewhere(folded: list[tuple[Address, _Member]], key: Address) -> _Member | None:
    """A member living elsewhere: one the file leaves in place if there is one, else the first such row."""
    elsewhere = [member for member_key, member in folded if member_key != key]
    staying = [member for member in elsewhere if member[1] is None]
    return (staying or elsewhere or [None])[0]


def _error(line: int, number: str, other: _Member, towns: Towns) -> RowError:
    (town_id, _lot, _extra), other_line = other
    town = towns.by_id[town_id].name
    if other_line is None:
        message = str(HOUSEHOLD_ELSEWHERE_MESSAGE).format(number=number, town=town)
    else:
        message = str(HOUSEHOLD_ADDRESSES_DIFFER_MESSAGE).format(number=number, line=other_line, town=town)
    return RowError(line, HOUSEHOLD_COLUMN, message)
