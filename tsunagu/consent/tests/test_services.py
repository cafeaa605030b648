import datetime
import re

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError

from tsunagu.access import policy
from tsunagu.access.policy import CAPABILITIES, Capability
from tsunagu.audit.models import AuditAction, AuditEntry, AuditPurpose
from tsunagu.consent import services
from tsunagu.core.wareki import today_jst
from tsunagu.organisations.models import ConsentRequirement
from tsunagu.people.models import Consent, ConsentGivenBy, ConsentRequest, ConsentStatus
from tsunagu.registry.selectors import person_queryset
from tsunagu.testing.factories import ConsentFactory, PersonFactory, UserFactory
from tsunagu.testing.personas import list_on_roster

TODAY = today_jst()


def record(ward, person, status=ConsentStatus.AGREED, *, kinds=(), user=None, decided_on=None, given_by="self"):
    return services.consent_record(
        person=person,
        status=status,
        decided_on=decided_on or TODAY,
        given_by=given_by,
        method="窓口",
        recipient_kinds=kinds,
        recorded_by=user or ward.ward_officer,
    )


def withdraw(ward, person, *, user=None):
    return services.consent_withdraw(
        person=person,
        decided_on=TODAY,
        given_by=ConsentGivenBy.FAMILY,
        method="電話",
        recorded_by=user or ward.ward_officer,
    )


def visible_ids(user) -> set[int]:
    return set(policy.visible_persons(user).values_list("pk", flat=True))


def pdf_page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page[^s]", pdf))


def make_letters(ward, district, *, sent_on=None, reply_days=21, user=None):
    return services.consent_letters_create(
        user=user or ward.ward_officer,
        district=district,
        sent_on=sent_on or TODAY,
        reply_days=reply_days,
        sender="大正区長",
        contact="大正区役所 保健福祉課",
        purpose=AuditPurpose.DISASTER_PREP,
    )


class TestRecord:
    def test_each_decision_appends_a_row_and_an_audit_entry(self, ward):
        person = ward.people.a2_unanswered

        first = record(ward, person, kinds=["minsei", "fire"], given_by=ConsentGivenBy.GUARDIAN)
        second = record(ward, person, ConsentStatus.REFUSED)

        rows = list(Consent.objects.filter(person=person).order_by("id"))
        assert [r.pk for r in rows] == [first.pk, second.pk]
        assert (rows[0].status, rows[0].recipient_kinds, rows[0].given_by) == ("agreed", "|minsei|fire|", "guardian")
        assert rows[0].recorded_by == ward.ward_officer
        assert Consent.objects.current_for(person).pk == second.pk
        updates = list(AuditEntry.objects.filter(action=AuditAction.UPDATE).order_by("seq"))
        assert [(e.target_type, e.target_ids, e.detail) for e in updates] == [
            ("person", [person.pk], {"consent": "agreed"}),
            ("person", [person.pk], {"consent": "refused"}),
        ]

    @pytest.mark.parametrize(
        "persona", ["shakyo_coordinator", "care_plaza_worker", "association_member", "ward_clerk", "outsider"]
    )
    def test_only_ward_welfare_staff_may_record(self, ward, persona):
        person = ward.people.a2_unanswered

        with pytest.raises(PermissionDenied) as refusal:
            record(ward, person, user=getattr(ward, persona))

        assert str(refusal.value) == str(CAPABILITIES[Capability.MANAGE_CONSENT].refusal)
        assert not Consent.objects.filter(person=person).exists()
        assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()

    @pytest.mark.parametrize(
        ("status", "kinds", "decided_on", "message"),
        [
            ("agreed", ["minsei", "school"], None, services.UNKNOWN_KIND_MESSAGE.format(kind="school")),
            ("refused", ["minsei"], None, services.KINDS_ONLY_FOR_AGREED_MESSAGE),
            ("agreed", [], TODAY + datetime.timedelta(days=1), services.FUTURE_DECISION_MESSAGE),
            ("withdrawn", [], None, services.WITHDRAW_WITHOUT_AGREEMENT_MESSAGE.format(status="未回答")),
            ("maybe", [], None, services.UNKNOWN_STATUS_MESSAGE),
        ],
    )
    def test_invalid_decisions_are_refused_and_nothing_is_written(self, ward, status, kinds, decided_on, message):
        person = ward.people.a2_unanswered

        with pytest.raises(ValidationError) as error:
            record(ward, person, status, kinds=kinds, decided_on=decided_on)

        assert error.value.messages == [str(message)]
        assert not Consent.objects.filter(person=person).exists()
        assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()

    def test_a_refusal_cannot_be_withdrawn(self, ward):
        with pytest.raises(ValidationError) as error:
            withdraw(ward, ward.people.a1_refused)

        assert error.value.messages == [str(services.WITHDRAW_WITHOUT_AGREEMENT_MESSAGE.format(status="不同意"))]

    def test_an_older_reply_does_not_override_a_newer_decision(self, ward):
        person = ward.people.a1_agreed  # agreed on 2025-06-01 (fixture)

        with pytest.raises(ValidationError) as error:
            record(ward, person, ConsentStatus.REFUSED, decided_on=datetime.date(2025, 5, 1))

        expected = services.OLDER_THAN_CURRENT_MESSAGE.format(date=datetime.date(2025, 6, 1), status="同意")
        assert error.value.messages == [str(expected)]
        assert Consent.objects.filter(person=person).count() == 1


