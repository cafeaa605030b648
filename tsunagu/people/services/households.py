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

from django.utils.translation import gettext_lazy as _

from tsunagu.core.csvio import RowError
from tsunagu.core.japanese import town_name_key
from tsunagu.people.models import Person, ResidentStatus
from tsunagu.people.services.batching import LOOKUP_CHUNK, chunks
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


def _final(row: Row, person: Person | None) -> tuple[str, Address]:
    """The status and address the row leaves the resident with; columns the file lacks keep their value."""
    values = row.values
    if person is None:
        address = (values["town_id"], values.get("address", ""), values.get("address_extra", ""))
        return row.status or ResidentStatus.RESIDENT, address
    address = (
        values.get("town_id", person.town_id),
        values.get("address", person.address),
        values.get("address_extra", person.address_extra),
    )
    return row.status or person.status, address


def household_conflicts(
    rows: list[Row],
    *,
    existing: dict[str, Person],
    households: dict[str, int],
    new_households: set[str],
    towns: Towns,
) -> list[RowError]:
    """Every row whose 世帯番号 belongs to a household at another address, in line order (see the module).

    Addresses are folded only where two spellings differ, so a household written alike costs no folding: the
    first import of a ward, where every row claims its new household, stays cheap."""
    keys = _Keys()
    resident = ResidentStatus.RESIDENT
    claims: dict[int, list[tuple[Row, Address]]] = defaultdict(list)
    for row in rows:
        if not row.household_number:
            continue
        person = existing.get(row.resident_number)
        status, address = _final(row, person)
        if status != resident:
            continue  # a resident who moved out or died keeps the number as history, wherever they went
        household_id = households[row.household_number]
        if person is not None and person.household_id == household_id and person.status == resident:
            registered = (person.town_id, person.address, person.address_extra)
            if address == registered or keys(address) == keys(registered):
                continue  # stays where the household already is: nothing new is said about the household
        claims[household_id].append((row, address))
    if not claims:
        return []

    # Where each member of those households lives after the import: the file's rows first (a second pass, so
    # that a re-import claiming nothing pays for one pass only) …
    members: dict[int, list[_Member]] = defaultdict(list)
    for row in rows:
        if not row.household_number or households[row.household_number] not in claims:
            continue
        status, address = _final(row, existing.get(row.resident_number))
        if status == resident:
            members[households[row.household_number]].append((address, row.line))
    in_file = {row.resident_number for row in rows}
    # … then the current members the file does not name, who stay where they are.
    registered_ids = [households[n] for n in households if n not in new_households and households[n] in claims]
    for chunk in chunks(sorted(registered_ids), LOOKUP_CHUNK):
        stayers = Person.objects.filter(household_id__in=chunk, status=resident).values_list(
            "resident_number", "household_id", "town_id", "address", "address_extra"
        )
        for number, household_id, town_id, lot, extra in stayers:
            if number not in in_file:
                members[household_id].append(((town_id, lot, extra), None))

    errors: list[RowError] = []
    for household_id, household_claims in claims.items():
        household = members[household_id]
        if len({address for address, _line in household}) == 1:
            continue  # everyone ends up at one address: a whole household moved, or a new one came together
        folded = [(keys(member[0]), member) for member in household]
        if len({key for key, _member in folded}) == 1:
            continue  # one address, written in more than one way
        for row, address in household_claims:
            other = _first_elsewhere(folded, keys(address))
            if other is not None:
                errors.append(_error(row, other, towns))
    return sorted(errors, key=lambda error: error.line)


def _first_elsewhere(folded: list[tuple[Address, _Member]], key: Address) -> _Member | None:
    """A member living elsewhere: one the file leaves in place if there is one, else the first such row."""
    elsewhere = [member for member_key, member in folded if member_key != key]
    staying = [member for member in elsewhere if member[1] is None]
    return (staying or elsewhere or [None])[0]


def _error(row: Row, other: _Member, towns: Towns) -> RowError:
    (town_id, _lot, _extra), line = other
    town = towns.by_id[town_id].name
    number = row.household_number
    if line is None:
        message = str(HOUSEHOLD_ELSEWHERE_MESSAGE).format(number=number, town=town)
    else:
        message = str(HOUSEHOLD_ADDRESSES_DIFFER_MESSAGE).format(number=number, line=line, town=town)
    return RowError(row.line, HOUSEHOLD_COLUMN, message)
