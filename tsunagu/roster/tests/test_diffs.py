"""The build difference page: each of the three lists a page at a time, why each removed person left, and an
audit entry that names exactly the persons on the page."""

import datetime
import re

import pytest
from django.urls import reverse

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.core.paging import MAX_PAGE_NUMBER
from tsunagu.people.models import ResidencyEvent, ResidencyEventKind
from tsunagu.roster.models import RosterEntryReason, RosterRule, RuleKind
from tsunagu.roster.selectors import roster_build_changes
from tsunagu.testing.factories import PersonFactory
from tsunagu.testing.personas import list_on_roster

# list_on_roster dates every build 令和6年4月2日.
REFERENCE_DATE = datetime.date(2024, 4, 2)


def diff_url(number: int) -> str:
    return reverse("roster:build_diff", args=[number])


def shown(section) -> list[int]:
    """The persons of one list's page (a changed row names its person as `new`)."""
    return [row.new.person_id if hasattr(row, "new") else row.entry.person_id for row in section.rows]


def listed(entry: AuditEntry) -> set[int]:
    return set(entry.target_ids)


@pytest.fixture
def care_rule(db):
    return RosterRule.objects.create(label="要介護3以上", kind=RuleKind.CARE_LEVEL, threshold="care_3")


def give_reason(build, persons, rule):
    RosterEntryReason.objects.bulk_create(
        RosterEntryReason(build=build, person=p, rule=rule, label=rule.label) for p in persons
    )


def event(person, kind, day, **details):
    return ResidencyEvent.objects.create(person=person, kind=kind, occurred_on=day, details=details)


class TestWhyTheyLeft:
    @pytest.fixture
    def second(self, ward, care_rule):
        """Build 2 drops four of build 1's persons."""
        give_reason(ward.roster, vars(ward.people).values(), care_rule)
        p = ward.people
        kept = [p.a1_agreed, p.a2_agreed, p.b1_agreed]
        build = list_on_roster(kept, number=2)
        give_reason(build, kept, care_rule)
        return build

    def test_moved_out_and_died_are_named_with_their_day(self, ward, second):
        p = ward.people
        event(p.a1_refused, ResidencyEventKind.MOVED_OUT, datetime.date(2024, 3, 31))
        event(p.b1_refused, ResidencyEventKind.DIED, datetime.date(2024, 2, 29))

        page = roster_build_changes(user=ward.ward_officer, number=2)

        why = {r.entry.person_id: r.why for r in page.removed.rows}
        assert why[p.a1_refused.pk] == "転出 令和6年3月31日"
        assert why[p.b1_refused.pk] == "死亡 令和6年2月29日"

    def test_otherwise_the_reason_that_no_longer_holds(self, ward, second):
        page = roster_build_changes(user=ward.ward_officer, number=2)

        why = {r.entry.person_id: r.why for r in page.removed.rows}
        assert why[ward.people.a2_unanswered.pk] == "条件に該当しなくなった：要介護3以上"

    def test_a_return_cancels_an_earlier_move_out(self, ward, second):
        person = ward.people.a2_unanswered
        event(person, ResidencyEventKind.MOVED_OUT, datetime.date(2023, 5, 1))
        event(person, ResidencyEventKind.RETURNED, datetime.date(2023, 9, 1))

        page = roster_build_changes(user=ward.ward_officer, number=2)

        assert {r.entry.person_id: r.why for r in page.removed.rows}[person.pk] == (
            "条件に該当しなくなった：要介護3以上"
        )

    def test_a_move_after_the_reference_date_is_not_why(self, ward, second):
        person = ward.people.b1_unanswered
        event(person, ResidencyEventKind.MOVED_OUT, REFERENCE_DATE + datetime.timedelta(days=1))

        page = roster_build_changes(user=ward.ward_officer, number=2)

        assert {r.entry.person_id: r.why for r in page.removed.rows}[person.pk].startswith("条件に該当しなくなった")

    def test_the_page_shows_the_event(self, ward, second, verified_client):
        event(ward.people.a1_refused, ResidencyEventKind.MOVED_OUT, datetime.date(2024, 3, 31))

        page = verified_client(ward.ward_officer).get(diff_url(2)).content.decode()

        assert '<td class="wrap removed-why">転出 令和6年3月31日</td>' in page
        assert '<td class="wrap removed-why">条件に該当しなくなった：要介護3以上</td>' in page