class TestWithdrawal:
    def test_withdrawal_takes_effect_at_once_for_pages_and_exports(self, ward):
        person = ward.people.a1_agreed
        member = ward.association_member
        assert person.pk in visible_ids(member)
        assert person_queryset(user=member).filter(pk=person.pk).exists()

        withdrawal = withdraw(ward, person)

        assert person.pk not in visible_ids(member)
        assert not person_queryset(user=member).filter(pk=person.pk).exists()
        # The agreement stays in the history; the withdrawal is a new row.
        assert list(Consent.objects.filter(person=person).order_by("id").values_list("status", flat=True)) == [
            "agreed",
            "withdrawn",
        ]
        assert withdrawal.given_by == ConsentGivenBy.FAMILY
        entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
        assert (entry.target_ids, entry.detail) == ([person.pk], {"consent": "withdrawn"})

    def test_withdrawal_also_hides_the_person_from_an_opt_out_agreement(self, ward):
        person = ward.people.b1_agreed
        assert person.pk in visible_ids(ward.commissioner)

        withdraw(ward, person)

        assert person.pk not in visible_ids(ward.commissioner)


class TestRecipientKinds:
    @pytest.mark.parametrize(
        ("kinds", "visible"),
        [([], True), (["neighbourhood", "fire"], True), (["minsei"], False), (["police", "fire"], False)],
    )
    def test_consent_reaches_only_the_named_kinds(self, ward, kinds, visible):
        person = ward.people.a2_unanswered

        record(ward, person, kinds=kinds)

        assert (person.pk in visible_ids(ward.association_member)) is visible


