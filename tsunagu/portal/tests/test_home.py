"""The home page per role, the page chrome, English, and the accessibility checks we can make without a browser."""

import datetime
import re
from pathlib import Path

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import AuditEntry
from tsunagu.consent.selectors import unanswered_counts_by_district
from tsunagu.core.wareki import age_on, today_jst
from tsunagu.people.models import CareLevel, ConsentStatus, ImportBatch, ResidentStatus
from tsunagu.portal.selectors import WardCounts
from tsunagu.testing.factories import AgreementFactory, ConsentFactory, PersonFactory
from tsunagu.testing.html import main_html, unlabelled_controls

pytestmark = pytest.mark.django_db

CSS_PATH = Path(__file__).resolve().parents[2] / "core" / "static" / "core" / "tsunagu.css"


# --- helpers -------------------------------------------------------------------------------------------------


def person_names(ward) -> list[str]:
    return [p.full_name for p in vars(ward.people).values()] + [p.family_name for p in vars(ward.people).values()]


def new_audit_entries(before: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))


def last_seq() -> int:
    entry = AuditEntry.objects.order_by("-seq").first()
    return entry.seq if entry else 0


# --- the home page, one persona at a time -------------------------------------------------------------------


def test_home_requires_sign_in(client):
    response = client.get(reverse("portal:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_ward_officer_sees_ward_counts_and_links_but_no_one_by_name(ward, verified_client):
    PersonFactory(town=ward.towns.a1, care_level=CareLevel.CARE_3)
    PersonFactory(town=ward.towns.b1, care_level=CareLevel.CARE_5)
    PersonFactory(town=ward.towns.b1, care_level=CareLevel.CARE_2)  # below 要介護3: not counted
    ConsentFactory(person=PersonFactory(town=ward.towns.a2), status=ConsentStatus.UNANSWERED)
    PersonFactory(town=ward.towns.a1, care_level=CareLevel.CARE_4, status=ResidentStatus.MOVED_OUT)
    ImportBatch.objects.create(
        filename="juki_20250401.csv",
        sha256="0" * 64,
        encoding="cp932",
        row_count=12,
        created_count=12,
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    client = verified_client(ward.ward_officer)
    before = last_seq()

    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    # 7 fixture residents + 4 new ones; 要介護 3〜5 among residents: 2. Consent is asked of roster persons, so
    # 未回答 counts the 2 unanswered fixture residents (all listed), not the 4 new ones who are not on the roster
    # — the same figure as the consent page's table.
    assert response.context["overview"].ward_counts == WardCounts(
        residents=11, care_3_or_more=2, consent_unanswered=2, former=1
    )
    consent_page_total = sum(c.unanswered for c in unanswered_counts_by_district(user=ward.ward_officer))
    assert consent_page_total == 2
    html = main_html(response)
    assert "要介護3以上" in html
    assert reverse("registry:search") in html
    assert reverse("access:audit_log") in html
    assert "juki_20250401.csv" in html
    for name in person_names(ward):
        assert name not in html
    assert new_audit_entries(before) == []  # counts reveal no one


def test_home_queries_do_not_grow_with_the_residents(ward, verified_client):
    client = verified_client(ward.ward_officer)
    client.get(reverse("portal:home"))  # warm up the session and the content types
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:home"))
    for _ in range(25):
        PersonFactory(town=ward.towns.a1, care_level=CareLevel.CARE_3)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("portal:home"))

    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) <= 40


def test_shakyo_coordinator_sees_their_districts_with_counts(ward, verified_client):
    client = verified_client(ward.shakyo_coordinator)

    response = client.get(reverse("portal:home"))

    memberships = response.context["overview"].memberships
    assert [(dc.district.name, dc.residents) for dc in memberships[0].service_districts] == [("泉尾小学校区", 4)]
    html = main_html(response)
    assert "大正区社会福祉協議会の担当地区" in html
    assert "泉尾小学校区" in html
    assert "北恩加島小学校区" not in html
    assert reverse("registry:search") in html
    assert reverse("access:audit_log") not in response.content.decode()  # not even in the menu


def test_care_plaza_worker_sees_district_b(ward, verified_client):
    response = verified_client(ward.care_plaza_worker).get(reverse("portal:home"))

    memberships = response.context["overview"].memberships
    assert [(dc.district.name, dc.residents) for dc in memberships[0].service_districts] == [("北恩加島小学校区", 3)]


def test_association_member_sees_agreements_with_expired_and_revoked_marked(ward, client):
    AgreementFactory(
        organisation=ward.orgs.association,
        districts=[ward.districts.a],
        document_reference="大正福第7号",
        valid_from=datetime.date(2020, 4, 1),
        valid_to=datetime.date(2023, 3, 31),
    )
    AgreementFactory(
        organisation=ward.orgs.association,
        districts=[ward.districts.b],
        document_reference="大正福第9号",
        valid_from=datetime.date(2023, 4, 1),
        valid_to=datetime.date(2099, 3, 31),
        revoked_at=timezone.now(),
        revoked_reason="役員の交代",
    )
    client.force_login(ward.association_member)  # community roles sign in without a second factor
    before = last_seq()

    response = client.get(reverse("portal:home"))

    html = main_html(response)
    agreements = {a.agreement.document_reference: a for a in response.context["overview"].memberships[0].agreements}
    assert {ref: a.state for ref, a in agreements.items()} == {
        ward.agreements.association.document_reference: "in_force",
        "大正福第7号": "expired",
        "大正福第9号": "revoked",
    }
    assert agreements[ward.agreements.association.document_reference].visible_count == 2  # consent required
    assert agreements["大正福第7号"].visible_count is None
    expected = (
        "個人情報の取扱いに関する協定",
        "大正福第7号",
        "泉尾小学校区",
        "令和6年4月1日",
        "本人の同意がある方のみ",
        "期限切れ",
        "解除",
        "役員の交代",
    )
    for text in expected:
        assert text in html
    assert reverse("registry:search") in html
    for name in person_names(ward):
        assert name not in html
    assert new_audit_entries(before) == []


def test_commissioner_sees_their_own_area_within_the_agreement(ward, client):
    client.force_login(ward.commissioner)

    response = client.get(reverse("portal:home"))

    html = main_html(response)
    assert "あなたの担当区域：北恩加島小学校区" in html
    assert "不同意の申出がない方（オプトアウト）" in html
    assert response.context["overview"].visible_residents == 2  # B residents who have not refused


@pytest.mark.parametrize("persona", ["unagreed_member", "outsider"])
def test_people_without_access_get_a_friendly_note_and_no_personal_data(ward, client, persona):
    client.force_login(getattr(ward, persona))

    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    html = main_html(response)
    assert "住民の個人情報は閲覧できません" in html
    assert "大正区役所 保健福祉課" in html  # whom to ask
    assert reverse("registry:search") not in html
    assert not response.context["overview"].has_access
    for name in person_names(ward):
        assert name not in html


def test_ward_clerk_without_a_welfare_role_gets_the_note(ward, verified_client):
    response = verified_client(ward.ward_clerk).get(reverse("portal:home"))

    html = main_html(response)
    assert "住民の個人情報は閲覧できません" in html
    assert "いま有効な個人情報の取扱いに関する協定や、福祉の担当としての権限がありません" in html


# --- the page chrome ------------------------------------------------------------------------------------------


def test_header_shows_name_roles_menu_logout_and_language_switch(ward, verified_client):
    ward.ward_officer.display_name = "区役所 花子"
    ward.ward_officer.save(update_fields=["display_name"])

    response = verified_client(ward.ward_officer).get(reverse("portal:home"))

    html = response.content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    assert "つなぐ" in header and "tsunagu" in header and "大正区" in header
    assert "区役所 花子" in header
    assert "大正区役所 保健福祉課・職員" in header
    for label, url in (
        ("ホーム", reverse("portal:home")),
        ("住民検索", reverse("registry:search")),
        ("監査ログ", reverse("access:audit_log")),
    ):
        assert f'href="{url}"' in header and label in header
    assert f'action="{reverse("accounts:logout")}"' in header
    assert f'action="{reverse("set_language")}"' in header
    assert 'name="csrfmiddlewaretoken"' in header
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html


def test_menu_hides_audit_log_from_community_members(ward, client):
    client.force_login(ward.association_member)

    header = client.get(reverse("portal:home")).content.decode().split("</header>")[0]

    assert reverse("registry:search") in header
    assert reverse("access:audit_log") not in header


def test_staff_before_the_second_factor_see_no_menu(ward, client, settings):
    settings.TSUNAGU_REQUIRE_2FA = True
    client.force_login(ward.ward_officer)

    response = client.get(reverse("portal:home"), follow=True)  # on to the second-factor pages

    assert response.request["PATH_INFO"].startswith("/accounts/")
    header = response.content.decode().split("</header>")[0]
    assert reverse("registry:search") not in header
    assert f'action="{reverse("accounts:logout")}"' in header


def test_switching_to_english_shows_english_text(ward, client):
    client.force_login(ward.association_member)

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("portal:home")}, follow=True)

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert ">Home<" in html
    assert "Resident search" in html
    assert "Log out" in html
    assert "Agreements of 泉尾第一町会" in html
    assert "こんにちは" not in html


