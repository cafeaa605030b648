"""The staff pages: the events and articles a user manages (the ward's sections: every one of their ward; an
organisation's staff: its own), their forms and translations, and an event's sign-ups (logged)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.access import policy
from tsunagu.access.policy import Capability, CapabilityDenied
from tsunagu.areas.models import Municipality

from ..forms import ArticleForm, EventForm, TranslationForm
from ..models import Article, Event, SignupStatus
from ..selectors import managed_articles, managed_events, managed_item_or_deny, signups_of
from ..services import article_save, event_save, translation_save
from ..services.signups import confirmed_count


def _publisher_required(request: HttpRequest) -> None:
    if not policy.publishes_anything(request.user):
        raise CapabilityDenied(Capability.MANAGE_EVENTS)


@login_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    _publisher_required(request)
    events = list(managed_events(request.user)[:200])
    return render(
        request,
        "events/manage.html",
        {"events": [(e, confirmed_count(e)) for e in events], "articles": managed_articles(request.user)[:100]},
    )


def _edit(request: HttpRequest, model, form_class, pk: int | None, save, template: str, done: str):  # noqa: ANN001, ANN202
    _publisher_required(request)
    item = managed_item_or_deny(request.user, model, pk, request=request) if pk else model()
    if pk is None:
        item.municipality = (
            Municipality.objects.filter(pk__in=policy.ward_publisher_municipality_ids(request.user)).first()
            or Municipality.home()
        )
    form = form_class(request.POST or None, instance=item, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save(
            user=request.user,
            **{model._meta.model_name: form.save(commit=False)},
            audiences=form.cleaned_data["audiences"],
        )
        messages.success(request, _("保存しました。"))
        return redirect(done, saved.pk)
    return render(
        request,
        template,
        {
            "form": form,
            "item": item,
            "translation_form": TranslationForm() if item.pk else None,
            "translations": item.translations.all() if item.pk else [],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _edit(request, Event, EventForm, pk, event_save, "events/event_form.html", "events:edit")


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, article_id: int | None = None) -> HttpResponse:
    return _edit(
        request, Article, ArticleForm, article_id, article_save, "events/article_form.html", "events:article_edit"
    )


@login_required
@require_http_methods(["POST"])
def translation_edit(
    request: HttpRequest, kind: str, pk: int | None = None, article_id: int | None = None
) -> HttpResponse:
    pk = pk or article_id
    model, done = (Event, "events:edit") if kind == "event" else (Article, "events:article_edit")
    item = managed_item_or_deny(request.user, model, pk, request=request)
    form = TranslationForm(request.POST)
    if form.is_valid():
        translation_save(user=request.user, item=item, **form.cleaned_data)
        messages.success(request, _("翻訳を保存しました。"))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(done, item.pk)


@login_required
@require_GET
def event_signups(request: HttpRequest, pk: int) -> HttpResponse:
    event = managed_item_or_deny(request.user, Event, pk, request=request)
    signups = signups_of(request.user, event, request=request)
    confirmed = [s for s in signups if s.status == SignupStatus.CONFIRMED]
    waiting = [s for s in signups if s.status == SignupStatus.WAITING]
    return render(
        request,
        "events/signups.html",
        {
            "event": event,
            "confirmed": confirmed,
            "waiting": waiting,
            "cancelled": [s for s in signups if s.status == SignupStatus.CANCELLED],
            "confirmed_total": sum(s.head_count for s in confirmed),
            "waiting_total": sum(s.head_count for s in waiting),
        },
    )
