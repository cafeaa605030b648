"""The public pages (no sign-in): events and articles by district and audience, with やさしい日本語 and ふりがな
switches, sign-up and its cancel link, the flyer, and the calendar."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.areas.models import Municipality

from ..flyer import event_flyer_pdf
from ..forms import FilterForm, SignupForm
from ..ical import calendar_bytes
from ..models import AudienceKind, SignupStatus
from ..selectors import article_or_404, event_or_404, localised, public_articles, public_events
from ..services import SignupClosed, signup_cancel, signup_create
from ..services.signups import places_left, signup_for_token


def reader_options(request: HttpRequest) -> dict:
    """The reader's switches, from the query string so that every page can be linked and bookmarked as read:
    ?ruby=1 (ふりがな) and ?easy=1 (やさしい日本語 first)."""
    ruby = request.GET.get("ruby") == "1"
    easy = request.GET.get("easy") == "1"
    keep = "&".join(p for p in ("ruby=1" if ruby else "", "easy=1" if easy else "") if p)
    return {"ruby": ruby, "easy": easy, "keep": keep}


def _filters(request: HttpRequest) -> tuple[FilterForm, dict]:
    form = FilterForm(request.GET or None, municipality=Municipality.home())
    chosen = {"district": None, "audience": None}
    if form.is_bound and form.is_valid():
        chosen = {"district": form.cleaned_data["district"], "audience": form.cleaned_data["audience"] or None}
    return form, chosen


def _feed_query(chosen: dict) -> str:
    parts = []
    if chosen["district"] is not None:
        parts.append(f"district={chosen['district'].pk}")
    if chosen["audience"]:
        parts.append(f"audience={chosen['audience']}")
    return "?" + "&".join(parts) if parts else ""


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    form, chosen = _filters(request)
    kind = form.cleaned_data.get("kind") if form.is_bound and form.is_valid() else None
    events = list(public_events(municipality=Municipality.home(), kind=kind or None, **chosen)[:200])
    return render(
        request,
        "events/list.html",
        {
            "form": form,
            "events": [(e, localised(e)) for e in events],
            "articles": [(a, localised(a)) for a in public_articles(municipality=Municipality.home(), **chosen)[:5]],
            "feed_query": _feed_query(chosen),
            "audiences": AudienceKind.choices,
            **reader_options(request),
        },
    )


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_or_404(pk)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "text": localised(event),
            "places_left": places_left(event),
            "form": SignupForm(),
            **reader_options(request),
        },
    )


@require_http_methods(["GET", "POST"])
def event_signup(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_or_404(pk)
    form = SignupForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = signup_create(
                event_id=event.pk,
                name=data["name"],
                contact=data["contact"],
                head_count=data["head_count"],
                note=data["note"],
            )
        except SignupClosed as closed:
            error = str(closed)
        else:
            if result.signup.status == SignupStatus.WAITING:
                messages.info(request, _("定員に達しているため、キャンセル待ちで受け付けました。"))
            else:
                messages.success(request, _("申込を受け付けました。"))
            return redirect("events:signup", token=result.token)
    return render(
        request,
        "events/signup.html",
        {
            "event": event,
            "text": localised(event),
            "form": form,
            "error": error,
            "places_left": places_left(event),
            **reader_options(request),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def signup_status(request: HttpRequest, token: str) -> HttpResponse:
    """The person's own sign-up, reached by the link only they hold: its state and the cancel button."""
    signup = signup_for_token(token)
    if signup is None:
        raise Http404("no sign-up for this link")
    if request.method == "POST":
        signup = signup_cancel(token=token)
        messages.success(request, _("申込を取り消しました。"))
        return redirect("events:signup", token=token)
    return render(
        request,
        "events/signup_status.html",
        {
            "signup": signup,
            "event": signup.event,
            "text": localised(signup.event),
            "link": request.build_absolute_uri(),
            **reader_options(request),
        },
    )


@require_GET
def event_flyer(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_or_404(pk)
    url = request.build_absolute_uri(reverse("events:detail", args=[event.pk]))
    with translation.override("ja"):
        pdf = event_flyer_pdf(event, url=url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="event-{event.pk}.pdf"'
    return response


def _ics(request: HttpRequest, events, name: str, filename: str) -> HttpResponse:  # noqa: ANN001
    body = calendar_bytes(
        events,
        name=name,
        url_for=lambda e: request.build_absolute_uri(reverse("events:detail", args=[e.pk])),
        host=request.get_host(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_or_404(pk)
    return _ics(request, [event], event.title, f"event-{event.pk}.ics")


@require_GET
def calendar_ics(request: HttpRequest) -> HttpResponse:
    """The calendar to subscribe to: upcoming and recent events (a month back, so a calendar app keeps what it
    showed), for a district and/or audience."""
    from ..feeds import feed_filters

    filters = feed_filters(request)
    events = public_events(municipality=Municipality.home(), upcoming=False, **filters)
    name = _("地域の行事")
    if filters["district"] is not None:
        name += f"（{filters['district'].name}）"
    since = timezone.now() - datetime.timedelta(days=31)
    return _ics(request, list(events.filter(starts_at__gte=since).order_by("starts_at")[:500]), name, "events.ics")


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    form, chosen = _filters(request)
    articles = list(public_articles(municipality=Municipality.home(), **chosen)[:100])
    return render(
        request,
        "events/articles.html",
        {
            "form": form,
            "articles": [(a, localised(a)) for a in articles],
            "feed_query": _feed_query(chosen),
            **reader_options(request),
        },
    )


@require_GET
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = article_or_404(article_id)
    return render(
        request, "events/article.html", {"article": article, "text": localised(article), **reader_options(request)}
    )