class TestMode:
    @pytest.mark.parametrize(
        ("mode", "requirement"),
        [
            ("required", ConsentRequirement.REQUIRED),
            ("presumed", ConsentRequirement.PRESUMED),
            ("opt_out", ConsentRequirement.OPT_OUT),
        ],
    )
    def test_the_setting_is_the_default_for_new_agreements(self, settings, mode, requirement):
        settings.TSUNAGU_ROSTER_CONSENT_MODE = mode

        assert services.default_consent_requirement() == requirement

    @pytest.mark.parametrize(("mode", "requirement"), [("presumed", "presumed"), ("opt_out", "opt_out")])
    def test_the_admin_form_for_a_new_agreement_starts_from_the_setting(
        self, db, settings, verified_client, mode, requirement
    ):
        settings.TSUNAGU_ROSTER_CONSENT_MODE = mode
        admin = UserFactory(username="site_admin", is_staff=True, is_superuser=True)

        page = verified_client(admin).get("/admin/organisations/agreement/add/")

        assert page.status_code == 200
        selected = re.search(r'<select name="consent_requirement".*?</select>', page.content.decode(), re.S)
        assert selected is not None
        assert f'<option value="{requirement}" selected>' in selected.group(0)

    def test_an_unknown_mode_is_a_configuration_error(self, settings):
        settings.TSUNAGU_ROSTER_CONSENT_MODE = "presume"

        with pytest.raises(ImproperlyConfigured):
            services.default_consent_requirement()

    def test_presumed_consent_after_the_reply_date_passed(self, ward, settings):
        settings.TSUNAGU_ROSTER_CONSENT_MODE = "presumed"
        agreement = ward.agreements.association
        agreement.consent_requirement = services.default_consent_requirement()
        agreement.save(update_fields=["consent_requirement"])
        person = ward.people.a2_unanswered
        assert person.pk not in visible_ids(ward.association_member)

        make_letters(ward, ward.districts.a, sent_on=TODAY - datetime.timedelta(days=30), reply_days=14)

        seen = visible_ids(ward.association_member)
        assert person.pk in seen
        assert ward.people.a1_refused.pk not in seen  # a refusal is never presumed away

    def test_presumed_consent_waits_for_the_reply_date(self, ward):
        ward.agreements.association.consent_requirement = ConsentRequirement.PRESUMED
        ward.agreements.association.save(update_fields=["consent_requirement"])

        make_letters(ward, ward.districts.a, sent_on=TODAY, reply_days=14)

        assert ward.people.a2_unanswered.pk not in visible_ids(ward.association_member)


class TestLetters:
    def test_one_page_per_unanswered_listed_person_of_the_district(self, ward):
        people = ward.people
        asked_before = PersonFactory(town=ward.towns.a1)
        ConsentFactory(person=asked_before, status=ConsentStatus.UNANSWERED)
        not_listed = PersonFactory(town=ward.towns.a2)  # unanswered, but not on the latest build
        list_on_roster([*vars(people).values(), asked_before], number=2)

        batch = make_letters(ward, ward.districts.a, reply_days=21)

        expected = {people.a2_unanswered.pk, asked_before.pk}
        assert {p.pk for p in batch.persons} == expected
        assert not_listed.pk not in expected
        assert batch.pdf.startswith(b"%PDF")
        assert pdf_page_count(batch.pdf) == 2
        requests = ConsentRequest.objects.all()
        assert {r.person_id for r in requests} == expected
        assert {(r.sent_on, r.reply_due_on) for r in requests} == {(TODAY, TODAY + datetime.timedelta(days=21))}
        entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
        assert (entry.target_type, set(entry.target_ids), entry.purpose) == (
            "person",
            expected,
            AuditPurpose.DISASTER_PREP,
        )
        assert entry.actor_username == "ward_officer"

    def test_persons_dropped_from_the_latest_build_get_no_letter(self, ward):
        people = ward.people
        list_on_roster([p for p in vars(people).values() if p != people.b1_unanswered], number=2)

        with pytest.raises(ValidationError) as error:
            make_letters(ward, ward.districts.b)

        assert error.value.messages == [str(services.NO_UNANSWERED_MESSAGE)]
        assert not ConsentRequest.objects.exists()
        assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()

    def test_only_ward_staff_make_letters(self, ward):
        with pytest.raises(PermissionDenied):
            make_letters(ward, ward.districts.a, user=ward.shakyo_coordinator)

        assert not ConsentRequest.objects.exists()


