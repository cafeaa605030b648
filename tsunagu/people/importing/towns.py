"""The ward's 町丁目 as the resident import finds them: by 町丁目コード, by 町丁目名, or both (which must agree)."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import Town

TOWN_REQUIRED_MESSAGE = _("町丁目コードか町丁目名のどちらかが必要です")
TOWN_UNKNOWN_CODE_MESSAGE = _("町丁目コード「{value}」は登録されていません（先に町丁目の表を取り込んでください）")
TOWN_UNKNOWN_NAME_MESSAGE = _("町丁目名「{value}」は登録されていません（先に町丁目の表を取り込んでください）")
TOWN_AMBIGUOUS_MESSAGE = _("町丁目名「{value}」に当たる町丁目が複数あります（町丁目コードで指定してください）")
TOWN_MISMATCH_MESSAGE = _("町丁目コード「{code}」は「{town}」で、町丁目名「{value}」と一致しません")


class Towns:
    """The ward's 町丁目, loaded once, resolved from a code and/or a name with the reasons for failure."""

    def __init__(self) -> None:
        self.by_code: dict[str, Town] = {}
        self.by_id: dict[int, Town] = {}
        self.by_name: dict[str, list[Town]] = defaultdict(list)
        for town in Town.objects.only("id", "code", "name"):
            self.by_code[town.code] = town
            self.by_id[town.pk] = town
            self.by_name[town.name].append(town)
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
                return "町丁目コード", str(TOWN_UNKNOWN_CODE_MESSAGE).format(value=code)
            if name and name != town.name:
                return "町丁目名", str(TOWN_MISMATCH_MESSAGE).format(code=code, town=town.name, value=name)
            return "ok", town.pk
        if name:
            towns = self.by_name.get(name, [])
            if not towns:
                return "町丁目名", str(TOWN_UNKNOWN_NAME_MESSAGE).format(value=name)
            if len(towns) > 1:
                return "町丁目名", str(TOWN_AMBIGUOUS_MESSAGE).format(value=name)
            return "ok", towns[0].pk
        return "町丁目コード", str(TOWN_REQUIRED_MESSAGE)

    def describe(self, town_id: int, address: str, address_extra: str) -> dict[str, str]:
        town = self.by_id[town_id]
        return {"town_code": town.code, "town": town.name, "address": address, "address_extra": address_extra}
