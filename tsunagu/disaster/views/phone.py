"""The supporter's phone page for one event (安否確認をスマートフォンで) and its service worker.

The page itself holds no personal data: phone.js lists the persons from the JSON API (which reads through the
disaster scope and logs the access), records a status in one tap into a queue on the phone (IndexedDB) and sends
the queue to the API whenever the phone is online. The service worker, served from under the page so that its
scope covers it, keeps the page and its scripts and styles for when the network fails."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..models import SafetyStatus
from ..services import event_of_ward

# Static files the page needs offline, besides whatever else it loads (phone.js sends the service worker the
# list of what the page has actually loaded, so a file base.html adds later is kept too).
PHONE_ASSETS = ("core/tsunagu.css", "core/menu.js", "core/favicon.svg", "disaster/phone.css", "disaster/phone.js")
SERVICE_WORKER_TYPE = "text/javascript; charset=utf-8"


def _messages() -> dict[str, str]:
    """What phone.js says, translated here (the script holds no text of its own)."""
    return {
        "pending": _("送信待ち {n}件"),
        "pending_help": _("通信が戻ると自動で送ります。この端末に保存されているので、ページを閉じても消えません。"),
        "all_sent": _("記録はすべて送信しました。"),
        "offline": _("オフラインです。記録はこの端末に保存し、通信が戻ると送ります。"),
        "online": _("オンラインです。"),
        "sending": _("送信しています…"),
        "retrying": _("送れなかった記録があります（{n}回目）。通信が戻ると自動で送り直します。記録は消えません。"),
        "login_again": _("ログインの期限が切れたか、ログインしていません。ログインし直すと、ためた記録を送ります。"),
        "other_user": _(
            "いまは別の利用者でログインしています。ためた記録は、記録した方がログインし直したときに送ります。"
        ),
        "throttled": _("送信が混み合っています。少し待ってから送り直します。"),
        "refused_count": _("受け付けられなかった記録が {n}件あります。内容を確かめてください。"),
        "refused_help": _(
            "サーバーが内容を受け付けなかった記録です。ほかの記録の送信は止まりません。"
            "直して記録し直すか、不要なら削除してください。"
        ),
        "retry": _("もう一度送る"),
        "discard": _("削除する"),
        "discard_confirm": _("この記録を端末から削除します。よろしいですか。"),
        "recorded_pending": _("{name}さん：{status}を記録しました（送信待ち）。"),
        "current": _("いまの安否："),
        "observed": _("{time} 確認"),
        "pending_badge": _("送信待ち"),
        "conflict": _("食い違う報告があります"),
        "distance": _("約{d}"),
        "no_location": _("位置不明"),
        "loading": _("名簿を読み込んでいます…"),
        "loaded": _("{n}人を表示しています。"),
        "loaded_offline": _("端末に保存した名簿（{time} 時点）の {n}人を表示しています。"),
        "none": _("この災害で安否を確認する方はいません。"),
        "no_list": _("名簿がまだこの端末にありません。通信できるところで、このページを開いてください。"),
        "sorted_near": _("現在地から近い順に並べています。"),
        "sorted_kana": _("フリガナ順に並べています。"),
        "locating": _("現在地を調べています…"),
        "location_failed": _("現在地がわからないため、フリガナ順に並べています。"),
        "location_unsupported": _("この端末では現在地を使えません。フリガナ順に並べています。"),
        "status_group": _("{name}さんの安否"),
        "place": _("場所（避難先など）"),
        "note": _("メモ"),
        "extra": _("場所・メモを添える"),
        "phone": _("電話"),
        "unknown_error": _("サーバーが記録を受け付けませんでした（{status}）。"),
        "no_storage": _(
            "この端末（ブラウザ）では記録を保存できません。ページを閉じる前に、通信できるところで送信してください。"
        ),
    }


@login_required
@require_GET
def phone_view(request: HttpRequest, event_id: str) -> HttpResponse:
    """The supporter's phone page: the persons of the event nearest first, a status in one tap, offline."""
    event = event_of_ward(request.user, event_id, request=request)
    page_url = reverse("disaster:phone", args=[event.pk])
    now = timezone.now()
    config = {
        "eventId": event.pk,
        "userId": request.user.pk,
        "eventActive": event.is_active_at(now),
        "eventUpcoming": event.started_at > now,
        "personsUrl": reverse("api:disaster-event-persons", args=[event.pk]),
        "reportsUrl": reverse("api:disaster-event-reports", args=[event.pk]),
        "createUrl": reverse("api:disaster-report-create"),
        "eventsUrl": reverse("api:disaster-event-list"),
        "serviceWorkerUrl": reverse("disaster:phone_sw", args=[event.pk]),
        "scope": page_url,
        "logoutUrl": reverse("accounts:logout"),
        "csrfCookieName": settings.CSRF_COOKIE_NAME,
        "statuses": [{"value": value, "label": str(label)} for value, label in SafetyStatus.choices],
        "messages": _messages(),
    }
    return render(request, "disaster/phone.html", {"event": event, "config": config, "now": now})


@login_required
@require_GET
def phone_service_worker_view(request: HttpRequest, event_id: str) -> HttpResponse:
    """The service worker of the phone page, served from the page's own path so that its scope covers the page.
    Its cache's name carries a digest of what it keeps, so a new release's files replace the old ones."""
    event = event_of_ward(request.user, event_id, request=request)
    page_url = reverse("disaster:phone", args=[event.pk])
    assets = [static(name) for name in PHONE_ASSETS]
    digest = hashlib.sha256(json.dumps([page_url, assets]).encode()).hexdigest()[:12]
    config = {
        "page": page_url,
        "assets": assets,
        "staticPrefix": settings.STATIC_URL,
        "cache": f"tsunagu-phone-{event.pk}-{digest}",
        "cachePrefix": f"tsunagu-phone-{event.pk}-",
    }
    script = render_to_string("disaster/phone-sw.js", {"config": json.dumps(config, ensure_ascii=True)})
    return HttpResponse(script, content_type=SERVICE_WORKER_TYPE)
