"""The public list of activities funded by the ward's grants (つながり応援補助金). The grants live in the volunteers
app, a floor below (pyproject.toml's import-linter floors), so the directory reads its public selector; volunteers
never imports the directory. No sign-in, nothing personal, nothing logged: the selector returns only the group's
public part."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tsunagu.areas.models import District, Municipality
from tsunagu.core.ids import as_pk
from tsunagu.volunteers.selectors import funded_activities


@require_GET
def directory_funded_view(request: HttpRequest) -> HttpResponse:
    districts = District.objects.filter(municipality=Municipality.home()).order_by("district_type__pk", "code")
    district = (
        districts.filter(pk=as_pk(request.GET.get("district", ""))).first() if request.GET.get("district") else None
    )
    activities = funded_activities(district_id=district.pk if district else None)
    years = sorted({a.fiscal_year for a in activities}, reverse=True)
    context = {
        "by_year": [(year, [a for a in activities if a.fiscal_year == year]) for year in years],
        "districts": districts,
        "district": district,
    }
    return render(request, "directory/funded.html", context)
