"""The ward's 町丁目 as the resident import finds them: by 町丁目コード, by 町丁目名, or both (which must agree).

Names are compared by tsunagu.core.japanese.town_name_key, so 泉尾1丁目, 泉尾一丁目 and 泉尾１丁目 find the same
town; the town keeps the spelling the area table registered."""

from __future__ import annotations

import re
from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import Town
from tsunagu.core.japanese import town_name_key

TOWN_REQUIRED_MESSAGE = _("町丁目コードか町丁目名のどちらかが必要です")
TOWN_UNKNOWN_CODE_MESSAGE = _("町丁目コード「{value}」は登録されていません（先に町丁目の表を取り込んでください）")
TOWN_UNKNOWN_NAME_MESSAGE = _("町丁目名「{value}」は登録されていません（先に町丁目の表を取り込んでください）")
TOWN_OTHER_WARD_MESSAGE = _(
    "町丁目コード「{value}」（{town}）はほかの区の町丁目です（取り込めるのは自分の区の住民だけです）"
)
TOWN_AMBIGUOUS_MESSAGE = _("町丁目名「{value}」に当たる町丁目が複数あります（町丁目コードで指定してください）")
TOWN_MISMATCH_MESSAGE = _("町丁目コード「{code}」は「{town}」で、町丁目名「{value}」と一致しません")
TOWN_NAME_WITH_LOT_MESSAGE = _(
    "町丁目名「{value}」に番地が含まれています（町丁目名は「{town}」まで、番地は「番地」の列に書いてください）"
)

# What follows a town's name when a 番地 was written into the 町丁目名 cell: 2番3号, 2番地, 2-3, ２の３ (after
# town_name_key has made digits and dashes half-width).
_LOT_AFTER_TOWN_RE = re.compile("[0-9〇一二三四五六七八九十百]+(番|号|-|の)")


class Towns:
    """The ward's 町丁目, loaded once, resolved from a code and/or a name with the reasons for failure."""

    def __init__(self, allowed: frozenset[int] | None = None) -> None:
        # `allowed`: the towns this import may write (the importing officer's ward); None: every town.
        self.allowed = allowed
        self.by_code: dict[str, Town] = {}
        self.by_id: dict[int, Town] = {}
        self.by_key: dict[str, list[Town]] = defaultdict(list)  # town_name_key(name) → towns
        self.outside: dict[str, Town] = {}  # towns of other wards, by code: named in the refusal
        for town in Town.objects.only("id", "code", "name"):
            if allowed is not None and town.pk not in allowed:
                self.outside[town.code] = town
                continue
            self.by_code[town.code] = town
            self.by_id[town.pk] = town
            self.by_key[town_name_key(town.name)].append(town)
        self._memo: dict[tuple[str | None, str | None], tuple[str, int | str]] = {}

    def resolve(self, code: str | None, name: str | None) -> tuple[str, int | str]:
        """("ok", town id) or (column, Japanese reason)."""
        key = (code, name)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._resolve(code, name)
        return found

    def _resolve(self, code: str | None, name: str | None) -> tuple[str, int | str]:
        if code:
            town = self.by_code.get(code)
            if town is None:
                if code in self.outside:
                    return "町丁目コード", str(TOWN_OTHER_WARD_MESSAGE).format(value=code, town=self.outside[code].name)
                return "町丁目コード", str(TOWN_UNKNOWN_CODE_MESSAGE).format(value=code)
            if name and town_name_key(name) != town_name_key(town.name):
                return "町丁目名", str(TOWN_MISMATCH_MESSAGE).format(code=code, town=town.name, value=name)
            return "ok", town.pk
        if name:
            key = town_name_key(name)
            towns = self.by_key.get(key, [])
            if not towns:
                town = self._town_before_lot(key)
                if town is not None:
                    return "町丁目名", str(TOWN_NAME_WITH_LOT_MESSAGE).format(value=name, town=town.name)
                return "町丁目名", str(TOWN_UNKNOWN_NAME_MESSAGE).format(value=name)
            if len(towns) > 1:
                return "町丁目名", str(TOWN_AMBIGUOUS_MESSAGE).format(value=name)
            return "ok", towns[0].pk
        return "町丁目コード", str(TOWN_REQUIRED_MESSAGE)

    def _town_before_lot(self, key: str) -> Town | None:
        """The one town whose name the key starts with, followed by a 番地 (泉尾一丁目2番3号), if there is one.

        A 番 or 番地 names a lot within a town, never a town: such a cell is an error, with a reason that says so."""
        found = [
            towns[0]
            for town_key, towns in self.by_key.items()
            if len(towns) == 1 and key.startswith(town_key) and _LOT_AFTER_TOWN_RE.match(key, len(town_key))
        ]
        return max(found, key=lambda town: len(town_name_key(town.name))) if found else None

    def describe(self, town_id: int, address: str, address_extra: str) -> dict[str, str]:
        town = self.by_id[town_id]
        return {"town_code": town.code, "town": town.name, "address": address, "address_extra": address_extra}