class TestBulkReplies:
    def rows(self, ward, *lines: str):
        return services.parse_reply_lines("\n".join(lines))

    def test_every_bad_row_is_reported_and_nothing_is_written(self, ward):
        a2, b1 = ward.people.a2_unanswered, ward.people.b1_unanswered
        rows = self.rows(
            ward,
            f"{a2.resident_number},同意,本人,民生委員・自治会,2026-01-10",
            "999999999,同意,本人,,2026-01-10",
            f"{b1.resident_number},たぶん,本人,,2026-01-10",
            f"{ward.people.a1_refused.resident_number},不同意,隣人,,R8.1.10",
        )

        with pytest.raises(services.RepliesFailed) as failure:
            services.consent_replies_record(user=ward.ward_officer, rows=rows)

        assert [str(e) for e in failure.value.errors] == [
            "2行目：" + str(services.BULK_UNKNOWN_PERSON_MESSAGE.format(number="999999999")),
            "3行目：" + str(services.BULK_ANSWER_MESSAGE.format(value="たぶん")),
            "4行目：" + str(services.BULK_GIVEN_BY_MESSAGE.format(value="隣人")),
        ]
        assert str(failure.value) == str(services.BULK_FAILED_MESSAGE.format(count=3))
        assert Consent.objects.count() == 5  # the fixture's rows only
        assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()

    def test_good_rows_are_all_recorded(self, ward):
        a2, b1 = ward.people.a2_unanswered, ward.people.b1_unanswered
        rows = self.rows(
            ward,
            f"{a2.resident_number},同意する,家族,民生委員・自治会・町内会・消防,令和8年1月10日",
            "",
            f"{b1.resident_number},不同意,,,2026/01/12",
        )

        recorded = services.consent_replies_record(user=ward.ward_officer, rows=rows)

        assert [(c.person_id, c.status, c.given_by, c.recipient_kinds, c.method) for c in recorded] == [
            (a2.pk, "agreed", "family", "|minsei|neighbourhood|fire|", services.BULK_METHOD),
            (b1.pk, "refused", "self", "", services.BULK_METHOD),
        ]
        assert recorded[0].decided_on == datetime.date(2026, 1, 10)
        assert AuditEntry.objects.filter(action=AuditAction.UPDATE).count() == 2

    def test_duplicates_and_dates_are_checked_per_line(self, ward):
        a2 = ward.people.a2_unanswered
        future = (TODAY + datetime.timedelta(days=3)).isoformat()
        rows = self.rows(
            ward,
            f"{a2.resident_number},同意,本人,,2026-01-10",
            f"{a2.resident_number},不同意,本人,,2026-01-11",
            f"{ward.people.b1_unanswered.resident_number},同意,本人,,{future}",
            f"{ward.people.b1_refused.resident_number},同意,本人,,きのう",
        )

        batch = services.consent_replies_check(user=ward.ward_officer, rows=rows)

        assert [(e.line, e.message) for e in batch.errors] == [
            (2, str(services.BULK_DUPLICATE_MESSAGE.format(number=a2.resident_number, line=1))),
            (3, str(services.FUTURE_DECISION_MESSAGE)),
            (4, str(services.BULK_DATE_MESSAGE.format(value="きのう"))),
        ]

    def test_csv_upload_in_cp932_with_header(self, ward):
        a2 = ward.people.a2_unanswered
        text = f"宛名番号,回答,記入者,提供先の種別,回答日\r\n{a2.resident_number},同意,成年後見人,社協,2026-01-10\r\n"

        rows, errors = services.parse_reply_csv(text.encode("cp932"))
        recorded = services.consent_replies_record(user=ward.ward_officer, rows=rows, errors=errors)

        assert [(c.person_id, c.given_by, c.recipient_kinds) for c in recorded] == [(a2.pk, "guardian", "|shakyo|")]

    def test_persons_outside_the_users_scope_are_unknown(self, ward):
        rows = self.rows(ward, f"{ward.people.a2_unanswered.resident_number},同意,本人,,2026-01-10")

        with pytest.raises(PermissionDenied):
            services.consent_replies_record(user=ward.association_member, rows=rows)

        assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()
