"""The demo's disaster drill: a 総合防災訓練 declared for tomorrow morning over two 小学校区 (泉尾東, where the
町会 and 民生委員 demo logins work, and 三軒家東), ready for the ward's logins to start now and run end to end —
the 防災担当 (bousai) or the welfare section (ward) starts it, the 町会 and 民生委員 confirm safety from their
phones, the ward watches the dashboard and ends it."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext

from tsunagu.areas.models import District, Municipality
from tsunagu.core.wareki import JST
from tsunagu.disaster.models import DisasterEvent, DisasterKind, SafetyCurrent, SafetyReport

DRILL_DISTRICTS = ("S04", "S01")  # 泉尾東, 三軒家東


def clear_disaster() -> None:
    """Delete the events and their reports: they refer to persons and users a replaced ward deletes (reports are
    append-only to every user; a replaced demo ward takes its own with it)."""
    for model in (SafetyCurrent, SafetyReport, DisasterEvent):
        model.objects.all().delete()


def generate_drill(*, municipality: Municipality, today: datetime.date, declared_by, progress) -> DisasterEvent:  # noqa: ANN001
    start = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(10, 0), tzinfo=JST)
    drill = DisasterEvent.objects.create(
        municipality=municipality,
        name=f"{municipality.name} 総合防災訓練（デモ）",
        kind=DisasterKind.EARTHQUAKE,
        is_drill=True,
        started_at=start,
        planned_end_at=start + datetime.timedelta(hours=4),
        declared_by=declared_by,
    )
    drill.districts.set(
        District.objects.filter(municipality=municipality, district_type__code="school", code__in=DRILL_DISTRICTS)
    )
    progress(gettext("防災訓練：{name}（開始を待っています）").format(name=drill.name))
    return drill


def drill_login_lines(users: dict) -> list[str]:
    """What demo_logins says about the drill: that it waits, and how the logins run it."""
    drill = DisasterEvent.objects.filter(is_drill=True, name__endswith="総合防災訓練（デモ）").order_by("pk").first()
    if drill is None or "bousai" not in users:
        return []
    return [
        gettext("防災訓練「{name}」が開始を待っています（{place}）。").format(
            name=drill.name, place="・".join(d.name for d in drill.districts.order_by("code"))
        ),
        gettext(
            "bousai または ward でログインし「災害・安否確認」から訓練を開始すると、chonaikai・minsei が対象地区の"
            "名簿の方の安否をスマートフォンの画面から記録でき（同意の有無によらず）、区はダッシュボードで"
            "確認の進み具合を見て、訓練を終了します。"
        ),
    ]