def test_japanese_is_the_default(ward, client):
    client.force_login(ward.outsider)

    html = client.get(reverse("portal:home")).content.decode()

    assert '<html lang="ja">' in html
    assert ">ホーム<" in html


# --- accessibility without a browser --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["ward_officer", "shakyo_coordinator", "association_member", "outsider"])
def test_every_control_on_the_home_page_has_a_label(ward, verified_client, persona):
    html = verified_client(getattr(ward, persona)).get(reverse("portal:home")).content.decode()

    assert unlabelled_controls(html) == []


def test_the_label_check_catches_an_unlabelled_input():
    html = '<label for="a">A</label><input id="a"><label>B <input name="b"></label><input name="c" id="c">'

    assert unlabelled_controls(html) == ["<input name='c'>"]


def _css_colours() -> dict[str, str]:
    css = CSS_PATH.read_text(encoding="utf-8")
    root = css[css.index(":root") : css.index("}", css.index(":root"))]
    return dict(re.findall(r"--(color-[\w-]+):\s*(#[0-9a-fA-F]{6})", root))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# Text colour on background colour, as the stylesheet pairs them.
TEXT_PAIRS = [
    ("text", "bg"),
    ("text", "surface"),
    ("muted", "bg"),
    ("muted", "surface"),
    ("link", "bg"),
    ("link-visited", "bg"),
    ("link", "surface"),
    ("on-primary", "primary"),
    ("on-primary", "primary-hover"),
    ("header-text", "header-bg"),
    ("header-bg", "header-text"),
    ("header-text", "primary-hover"),
    ("error", "bg"),
    ("error", "error-bg"),
    ("ok", "ok-bg"),
    ("warning", "warning-bg"),
    ("danger", "danger-bg"),
    ("on-primary", "danger"),
    ("muted", "warning-bg"),
    ("text", "warning-bg"),
    ("focus-ring", "focus"),
]


