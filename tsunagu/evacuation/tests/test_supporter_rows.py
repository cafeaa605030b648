"""The plan form adds supporter rows in place: with htmx the add button fetches one empty row (the formset's
TOTAL_FORMS and the button come with it, out of band; the new row's first input takes the focus); without
JavaScript the same button posts the form, which comes back with everything typed and one more row."""

import re

import pytest

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.evacuation.forms import MAX_SUPPORTERS
from tsunagu.evacuation.models import EvacuationPlan, PlanStatus, Priority

SUZUKI = {"name": "鈴木　一郎", "relation": "近所の方", "address": "泉尾一丁目1-2", "phone": "06-1111-2222"}


def detail_url(person):
    return f"/evacuation/plans/{person.pk}/"


HTMX = {"HX-Request": "true"}


def row_url(person, total):
    return f"/evacuation/plans/{person.pk}/supporters/new/?supporters-TOTAL_FORMS={total}"


def posted(total, rows, **extra):
    data = {
        "status": PlanStatus.IN_PROGRESS,
        "priority": Priority.MEDIUM,
        "shelter": "",
        "supporters-TOTAL_FORMS": str(total),
        "supporters-INITIAL_FORMS": "0",
        "supporters-MIN_NUM_FORMS": "0",
        "supporters-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"supporters-{i}-{key}": value for key, value in row.items()})
    return {**data, **extra}


def inputs(body, name):
    return re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', body)


class TestTheRowFetchedByHtmx:
    def test_an_empty_row_with_the_next_index_the_count_and_the_button_out_of_band(self, ward, verified_client):
        person = ward.people.a1_agreed

        response = verified_client(ward.ward_officer).get(row_url(person, 2), headers={"HX-Request": "true"})

        body = response.content.decode()
        assert response.status_code == 200
        assert body.lstrip().startswith("<tr>")
        [name] = inputs(body, "supporters-2-name")
        assert "autofocus" in name and 'aria-label="氏名"' in name and 'value="' not in name
        [delete] = inputs(body, "supporters-2-DELETE")
        assert 'aria-label="この行を削除する"' in delete  # labelled like the row's other inputs
        assert inputs(body, "supporters-2-candidate_id")
        [total] = inputs(body, "supporters-TOTAL_FORMS")
        assert 'value="3"' in total and 'hx-swap-oob="true"' in total and 'id="id_supporters-TOTAL_FORMS"' in total
        assert '<div id="supporter-add" class="form-actions" hx-swap-oob="true">' in body
        assert 'name="add_supporter"' in body
        assert not AuditEntry.objects.exists()  # an empty row shows no one

    def test_the_last_row_replaces_the_button_with_a_note_and_then_nothing_more_comes(self, ward, verified_client):
        client = verified_client(ward.ward_officer)
        person = ward.people.a1_agreed

        last = client.get(row_url(person, MAX_SUPPORTERS - 1), headers=HTMX).content.decode()
        beyond = client.get(row_url(person, MAX_SUPPORTERS), headers=HTMX)

        assert inputs(last, f"supporters-{MAX_SUPPORTERS - 1}-name")
        assert 'name="add_supporter"' not in last and f"支援者は{MAX_SUPPORTERS}人まで" in last
        assert beyond.status_code == 204 and beyond.content == b""

    @pytest.mark.parametrize("total", ["", "abc", "-5"])
    def test_a_missing_or_bad_count_gives_the_first_row(self, ward, verified_client, total):
        body = (
            verified_client(ward.ward_officer).get(row_url(ward.people.a1_agreed, total), headers=HTMX).content.decode()
        )

        assert inputs(body, "supporters-0-name")

    def test_only_those_who_may_edit_get_a_row(self, ward, verified_client):
        person = ward.people.a1_agreed

        viewer = verified_client(ward.association_member).get(row_url(person, 2), headers=HTMX)
        outsider = verified_client(ward.outsider).get(row_url(person, 2), headers=HTMX)

        assert (viewer.status_code, outsider.status_code) == (403, 404)
        assert AuditEntry.objects.filter(action=AuditAction.DENIED).count() == 2

    def test_the_form_names_the_row_url_and_the_rows_container(self, ward, verified_client):
        person = ward.people.a1_agreed

        body = verified_client(ward.ward_officer).get(detail_url(person)).content.decode()

        assert '<tbody id="supporter-rows">' in body
        assert f'hx-get="/evacuation/plans/{person.pk}/supporters/new/"' in body
        assert 'hx-include="#id_supporters-TOTAL_FORMS"' in body and 'hx-target="#supporter-rows"' in body
        # Enter in a field saves: the form's first submit button is a hidden 「保存する」, not the add button.
        plan_form = body[body.index('<form method="post" class="form"') :]
        first_submit = re.search(r"<button[^>]*type=\"submit\"[^>]*>([^<]*)</button>", plan_form)
        assert first_submit[1] == "保存する" and "hidden" in first_submit[0]

    def test_a_row_fetched_then_filled_is_saved_with_the_others(self, ward, verified_client):
        client = verified_client(ward.ward_officer)
        person = ward.people.a1_agreed
        client.get(row_url(person, 2), headers=HTMX)
        rows = [SUZUKI, {}, {"name": "佐藤　花子", "relation": "長女"}]

        response = client.post(detail_url(person), posted(3, rows))

        assert response.status_code == 302
        plan = EvacuationPlan.objects.get(person=person)
        assert list(plan.supporters.order_by("id").values_list("name", flat=True)) == ["鈴木　一郎", "佐藤　花子"]


class TestWithoutJavaScript:
    def test_the_add_button_brings_the_form_back_with_everything_typed_and_one_more_row(self, ward, verified_client):
        person = ward.people.a1_agreed
        data = posted(2, [SUZUKI, {"name": "途中まで"}], needs_mobility="車いす", add_supporter="1")

        response = verified_client(ward.ward_officer).post(detail_url(person), data)

        body = response.content.decode()
        assert response.status_code == 200
        assert not EvacuationPlan.objects.exists()
        assert not AuditEntry.objects.filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE]).exists()
        assert 'value="鈴木　一郎"' in body and 'value="途中まで"' in body and "車いす" in body
        [total] = inputs(body, "supporters-TOTAL_FORMS")
        assert 'value="3"' in total
        [new] = inputs(body, "supporters-2-name")
        assert "autofocus" in new
        assert body.count("autofocus") == 1

    def test_a_full_form_gets_no_more_rows(self, ward, verified_client):
        person = ward.people.a1_agreed
        data = posted(MAX_SUPPORTERS, [SUZUKI], add_supporter="1")

        body = verified_client(ward.ward_officer).post(detail_url(person), data).content.decode()

        assert 'value="20"' in inputs(body, "supporters-TOTAL_FORMS")[0]
        assert not inputs(body, f"supporters-{MAX_SUPPORTERS}-name")
        assert 'name="add_supporter"' not in body and "autofocus" not in body

    def test_a_community_user_may_not_add_rows(self, ward, verified_client):
        response = verified_client(ward.association_member).post(
            detail_url(ward.people.a1_agreed), posted(2, [SUZUKI], add_supporter="1")
        )

        assert response.status_code == 403
        assert not EvacuationPlan.objects.exists()


def test_the_row_opened_as_a_page_is_the_plan_form_it_belongs_to(ward, verified_client):
    person = ward.people.a1_agreed
    response = verified_client(ward.ward_officer).get(row_url(person, 2))
    assert response.status_code == 302
    assert response["Location"] == f"/evacuation/plans/{person.pk}/"