class TestPages:
    @pytest.fixture
    def big(self, ward, care_rule):
        """Build 2 adds 7 newcomers and drops all 7 of build 1; build 3 changes 7 phone numbers."""
        newcomers = [PersonFactory(town=ward.towns.a1, address=f"{n}-1") for n in range(1, 8)]
        second = list_on_roster(newcomers, number=2)
        give_reason(second, newcomers, care_rule)
        for person in newcomers:
            person.phone = "06-0000-0000"
            person.save(update_fields=["phone"])
        third = list_on_roster(newcomers, number=3)
        give_reason(third, newcomers, care_rule)
        return newcomers

    def test_each_list_is_paged_on_its_own_and_the_audit_names_the_page(self, ward, big):
        page = roster_build_changes(user=ward.ward_officer, number=2, pages={"added": 2, "removed": 3}, page_size=3)

        assert (page.added.total, page.added.pages, page.added.page) == (7, 3, 2)
        assert shown(page.added) == [p.pk for p in big[3:6]]  # in address order
        assert (page.removed.total, page.removed.page, len(page.removed.rows)) == (7, 3, 1)
        assert (page.changed.total, page.changed.rows) == (0, [])
        [entry] = AuditEntry.objects.filter(action=AuditAction.LIST)
        assert listed(entry) == set(shown(page.added)) | set(shown(page.removed))
        assert entry.detail["added"] == 7 and entry.detail["pages"] == {"added": 2, "removed": 3, "changed": 1}

    def test_the_changed_list_pages_too(self, ward, big):
        page = roster_build_changes(user=ward.ward_officer, number=3, pages={"changed": 3}, page_size=3)

        assert (page.changed.total, page.changed.page) == (7, 3)
        assert shown(page.changed) == [big[6].pk]
        assert page.changed.rows[0].fields == ["phone"]
        [entry] = AuditEntry.objects.filter(action=AuditAction.LIST)
        assert listed(entry) == {big[6].pk}

    def test_a_page_past_the_end_is_the_last(self, ward, big):
        page = roster_build_changes(user=ward.ward_officer, number=2, pages={"added": MAX_PAGE_NUMBER}, page_size=3)

        assert page.added.page == 3 and shown(page.added) == [big[6].pk]

    def test_the_page_links_keep_the_other_lists_where_they_are(self, ward, big, verified_client, monkeypatch):
        monkeypatch.setattr("tsunagu.roster.views.pages.DIFF_PAGE_SIZE", 3)
        client = verified_client(ward.ward_officer)

        response = client.get(diff_url(2), {"added_page": "2", "removed_page": "9223372036854775807"})

        page = response.content.decode()
        assert response.status_code == 200
        assert "追加（7）" in page and "削除（7）" in page and "変更（0）" in page
        assert 'href="?added_page=3&amp;removed_page=9223372036854775807#added-heading" rel="next"' in page
        assert 'href="?added_page=2&amp;removed_page=2#removed-heading" rel="prev"' in page
        assert 'aria-label="追加のページ"' in page and 'aria-label="削除のページ"' in page
        [entry] = AuditEntry.objects.filter(action=AuditAction.LIST)
        links = {int(pk) for pk in re.findall(r'href="/roster/why/(\d+)/"', page)}
        assert listed(entry) == links and len(links) == 4  # 3 added on page 2, 1 removed on the last page

    def test_only_those_who_manage_the_roster_may_open_it(self, ward, big, verified_client):
        refused = verified_client(ward.shakyo_coordinator).get(diff_url(2))

        assert refused.status_code == 403
        assert not AuditEntry.objects.filter(action=AuditAction.LIST).exists()
        assert AuditEntry.objects.filter(action=AuditAction.DENIED).count() == 1