def test_colour_pairs_meet_wcag_aa_contrast():
    colours = _css_colours()

    too_low = {
        f"{fg} on {bg}": round(contrast(colours[f"color-{fg}"], colours[f"color-{bg}"]), 2)
        for fg, bg in TEXT_PAIRS
        if contrast(colours[f"color-{fg}"], colours[f"color-{bg}"]) < 4.5
    }
    assert too_low == {}
    # Input borders and the focus outline are non-text elements: 3:1 against what surrounds them.
    assert contrast(colours["color-border"], colours["color-bg"]) >= 3
    assert contrast(colours["color-focus"], colours["color-header-bg"]) >= 3


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_stylesheet_is_mobile_first_and_self_contained():
    css = CSS_PATH.read_text(encoding="utf-8")

    assert "@import" not in css and "http://" not in css and "https://" not in css  # no CDN: offline machines
    assert '"Noto Sans CJK JP"' in css and '"Hiragino Sans"' in css and '"IPAexGothic"' in css
    assert ":focus-visible" in css
    assert "--touch: 44px" in css
    conditions = re.findall(r"@media([^{]*)\{", css)
    assert "(min-width: 48em)" in conditions[0]
    assert not [c for c in conditions if "max-width" in c]  # breakpoints widen the layout, never narrow it


# --- the wareki filter ---------------------------------------------------------------------------------------


def test_wareki_filters_render_era_dates():
    birth = datetime.date(1940, 5, 3)
    template = Template("{% load wareki %}{{ birth|wareki }} / {{ day|wareki_date }} / [{{ missing|wareki }}]")

    text = template.render(Context({"birth": birth, "day": datetime.date(2019, 5, 1), "missing": None}))

    assert text == f"昭和15年5月3日（{age_on(birth, today_jst())}歳） / 令和元年5月1日 / []"
