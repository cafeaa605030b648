"""Letters that go by post: the address block where a 長形3号 window envelope shows it (〒, the address with
prefecture, city and ward, 方書, the name with 様), a letter number of its own (never the 宛名番号) on the letter
and the reply slip, and the bulk reply entry that accepts that number and links each reply to its letter."""

import datetime
import re
import subprocess
from urllib.parse import quote

import pytest
from django.apps import apps
from django.urls import reverse
from reportlab.lib.units import mm

from tsunagu.audit.models import AuditAction, AuditEntry, AuditPurpose
from tsunagu.consent import pdf, services
from tsunagu.core.wareki import today_jst
from tsunagu.people.models import Consent, ConsentRequest, ConsentStatus, letter_number_prefix
from tsunagu.testing.factories import PersonFactory

TODAY = today_jst()
PREFIX = letter_number_prefix(TODAY)
INDEX_URL = reverse("consent:index")


def make_letters(ward, district, *, sent_on=None):
    return services.consent_letters_create(
        user=ward.ward_officer,
        district=district,
        sent_on=sent_on or TODAY,
        reply_days=21,
        sender="大正区長",
        contact="大正区役所 保健福祉課",
        purpose=AuditPurpose.DISASTER_PREP,
    )


def words(content: bytes) -> list[tuple[str, float, float, float, float]]:
    """(text, left, top, right, bottom) of every word on the first page, in mm from the top-left corner."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"], input=content, capture_output=True)
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(text, *(float(v) * 25.4 / 72 for v in box)) for *box, text in re.findall(pattern, html.stdout.decode())]


def text_of(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True).stdout.decode()


class TestLetterNumbers:
    @pytest.mark.parametrize(
        ("sent_on", "prefix"),
        [
            (datetime.date(2026, 4, 1), "R8-"),
            (datetime.date(2027, 3, 31), "R8-"),
            (datetime.date(2026, 3, 31), "R7-"),
            (datetime.date(2019, 4, 10), "R1-"),  # 2019年度 is 令和元年度
            (datetime.date(2020, 1, 6), "R1-"),
            (datetime.date(2019, 3, 29), "H30-"),
        ],
    )
    def test_the_prefix_is_the_fiscal_year_in_wareki(self, sent_on, prefix):
        assert letter_number_prefix(sent_on) == prefix

    def test_each_letter_has_its_own_number_continuing_over_batches(self, ward):
        first = make_letters(ward, ward.districts.a)
        second = make_letters(ward, ward.districts.b)

        numbers = [r.letter_number for r in [*first.requests, *second.requests]]
        assert numbers == [f"{PREFIX}{n:06d}" for n in range(1, 1 + len(numbers))]
        assert ConsentRequest.objects.filter(letter_number__in=numbers).count() == len(numbers)
        assert [r.person for r in second.requests] == second.persons
        entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("seq")
        assert entry.detail["letter_numbers"] == f"{numbers[len(first.requests)]}〜{numbers[-1]}"

    def test_a_new_fiscal_year_starts_again_from_one(self, ward):
        make_letters(ward, ward.districts.a, sent_on=datetime.date(2026, 3, 2))
        batch = make_letters(ward, ward.districts.b, sent_on=datetime.date(2026, 4, 1))

        assert [r.letter_number for r in batch.requests] == ["R8-000001"]

    def test_existing_letters_are_numbered_by_the_migration_in_the_order_sent(self, ward):
        from importlib import import_module

        migration = import_module("tsunagu.people.migrations.0004_consent_letter_numbers")
        person = ward.people.a2_unanswered
        made = [
            ConsentRequest.objects.create(
                letter_number=f"old-{n}", person=person, sent_on=day, reply_due_on=day + datetime.timedelta(21)
            )
            for n, day in enumerate([datetime.date(2026, 5, 1), datetime.date(2026, 3, 1), datetime.date(2026, 4, 2)])
        ]

        migration.number_existing_letters(apps, None)

        assert [ConsentRequest.objects.get(pk=r.pk).letter_number for r in made] == [
            "R8-000002",
            "R7-000001",
            "R8-000001",
        ]


class TestTheLetter:
    def test_the_window_shows_the_postal_code_full_address_and_name_and_nothing_else(self, ward, settings):
        settings.TSUNAGU_MUNICIPALITY_NAME = "大阪府大阪市"
        person = ward.people.a2_unanswered
        person.address, person.address_extra = "1-2-3", "サンハイツ泉尾101号室"
        person.save(update_fields=["address", "address_extra"])

        batch = make_letters(ward, ward.districts.a)

        window_right, window_bottom = (
            (pdf.WINDOW_LEFT + pdf.WINDOW_WIDTH) / mm,
            (pdf.WINDOW_TOP + pdf.WINDOW_HEIGHT) / mm,
        )
        in_window = [w for w in words(batch.pdf) if w[1] < window_right and w[2] < window_bottom]
        assert [w[0] for w in in_window] == [
            "〒551-0031",
            "大阪府大阪市大正区泉尾二丁目1-2-3",
            "サンハイツ泉尾101号室",
            person.family_name,
            person.given_name,
            "様",
        ]
        inset = (25, 20, 105, 55)  # the window (20–110 × 15–60 mm) less 5 mm on every side
        for text, left, top, right, bottom in in_window:
            assert inset[0] - 0.1 <= left and right <= inset[2] and inset[1] <= top and bottom <= inset[3], text

    def test_the_letter_number_is_on_the_letter_and_the_slip_and_the_resident_number_nowhere(self, ward):
        batch = make_letters(ward, ward.districts.a)

        text = text_of(batch.pdf)
        number = batch.requests[0].letter_number
        assert re.findall(rf"整理番号\s*{number}", text) and len(re.findall(number, text)) == 2
        assert batch.persons[0].resident_number not in text

    def test_a_long_address_is_made_smaller_or_broken_but_stays_in_the_window(self, ward):
        person = ward.people.a2_unanswered
        person.address_extra = "グランドメゾン大正リバーサイドタワー泉尾ウエストウイング3205号室"
        person.save(update_fields=["address_extra"])

        batch = make_letters(ward, ward.districts.a)

        in_window = [w for w in words(batch.pdf) if w[1] < 110 and w[2] < 60]
        assert person.address_extra in "".join(w[0] for w in in_window)
        assert all(right <= 105 and bottom <= 55 for _text, _left, _top, right, bottom in in_window), in_window

    def test_postal_address_names_prefecture_city_and_ward_once(self, ward, settings):
        settings.TSUNAGU_MUNICIPALITY_NAME = "大阪府大阪市"
        person = PersonFactory(town=ward.towns.b1, address="4-5")
        imported = PersonFactory(town=ward.towns.a1, address="2")
        imported.town.name = "大正区泉尾一丁目"
        imported.town.postal_code = ""

        address = pdf.postal_address(person)

        assert (address.postal_code, address.address) == ("〒551-0033", "大阪府大阪市大正区北恩加島一丁目4-5")
        assert address.name == f"{person.full_name}\u3000様"
        assert pdf.postal_address(imported).address == "大阪府大阪市大正区泉尾一丁目2"
        assert pdf.postal_address(imported).postal_code == ""

    def test_the_letters_file_is_named_by_the_one_scheme(self, ward, verified_client):
        data = {
            "district": ward.districts.a.pk,
            "sent_on": TODAY.isoformat(),
            "reply_days": "21",
            "sender": "大正区長",
            "contact": "大正区役所 保健福祉課",
            "purpose": AuditPurpose.DISASTER_PREP,
        }

        response = verified_client(ward.ward_officer).post(INDEX_URL, data)

        batch_name = f"{services.LETTERS_NAME}_{TODAY:%Y%m%d}_{ward.districts.a.name}.pdf"
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].endswith(f"; filename=consent-letters_{TODAY:%Y%m%d}_A.pdf")
        assert quote(batch_name) in response["Content-Disposition"]


class TestRepliesByLetterNumber:
    def rows(self, *lines: str):
        return services.parse_reply_lines("\n".join(lines))

    def test_a_reply_by_letter_number_is_linked_to_its_letter(self, ward):
        batch = make_letters(ward, ward.districts.a)
        letter = batch.requests[0]
        typed = "ｒ" + str(int(letter.letter_number[1:].split("-")[0])) + "-" + str(int(letter.letter_number[-6:]))

        recorded = services.consent_replies_record(
            user=ward.ward_officer, rows=self.rows(f"{typed},同意,本人,,{TODAY.isoformat()}")
        )

        assert [(c.person_id, c.status, c.consent_request_id) for c in recorded] == [
            (letter.person_id, ConsentStatus.AGREED, letter.pk)
        ]
        assert list(letter.replies.all()) == recorded

    def test_a_reply_by_resident_number_is_linked_to_the_latest_letter_sent_before_it(self, ward):
        person = ward.people.a2_unanswered
        older = make_letters(ward, ward.districts.a, sent_on=TODAY - datetime.timedelta(days=60)).requests[0]
        make_letters(ward, ward.districts.a, sent_on=TODAY)  # after the reply date below: not the one answered
        b1 = ward.people.b1_unanswered  # never sent a letter

        recorded = services.consent_replies_record(
            user=ward.ward_officer,
            rows=self.rows(
                f"{person.resident_number},不同意,家族,,{(TODAY - datetime.timedelta(days=10)).isoformat()}",
                f"{b1.resident_number},同意,本人,,{TODAY.isoformat()}",
            ),
        )

        assert [(c.person_id, c.consent_request_id) for c in recorded] == [(person.pk, older.pk), (b1.pk, None)]

    def test_one_person_named_twice_by_letter_and_resident_number_is_a_duplicate(self, ward):
        letter = make_letters(ward, ward.districts.a).requests[0]
        person = letter.person

        batch = services.consent_replies_check(
            user=ward.ward_officer,
            rows=self.rows(
                f"{letter.letter_number},同意,本人,,{TODAY.isoformat()}",
                f"{person.resident_number},不同意,本人,,{TODAY.isoformat()}",
            ),
        )

        assert [(e.line, e.message) for e in batch.errors] == [
            (2, str(services.BULK_DUPLICATE_MESSAGE.format(number=person.resident_number, line=1)))
        ]

    def test_a_reply_dated_before_its_letter_was_sent_is_refused(self, ward):
        letter = make_letters(ward, ward.districts.a).requests[0]
        before = TODAY - datetime.timedelta(days=3)

        batch = services.consent_replies_check(
            user=ward.ward_officer, rows=self.rows(f"{letter.letter_number},同意,本人,,{before.isoformat()}")
        )

        assert [e.message for e in batch.errors] == [
            str(services.BULK_BEFORE_LETTER_MESSAGE.format(letter=letter.letter_number, sent_on=letter.sent_on))
        ]

    def test_a_number_that_is_a_letter_and_another_persons_resident_number_is_not_guessed(self, ward):
        letter = make_letters(ward, ward.districts.a).requests[0]
        PersonFactory(town=ward.towns.a1, resident_number=letter.letter_number)

        batch = services.consent_replies_check(
            user=ward.ward_officer, rows=self.rows(f"{letter.letter_number},同意,本人,,{TODAY.isoformat()}")
        )

        assert [e.message for e in batch.errors] == [
            str(services.BULK_AMBIGUOUS_NUMBER_MESSAGE.format(number=letter.letter_number))
        ]

    def test_an_unknown_letter_number_is_reported(self, ward):
        batch = services.consent_replies_check(
            user=ward.ward_officer, rows=self.rows(f"{PREFIX}999999,同意,本人,,{TODAY.isoformat()}")
        )

        assert [e.message for e in batch.errors] == [
            str(services.BULK_UNKNOWN_PERSON_MESSAGE.format(number=f"{PREFIX}999999"))
        ]
        assert not Consent.objects.filter(consent_request__isnull=False).exists()


def test_the_persons_consent_page_names_the_letters_and_the_letter_a_reply_answered(ward, verified_client):
    letter = make_letters(ward, ward.districts.a).requests[0]
    services.consent_replies_record(
        user=ward.ward_officer,
        rows=services.parse_reply_lines(f"{letter.letter_number},同意,本人,,{TODAY.isoformat()}"),
    )

    response = verified_client(ward.ward_officer).get(reverse("consent:person", args=[letter.person_id]))

    body = response.content.decode()
    assert body.count(letter.letter_number) == 2  # the letters sent, and the reply's row in the history
    assert f"同意確認書 {letter.letter_number} への回答" in body
