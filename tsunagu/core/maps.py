"""Settings every map page needs: the tile source and the popup labels in the page's language."""

from django.conf import settings
from django.utils.translation import gettext as _


def map_settings() -> dict:
    """What core/map.js needs on every map page: the tile source (GSI by default; a setting so a ward can use
    its own) and the popup labels in the page's language."""
    return {
        "tile_url": settings.TSUNAGU_MAP_TILE_URL,
        "attribution": settings.TSUNAGU_MAP_ATTRIBUTION,
        "labels": {
            "name": _("氏名"),
            "address": _("住所"),
            "reasons": _("事由"),
            "shelter": _("避難場所"),
            "hazards": _("対応する災害"),
            "welfare": _("福祉避難所"),
            "capacity": _("想定収容人数"),
            "candidate": _("支援者の候補"),
            "phone": _("電話番号"),
            "candidateCapacity": _("支援できる人数"),
            "detail": _("詳しく見る"),
            "person": _("名簿の登載者"),
            "unlocated": _("位置不明"),
            # The public directory's map (tsunagu/directory).
            "directory": _("相談先・居場所"),
            "directoryKind": _("種類"),
            "schedule": _("開いている日時"),
            "error": _("地図のデータを読み込めませんでした。"),
            "loading": _("読み込んでいます…"),
            # A cluster of listed persons, read out by a screen reader ({count}: how many).
            "cluster": _("名簿の登載者{count}人（拡大して表示）"),
            "zoomIn": _("表示する人が多すぎます。地図を拡大してください。"),
        },
    }
