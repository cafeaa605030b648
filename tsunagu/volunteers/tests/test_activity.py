import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.testing.volunteers import make_need, make_volunteer
from tsunagu.volunteers.models import Match, MatchStatus, NeedStatus
from tsunagu.volunteers.selectors import district_report, volunteer_report

pytestmark = pytest.mark.django_db


def test_the_volunteer_records_the_activity_with_hours(client, ward, centre):
    match = Match.objects.create(need=centre.need, volunteer=centre.hanako, status=MatchStatus.ACCEPTED)
    client.force_login(centre.hanako.user)
    today = timezone.localdate()
    response = client.post(
        reverse("volunteers:activity", args=[match.pk]),
        {"activity_on": today.isoformat(), "hours": "1.5", "report": "スーパーまで同行しました"},
    )
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.COMPLETED and match.hours == Decimal("1.5")


def test_hours_cannot_be_recorded_before_accepting(client, ward, centre):
    match = Match.objects.create(need=centre.need, volunteer=centre.hanako)
    client.force_login(centre.hanako.user)
    client.post(reverse("volunteers:activity", args=[match.pk]), {"activity_on": "2026-01-01", "hours": "2"})
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED and match.hours is None


def test_the_need_is_filled_when_enough_volunteers_accepted(client, ward, centre):
    match = Match.objects.create(need=centre.need, volunteer=centre.hanako)
    client.force_login(centre.hanako.user)
    client.post(reverse("volunteers:respond", args=[match.pk]), {"answer": "accept"})
    centre.need.refresh_from_db()
    assert centre.need.status == NeedStatus.FILLED


def test_the_volunteers_page_highlights_needs_that_fit(client, ward, centre):
    make_need(ward, title="お話し相手", kind="talking")
    client.force_login(centre.hanako.user)
    html = client.get(reverse("volunteers:me")).content.decode()
    shopping, talking = html.index(centre.need.title), html.index("お話し相手")
    assert shopping < talking
    assert "おすすめ" in html[:talking]


def _done(ward, volunteer, need, hours="2.0"):
    return Match.objects.create(
        need=need,
        volunteer=volunteer,
        status=MatchStatus.COMPLETED,
        hours=Decimal(hours),
        activity_on=timezone.localdate(),
    )


def test_district_report_hides_small_counts_and_volunteer_report_sums_hours(ward):
    hanako = make_volunteer(ward)
    for i in range(6):
        _done(ward, hanako, make_need(ward, title=f"A{i}"))
    for i in range(2):
        _done(ward, hanako, make_need(ward, title=f"B{i}", district=ward.districts.b))
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)
    rows, total, _hours = district_report(ward.shakyo_coordinator, start=start, end=end)
    by_name = {r.district.name: r for r in rows}
    # 2 in district B is under 5: hidden, and so is A's 6 (else 8 − 6 gives B away) or the total.
    assert by_name["北恩加島小学校区"].activities is None and by_name["北恩加島小学校区"].hours is None
    assert by_name["泉尾小学校区"].activities is None or total is None
    [row] = volunteer_report(ward.shakyo_coordinator, start=start, end=end)
    assert row.activities == 8 and row.hours == Decimal("16.0")
