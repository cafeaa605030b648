"""Grants to local activities (つながり応援補助金): budget and over-payment checks, the public form (Japanese
messages, honeypot, rate), photos checked with Pillow, publishing only approved applications and only public fields,
audit of staff reads, permissions (403 for other roles, 404 for another ward)."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tsunagu.areas.models import Municipality
from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.testing.personas import build_city
from tsunagu.volunteers.models import ApplicationStatus, GrantApplication, GrantReportPhoto
from tsunagu.volunteers.public_forms import SUBMISSIONS_PER_HOUR
from tsunagu.volunteers.selectors import call_budget, funded_activities
from tsunagu.volunteers.services import (
    GrantRefused,
    application_decide,
    application_submit,
    call_create,
    check_photos,
    payment_record,
    report_record,
)

pytestmark = pytest.mark.django_db


def _application(call, ward, **fields) -> GrantApplication:
    data = {
        "group_name": "泉尾ふれあいの会",
        "contact_name": "泉尾 花子",
        "email": "hanako@example.jp",
        "phone": "06-0000-0000",
        "activity_title": "ふれあい喫茶",
        "description": "月2回、公民館で高齢の方が集まるお茶の会をひらきます。",
        "districts": [ward.districts.a],
        "requested_amount": 80000,
        "budget_breakdown": "会場費 24,000円、茶菓子 40,000円、チラシ 16,000円",
        "publish_amount": True,
    }
    data.update(fields)
    return application_submit(call=call, ip="192.0.2.1", **data)


@pytest.fixture
def grants(ward) -> SimpleNamespace:
    today = timezone.localdate()
    staff = ward.shakyo_coordinator
    call = call_create(
        actor=staff,
        municipality_id=Municipality.home().pk,
        name="令和8年度 つながり応援補助金",
        fiscal_year=2026,
        criteria="区内で活動する5人以上の団体。営利・政治・宗教活動は対象外。",
        budget=200000,
        max_per_application=100000,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=20),
    )
    return SimpleNamespace(staff=staff, call=call, application=_application(call, ward))


def _png(size: int = 8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_approval_stays_within_the_maximum_and_the_budget(ward, grants):
    with pytest.raises(GrantRefused) as refused:
        application_decide(actor=grants.staff, application=grants.application, approve=True, amount=120000)
    assert str(refused.value) == "1件あたりの上限（100,000円）を超えています。"
    application_decide(actor=grants.staff, application=grants.application, approve=True, amount=100000)
    second = _application(grants.call, ward, group_name="鶴町子ども食堂")
    application_decide(actor=grants.staff, application=second, approve=True, amount=90000)
    third = _application(grants.call, ward, group_name="南恩加島体操クラブ")
    with pytest.raises(GrantRefused) as refused:
        application_decide(actor=grants.staff, application=third, approve=True, amount=20000)
    assert str(refused.value) == "募集の予算の残り（10,000円）を超えています。"
    budget = call_budget(grants.call)
    assert (budget.approved, budget.remaining) == (190000, 10000)
    with pytest.raises(GrantRefused) as refused:
        application_decide(actor=grants.staff, application=third, approve=False, reason="  ")
    assert str(refused.value) == "不採択の理由を入力してください。"
    application_decide(actor=grants.staff, application=third, approve=False, reason="対象外の活動のため")
    with pytest.raises(GrantRefused):
        application_decide(actor=grants.staff, application=third, approve=True, amount=1000)


def test_payments_never_exceed_the_approved_amount(grants):
    today = timezone.localdate()
    with pytest.raises(GrantRefused) as refused:
        payment_record(actor=grants.staff, application=grants.application, amount=1000, paid_on=today)
    assert str(refused.value) == "交付決定した申請だけ、支払や報告を記録できます。"
    application_decide(actor=grants.staff, application=grants.application, approve=True, amount=80000)
    payment_record(actor=grants.staff, application=grants.application, amount=50000, paid_on=today)
    with pytest.raises(GrantRefused) as refused:
        payment_record(actor=grants.staff, application=grants.application, amount=30001, paid_on=today)
    assert str(refused.value) == "支払の合計が交付決定額を超えます（あと30,000円まで）。"
    payment_record(actor=grants.staff, application=grants.application, amount=30000, paid_on=today)
    assert call_budget(grants.call).paid == 80000


def test_the_public_form_applies_with_japanese_messages(client, ward, grants):
    url = reverse("volunteers:grant_apply", args=[grants.call.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"group_name": "", "requested_amount": "150000", "activity_title": "体操"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "入力に誤りがあります" in html
    assert "この項目は必須です。" in html
    assert "申請額は1件あたりの上限（100,000円）以下にしてください。" in html
    assert "メールアドレスか電話番号のどちらかを入力してください。" in html
    good = {
        "group_name": "鶴町子ども食堂",
        "contact_name": "鶴町 一郎",
        "email": "ichiro@example.jp",
        "activity_title": "子ども食堂",
        "description": "毎週土曜に子どもと地域の大人が一緒に食事をします。",
        "districts": [ward.districts.b.pk],
        "requested_amount": "60000",
        "budget_breakdown": "食材費 50,000円、保険 10,000円",
    }
    response = client.post(url, good)
    assert response.status_code == 302
    created = GrantApplication.objects.get(group_name="鶴町子ども食堂")
    assert created.status == ApplicationStatus.SUBMITTED and list(created.districts.all()) == [ward.districts.b]
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, target_type=AuditTarget.GRANT_APPLICATION, target_ids=[created.pk]
    ).exists()


def test_the_public_form_drops_bots_and_limits_an_address(client, grants):
    url = reverse("volunteers:grant_apply", args=[grants.call.pk])
    before = GrantApplication.objects.count()
    assert client.post(url, {"website": "http://spam.example", "group_name": "x"}).status_code == 302
    assert GrantApplication.objects.count() == before
    for _ in range(SUBMISSIONS_PER_HOUR):
        application_submit(
            call=grants.call, ip="127.0.0.1", group_name="g", contact_name="c", email="a@example.jp",
            activity_title="t", description="d", requested_amount=1, budget_breakdown="b",
        )  # fmt: skip
    response = client.post(url, {"group_name": "g"})
    assert "送信が続いたため" in response.content.decode()


def test_a_closed_call_has_no_form(client, grants):
    grants.call.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    grants.call.save()
    assert client.get(reverse("volunteers:grant_apply", args=[grants.call.pk])).status_code == 404
    assert "いま受付中の募集はありません。" in client.get(reverse("volunteers:grant_calls_public")).content.decode()


def test_only_approved_applications_and_only_public_fields_are_published(client, ward, grants):
    hidden_amount = _application(grants.call, ward, group_name="非公開額の会", publish_amount=False)
    rejected = _application(grants.call, ward, group_name="不採択の会")
    _application(grants.call, ward, group_name="審査中の会")
    application_decide(actor=grants.staff, application=grants.application, approve=True, amount=70000)
    application_decide(actor=grants.staff, application=hidden_amount, approve=True, amount=50000)
    application_decide(actor=grants.staff, application=rejected, approve=False, reason="重複")
    published = funded_activities()
    assert {a.group_name for a in published} == {"泉尾ふれあいの会", "非公開額の会"}
    amounts = {a.group_name: a.amount for a in published}
    assert amounts == {"泉尾ふれあいの会": 70000, "非公開額の会": None}
    html = client.get(reverse("directory:funded")).content.decode()
    assert "泉尾ふれあいの会" in html and "ふれあい喫茶" in html and "70,000" in html and "非公開" in html
    for private in ("泉尾 花子", "hanako@example.jp", "06-0000-0000", "不採択の会", "審査中の会", "茶菓子"):
        assert private not in html
    filtered = client.get(reverse("directory:funded"), {"district": ward.districts.b.pk}).content.decode()
    assert "泉尾ふれあいの会" not in filtered


def test_the_staff_review_decide_pay_and_report_with_photos(verified_client, settings, tmp_path, grants):
    settings.MEDIA_ROOT = tmp_path
    client = verified_client(grants.staff)
    url = reverse("volunteers:grant_application", args=[grants.application.pk])
    html = client.get(url).content.decode()
    assert "泉尾 花子" in html
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, target_type=AuditTarget.GRANT_APPLICATION, target_ids=[grants.application.pk]
    ).exists()
    assert client.post(url, {"action": "review"}).status_code == 302
    response = client.post(url, {"action": "decide", "decision": "approve", "amount": "300000"})
    assert "1件あたりの上限（100,000円）を超えています。" in response.content.decode()
    assert client.post(url, {"action": "decide", "decision": "approve", "amount": "80000"}).status_code == 302
    today = timezone.localdate().isoformat()
    response = client.post(url, {"action": "pay", "amount": "90000", "paid_on": today})
    assert "支払の合計が交付決定額を超えます" in response.content.decode()
    assert client.post(url, {"action": "pay", "amount": "40000", "paid_on": today, "note": "概算払"}).status_code == 302
    report = {"action": "report", "summary": "12回ひらきました。", "participants": "150", "spent_amount": "78000"}
    response = client.post(url, {**report, "photo_1": SimpleUploadedFile("a.png", _png(), "image/png")})
    assert "写真の説明を入力してください" in response.content.decode()
    response = client.post(url, {**report, "photo_1": SimpleUploadedFile("a.png", b"not an image", "image/png"),
                                 "alt_1": "お茶の会"})  # fmt: skip
    assert "写真として読めません" in response.content.decode()
    photo = SimpleUploadedFile("a.png", _png(), "image/png")
    response = client.post(url, {**report, "photo_1": photo, "alt_1": "公民館でお茶を飲む10人"})
    assert response.status_code == 302
    stored = GrantReportPhoto.objects.get()
    assert stored.content_type == "image/png" and stored.alt_text == "公民館でお茶を飲む10人"
    html = client.get(url).content.decode()
    assert 'alt="公民館でお茶を飲む10人"' in html
    photo_url = reverse("volunteers:grant_photo", args=[grants.application.pk, stored.pk])
    assert client.get(photo_url)["Content-Type"] == "image/png"
    call_html = client.get(reverse("volunteers:grant_call", args=[grants.call.pk])).content.decode()
    assert "120,000" in call_html  # 200,000 budget − 80,000 approved
    assert AuditEntry.objects.filter(action=AuditAction.LIST, target_type=AuditTarget.GRANT_APPLICATION).exists()


def test_photos_are_checked_by_content_size_and_count(grants):
    big = SimpleUploadedFile("big.png", _png(), "image/png")
    big.size = 6 * 1024 * 1024
    with pytest.raises(GrantRefused) as refused:
        check_photos([big], ["説明"])
    assert "大きすぎます" in str(refused.value)
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    with pytest.raises(GrantRefused):
        check_photos([SimpleUploadedFile("x.gif", gif.getvalue(), "image/gif")], ["説明"])
    with pytest.raises(GrantRefused) as refused:
        check_photos([SimpleUploadedFile("a.png", _png(), "image/png")], [""])
    assert "説明" in str(refused.value)
    with pytest.raises(GrantRefused):
        report_record(actor=grants.staff, application=grants.application, summary="s", participants=1, spent_amount=0)


@pytest.mark.parametrize("persona", ["care_plaza_worker", "association_member", "commissioner", "ward_clerk"])
def test_only_the_centre_opens_the_grant_pages(verified_client, ward, grants, persona):
    client = verified_client(getattr(ward, persona))
    assert client.get(reverse("volunteers:grants")).status_code == 403
    assert client.get(reverse("volunteers:grant_call", args=[grants.call.pk])).status_code == 403
    assert client.get(reverse("volunteers:grant_application", args=[grants.application.pk])).status_code == 403


def test_another_wards_centre_gets_404_and_it_is_logged(verified_client, ward, grants):
    city = build_city(ward)
    client = verified_client(city.shakyo_coordinator)
    assert client.get(reverse("volunteers:grant_call", args=[grants.call.pk])).status_code == 404
    assert client.get(reverse("volunteers:grant_application", args=[grants.application.pk])).status_code == 404
    assert AuditEntry.objects.filter(
        action=AuditAction.DENIED,
        actor_id_value=city.shakyo_coordinator.pk,
        target_type=AuditTarget.GRANT_APPLICATION,
    ).exists()
    with pytest.raises(GrantRefused) as refused:
        application_decide(actor=city.shakyo_coordinator, application=grants.application, approve=False, reason="x")
    assert str(refused.value) == "ほかの区の募集は扱えません。"
