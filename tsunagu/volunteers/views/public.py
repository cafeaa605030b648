"""The public registration form: anyone, without signing in (residents, students, workers, companies, schools)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.areas.models import Municipality

from ..forms import RegistrationForm
from ..public_forms import TOO_MANY, client_ip, honeypot_filled
from ..services import RegistrationRefused, volunteer_register
from ..services.volunteers import registration_allowed


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    ward = Municipality.home()
    form = RegistrationForm(request.POST or None, municipality_id=ward.pk)
    error = ""
    if request.method == "POST":
        if honeypot_filled(request):
            # The hidden field was filled: a script. Answer as if registered, store nothing.
            return redirect("volunteers:register_done")
        if not registration_allowed(client_ip(request)):
            error = str(TOO_MANY)
        elif form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("website", None)
            try:
                volunteer_register(ip=client_ip(request), municipality_id=ward.pk, request=request, **data)
            except RegistrationRefused as refused:
                error = str(refused)
            else:
                return redirect("volunteers:register_done")
    return render(
        request,
        "volunteers/register.html",
        {"form": form, "error": error},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/register_done.html")
