"""The policy reads consent by one join of the consent state, never by a subquery per person over the history
(issue 7, item 3): the 町会 roster list and visible_persons cost the same per page at any ward size."""

import re

import pytest
from django.db import connection

from tsunagu.access import policy
from tsunagu.organisations.models import ConsentRequirement
from tsunagu.roster.selectors import roster_consent_column, roster_entries_queryset

# The history tables, as a query or a plan names them (people_consentstate is the state, and welcome).
HISTORY_TABLE = re.compile(r"\bpeople_consent(request)?\b")


def queries(ward, user):
    column = roster_consent_column(user)
    return {
        "visible_persons": policy.visible_persons(user),
        "roster list": roster_entries_queryset(user=user, build=ward.roster, consent=column)[:50],
    }


@pytest.fixture
def presumed_association(ward):
    """The 町会's agreement under 推定同意: every consent condition (status, kinds, letters) is in its query."""
    ward.agreements.association.consent_requirement = ConsentRequirement.PRESUMED
    ward.agreements.association.save()
    return ward.association_member


@pytest.mark.parametrize("persona", ["association_member", "commissioner", "presumed"])
def test_consent_is_read_by_a_join_not_from_the_history(ward, presumed_association, persona):
    user = presumed_association if persona == "presumed" else getattr(ward, persona)
    for name, qs in queries(ward, user).items():
        sql = str(qs.query)
        assert "people_consentstate" in sql, name
        assert not HISTORY_TABLE.search(sql), f"{name} reads the consent history: {sql}"
        list(qs)  # and it runs


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")
@pytest.mark.parametrize("persona", ["association_member", "presumed"])
def test_postgresql_plans_have_no_subplan_per_person_on_consent(ward, presumed_association, persona):
    user = presumed_association if persona == "presumed" else getattr(ward, persona)
    for name, qs in queries(ward, user).items():
        plan = qs.explain()
        assert not HISTORY_TABLE.search(plan), f"{name}:\n{plan}"
        # The state is joined (a join node reads it), not probed once per person in a SubPlan.
        assert "people_consentstate" in plan
        assert not any("people_consentstate" in line for line in subplan_lines(plan)), f"{name}:\n{plan}"


def subplan_lines(plan: str) -> list[str]:
    """The lines of the plan's SubPlans (each SubPlan header and the nodes indented under it)."""
    inside: list[str] = []
    depth = None
    for line in plan.splitlines():
        indent = len(line) - len(line.lstrip())
        if depth is not None and indent <= depth:
            depth = None
        if "SubPlan" in line and depth is None:
            depth = indent
        if depth is not None:
            inside.append(line)
    return inside
