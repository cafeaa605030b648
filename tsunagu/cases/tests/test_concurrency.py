"""Two intakes at the same moment, the year's first: both are stored, under the next two numbers, instead of one
failing on the number's uniqueness."""

from tsunagu.cases.models import Case
from tsunagu.cases.services import case_open
from tsunagu.cases.services import intake as intake_service

from .conftest import intake


def test_two_simultaneous_intakes_both_get_a_number(together, ward, agencies):
    # Both read the year's last number before either writes, unless the reads are serialised.
    together.meet_before(intake_service, "_next_number", parties=2)
    results = together.run(
        lambda: case_open(agencies.self_reliance_worker, data=intake(client_name="一人目")),
        lambda: case_open(agencies.disability_worker, data=intake(client_name="二人目")),
    )
    assert [type(r) for r in results] == [Case, Case], results
    assert sorted(c.number[-6:] for c in results) == ["000001", "000002"]
