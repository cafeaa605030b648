"""Schemathesis against the live OpenAPI schema (GET /api/schema/): every operation, as a ward officer (with a
read-write API token) and as a community member (with a read-only one, the tokens page's default), with requests
the schema allows (each must be answered as documented and match the response schema) and requests it forbids
(each must be refused with a documented 4xx). All of schemathesis' checks run, including that each operation
refuses a request without the token or with a wrong one.

Deterministic and bounded: hypothesis is derandomized, keeps no example database and draws a fixed number of
examples per operation. The requests go to Django's WSGI application inside the test's transaction.

What the schema cannot say is which IDs exist: a 町丁目 or 地区 filter that names no place is rightly a 400, a
person or shelter that does not exist a 404. So, in requests the schema allows, a drawn filter ID is mapped onto
a place that exists, and a drawn path ID onto a person (in and out of the user's scope alike) or shelter that
exists, or now and then kept, for the 404; a drawn 生年月日 becomes one of its accepted 和暦 or 西暦 forms,
which the schema describes only as text. Requests the schema forbids are sent as drawn."""

import datetime
import io
import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.drainage import reset_generator_stats
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tsunagu.disaster.models import DisasterEvent, DisasterKind
from tsunagu.evacuation.models import EvacuationPlan, PlanStatus, PlanSupporter
from tsunagu.shelters.models import Shelter
from tsunagu.testing.accounts import issued_key

SCHEMA_URL = "/api/schema/?format=json"
# (persona, read-only token)
PERSONAS = [("ward_officer", False), ("association_member", True)]
# Per operation and mode: about 40 s per persona on the 2-core machine. TSUNAGU_SCHEMATHESIS_EXAMPLES raises it
# for a deeper run by hand.
MAX_EXAMPLES = int(os.environ.get("TSUNAGU_SCHEMATHESIS_EXAMPLES", "15"))
BIRTH_TEXTS = ["", "昭和15年5月3日", "S15.5.3", "1940-05-03"]


@pytest.fixture
def wsgi_app(ward):
    """Django's WSGI application, serving the test's data: as Django's test client does, a request must not close
    the test's database connection (which holds the test transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def known_ids(ward):
    """Records for the operations to find: shelters, a plan with a supporter and a shelter, and a disaster event in
    force over district A (its persons, reports and the reports' sync)."""
    shelter = Shelter.objects.create(code="S1", name="泉尾小学校", name_kana="イズオショウガッコウ", hazard_flood=True)
    Shelter.objects.create(code="W1", name="大正区老人福祉センター", is_welfare_shelter=True, capacity=40)
    plan = EvacuationPlan.objects.create(
        person=ward.people.a1_agreed,
        status=PlanStatus.DONE,
        shelter=shelter,
        needs_mobility="車いす",
        next_review_on=datetime.date(2099, 4, 1),
    )
    PlanSupporter.objects.create(plan=plan, name="泉尾 花子", relation="近所の方")
    event = DisasterEvent.objects.create(
        name="大雨",
        kind=DisasterKind.STORM_FLOOD,
        started_at=timezone.now() - datetime.timedelta(hours=1),
        declared_by=ward.ward_officer,
    )
    event.districts.set([ward.districts.a])
    return {
        "town": [t.pk for t in vars(ward.towns).values()],
        "district": [d.pk for d in vars(ward.districts).values()],
        "person_id": [p.pk for p in vars(ward.people).values()],
        "shelter_id": list(Shelter.objects.values_list("pk", flat=True)),
        "event_id": [event.pk],
    }


def _onto_known(values: dict | None, known: dict[str, list[int]], *, keep_some: bool) -> None:
    """Replace drawn IDs by existing ones (with `keep_some`, one in len + 1 is kept as drawn: a path ID that names
    nothing must be a 404), and a drawn 生年月日 by one of its accepted forms."""
    if not values:
        return
    for name, ids in known.items():
        value = values.get(name)
        if not isinstance(value, int):
            continue
        if keep_some:
            if value % (len(ids) + 1) < len(ids):
                values[name] = ids[value % (len(ids) + 1)]
        else:
            values[name] = ids[value % len(ids)]
    if "birth" in values:
        values["birth"] = BIRTH_TEXTS[len(str(values["birth"])) % len(BIRTH_TEXTS)]


def _token_auth(schema: schemathesis.BaseSchema, key: str) -> None:
    """Every generated request carries the persona's API token (so schemathesis knows the credentials are real,
    and checks that the API refuses the request without them)."""

    class TokenAuth:
        def get(self, case: schemathesis.Case, context: schemathesis.AuthContext) -> str:
            return key

        def set(self, case: schemathesis.Case, data: str, context: schemathesis.AuthContext) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}

    schema.auth(refresh_interval=None)(TokenAuth)


def test_the_schema_is_valid_openapi_and_generates_without_warnings(db):
    """`manage.py spectacular --validate --fail-on-warn`: a warning (an unnamed enum, a field whose type is
    guessed) or an invalid document fails."""
    reset_generator_stats()

    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize(("persona", "read_only"), PERSONAS)
def test_the_api_answers_as_its_schema_says(ward, wsgi_app, known_ids, persona, read_only):
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)
    _token_auth(schema, issued_key(getattr(ward, persona), read_only=read_only))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11  # persons, roster, consent, evacuation, shelters

    for operation in operations:
        # An operation without parameters has no request the schema forbids (its auth is probed by the checks).
        negative = [GenerationMode.NEGATIVE] if len(operation.query) or len(operation.path_parameters) else []
        for mode in (GenerationMode.POSITIVE, *negative):
            strategy = operation.as_strategy(generation_mode=mode)
            if mode == GenerationMode.POSITIVE:
                strategy = strategy.map(lambda case: _known(case, known_ids))

            @settings(
                max_examples=MAX_EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate, Phase.shrink],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
            )
            @given(case=strategy)
            def check(case: schemathesis.Case) -> None:
                case.call_and_validate(excluded_checks=_state_dependent(case))

            check()


def _state_dependent(case: schemathesis.Case) -> list:
    """Whether a write is accepted depends on what is stored, which no schema says: a visit is refused (400, with
    the reason) for a person the user does not watch or at a time in the future, an escalation closed twice is
    refused. So for writes the check that every schema-valid request is accepted is off; every other check (the
    answer documented and matching its schema, the refusals of bad input and missing credentials) still runs."""
    return [positive_data_acceptance] if case.method.upper() != "GET" else []


def _known(case: schemathesis.Case, known: dict[str, list[int]]) -> schemathesis.Case:
    _onto_known(case.path_parameters, known, keep_some=True)
    _onto_known(case.query, known, keep_some=False)  # a filter naming no place is rightly a 400
    return case
