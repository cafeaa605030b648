"""Shelters are listed in 50音 order of their reading (名称_カナ), on the list page and in the plan form's
choice of 避難先; shelters published without a reading follow, by name."""

from pathlib import Path

import pytest
from django.urls import reverse

from tsunagu.evacuation.forms import EvacuationPlanForm
from tsunagu.shelters.models import Shelter
from tsunagu.shelters.selectors import ShelterFilters, shelter_choices, shelter_list
from tsunagu.shelters.services.importing import shelters_import

DATA = Path(__file__).parent / "data"

# Kanji code-point order (三 < 北 < 大 < 平 < 泉 < 鶴) is not 50音 order (イ < キ < サ < ツ < ヒ).
IN_KANA_ORDER = [
    "泉尾東小学校",  # イズオヒガシ
    "北恩加島小学校",  # キタオカジマ
    "三軒家東小学校",  # サンゲンヤヒガシ
    "鶴町小学校",  # ツルマチ
    "平尾小学校",  # ヒラオ
    "大正区老人福祉センター",  # no reading: after the others, by name
    "鶴浜緑地",  # no reading
]


@pytest.fixture
def shelters(db):
    made = [
        ("S5", "平尾小学校", "ヒラオショウガッコウ"),
        ("S9", "鶴浜緑地", ""),
        ("S3", "三軒家東小学校", "サンゲンヤヒガシショウガッコウ"),
        ("S1", "泉尾東小学校", "イズオヒガシショウガッコウ"),
        ("S8", "大正区老人福祉センター", ""),
        ("S4", "鶴町小学校", "ツルマチショウガッコウ"),
        ("S2", "北恩加島小学校", "キタオカジマショウガッコウ"),
    ]
    return [Shelter.objects.create(code=code, name=name, name_kana=kana) for code, name, kana in made]


def test_the_shelter_list_is_in_50on_order_of_the_reading(ward, client, shelters):
    client.force_login(ward.commissioner)

    response = client.get(reverse("shelters:list"))

    assert response.status_code == 200
    assert [shelter.name for shelter, _hazards in response.context["rows"]] == IN_KANA_ORDER
    assert [s.name for s in shelter_list()] == IN_KANA_ORDER


def test_the_plan_forms_shelter_choices_are_in_the_same_order(shelters):
    field = EvacuationPlanForm().fields["shelter"]

    assert [s.name for s in shelter_choices()] == IN_KANA_ORDER
    assert [label for value, label in field.choices if value] == [
        f"【福祉避難所】{name}" if Shelter.objects.get(name=name).is_welfare_shelter else name
        for name in IN_KANA_ORDER
    ]


def test_a_search_keeps_the_50on_order(shelters):
    assert [s.name for s in shelter_list(filters=ShelterFilters(q="小学校"))] == IN_KANA_ORDER[:5]


@pytest.mark.django_db
def test_readings_in_hiragana_or_half_width_kana_are_stored_as_katakana(tmp_path):
    # The same file as a municipality might publish it after editing: one reading in hiragana, one half-width.
    text = (DATA / "shelters_standard_utf8.csv").read_text(encoding="utf-8-sig")
    text = text.replace("キタオカジマショウガッコウ", "きたおかじましょうがっこう")
    text = text.replace("チシマコウエン", "ﾁｼﾏｺｳｴﾝ")
    edited = tmp_path / "shelters.csv"
    edited.write_text(text, encoding="utf-8")

    shelters_import(source=edited)

    assert Shelter.objects.get(name="北恩加島小学校").name_kana == "キタオカジマショウガッコウ"
    assert Shelter.objects.get(name="千島公園").name_kana == "チシマコウエン"
    assert [s.name for s in shelter_list()] == ["泉尾東小学校", "北恩加島小学校", "大正中学校", "千島公園"]
