"""JSON API for watch-over (見守り): the watcher's list, one person's watch and visit log, recording a visit from
a phone, and the professional's inbox of escalations with acknowledge and close.

Thin views: check the input, then read through tsunagu.watch.selectors and write through tsunagu.watch.services,
the same functions as the pages, so the access policy (WATCH scope), the escalation rules and the audit entries
are the pages' (with channel "api", because the path starts with /api/). A visit sent again with the same
client_id is the same visit: answered 200 with the stored one, never stored twice (the phone's offline queue
resends on a failing network)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from tsunagu.core.api import AUTH_RESPONSES, NOT_FOUND_RESPONSE, VALIDATION_RESPONSE
from tsunagu.core.serializers import requested_id
from tsunagu.core.wareki import today_jst

from .models import Escalation
from .selectors import EscalationRow, escalation_inbox, my_watch_list, watch_person
from .serializers import (
    BodyErrorSerializer,
    EscalationCloseSerializer,
    EscalationInboxParamsSerializer,
    EscalationInboxSerializer,
    EscalationSerializer,
    PersonWatchSerializer,
    VisitCreateSerializer,
    VisitRecordedSerializer,
    WatchListSerializer,
    WatchRowSerializer,
)
from .services import (
    WatchError,
    escalation_acknowledge,
    escalation_close,
    handles_escalation,
    visit_record,
)

TAGS = ["watch"]
CONTENT_ERROR_RESPONSE = OpenApiResponse(
    BodyErrorSerializer,
    description="送られた内容に誤りがあるか、受け付けられません（見守りの担当でない、日時が未来 など）。",
)
PERSON_ID = OpenApiParameter("person_id", int, OpenApiParameter.PATH, description="住民ID。")
ESCALATION_ID = OpenApiParameter("escalation_id", int, OpenApiParameter.PATH, description="つなぎのID。")


def _content_error(error: WatchError) -> serializers.ValidationError:
    """A write the service refused for its content: 400 with the service's messages, as the page shows them."""
    return serializers.ValidationError([str(message) for message in error.messages])


class WatchListApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="watch_assignments_list",
        summary="わたしの見守り",
        description="この利用者が見守る方（本人が担当の見守りと、所属団体の担当者を決めていない見守り）のうち、見られる方"
        "の一覧。連絡が空いている方、今の期間にまだ会えていない方が先です。次回の目安は期限の日ではなく期間で示します。"
        "一覧は監査ログに記録されます（表示した方のIDを含む）。",
        responses={200: WatchListSerializer, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        rows = my_watch_list(user=request.user, request=request)
        today = rows[0].today if rows else today_jst()
        return Response({"today": today, "results": WatchRowSerializer(rows, many=True).data})


class PersonVisitsApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="watch_person_visits_retrieve",
        summary="1人の見守りと記録",
        description="見守りの担当といまの期間の状況、今の期間の記録（同じ期間にほかの方がすでに会えていれば、重ねて訪問"
        "する前にわかります）と最近の記録。専門職へのつなぎは、見守りをした方には受理・対応の状況と日時だけを示し、"
        "つなぎ先・対応の内容は受けた側の職員だけに示します。範囲外のIDと存在しないIDは区別せず 404 で、範囲外への"
        "試みは監査ログに「アクセス拒否」として残ります。表示は監査ログに記録されます。",
        parameters=[PERSON_ID],
        responses={200: PersonWatchSerializer, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request, person_id: str) -> Response:
        detail = watch_person(user=request.user, person_id=requested_id(person_id), request=request)
        handled = {
            line.escalation.pk for line in detail.recent + detail.this_period if line.show_handling and line.escalation
        }
        return Response(PersonWatchSerializer(detail, context={"handled": handled}).data)


class VisitCreateApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="watch_visits_create",
        summary="見守りを記録する",
        description="見守りの担当の方（または、その方を見られる職員）が、見守りの日時・方法・様子・気になること・メモを"
        "記録します。気になる・緊急は、地区と気になることで決まる専門職に同時につなぎます。端末で作った記録ID"
        "（client_id）を付けて送ると、同じIDで送り直した記録は1件として扱い、保存済みの記録を 200 で返します（新しく"
        "保存したときは 201）。内容を受け付けられないときは 400 で、理由を日本語で返します。範囲外の方・存在しない方は"
        "区別せず 404 で、監査ログに「アクセス拒否」として残ります。記録は監査ログに残ります。",
        request=VisitCreateSerializer,
        responses={
            201: OpenApiResponse(VisitRecordedSerializer, description="記録しました。"),
            200: OpenApiResponse(
                VisitRecordedSerializer, description="同じ記録IDの記録がすでにあります（保存済みのもの）。"
            ),
            400: CONTENT_ERROR_RESPONSE,
            404: NOT_FOUND_RESPONSE,
            **AUTH_RESPONSES,
        },
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        body = VisitCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            result = visit_record(
                user=request.user,
                person_id=data["person_id"],
                method=data["method"],
                outcome=data["outcome"],
                observed_at=data["observed_at"],
                concerns=data["concerns"],
                note=data["note"],
                client_id=data["client_id"],
                request=request,
            )
        except WatchError as error:
            raise _content_error(error) from error
        escalation = result.escalation
        handled = {escalation.pk} if escalation is not None and handles_escalation(request.user, escalation) else set()
        body = VisitRecordedSerializer(result.visit, context={"handled": handled, "warning": result.warning})
        return Response(body.data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class EscalationInboxApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="watch_escalations_list",
        summary="受け取ったつなぎ",
        description="この利用者の所属団体が受け取った、見守りからのつなぎ（気になる・緊急）。緊急、受理の期限を過ぎた"
        "もの、古いものの順で、200件まで。対応済のものは include_closed=true のときだけ含めます。一覧は監査ログに"
        "記録されます。",
        parameters=[EscalationInboxParamsSerializer],
        responses={200: EscalationInboxSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        params = EscalationInboxParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        rows = escalation_inbox(
            user=request.user, include_closed=params.validated_data["include_closed"], request=request
        )
        return Response({"results": EscalationSerializer(rows, many=True).data})


def _row(escalation: Escalation) -> EscalationRow:
    overdue = (
        escalation.acknowledged_at is None
        and escalation.closed_at is None
        and escalation.acknowledge_by < timezone.now()
    )
    return EscalationRow(escalation, overdue)


HANDLER_DESCRIPTION = (
    "つなぎを受け取った団体の職員と、区役所の福祉部門が使えます（ほかの利用者は 403。拒否は監査ログに残ります）。"
    "存在しないID、見られない方のつなぎは 404 です。"
)


class EscalationAcknowledgeApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="watch_escalations_acknowledge",
        summary="つなぎを受理する",
        description="受理を記録します（すでに受理済なら何もせず、そのまま返します）。見守りをした方には「受理されました」"
        "と伝わります。" + HANDLER_DESCRIPTION,
        parameters=[ESCALATION_ID],
        request=None,
        responses={200: EscalationSerializer, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def post(self, request: Request, escalation_id: str) -> Response:
        escalation = escalation_acknowledge(request.user, requested_id(escalation_id), request=request)
        return Response(EscalationSerializer(_row(escalation)).data)


class EscalationCloseApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="watch_escalations_close",
        summary="つなぎを対応済にする",
        description="対応しましたを記録します（受理していなければ受理も記録します）。対応の内容は職員だけが見ます。"
        "見守りをした方には「対応しました」と日時だけが伝わります。すでに対応済なら 400 です。" + HANDLER_DESCRIPTION,
        parameters=[ESCALATION_ID],
        request=EscalationCloseSerializer,
        responses={200: EscalationSerializer, 400: CONTENT_ERROR_RESPONSE, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def post(self, request: Request, escalation_id: str) -> Response:
        body = EscalationCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            escalation = escalation_close(
                request.user, requested_id(escalation_id), note=body.validated_data["note"], request=request
            )
        except WatchError as error:
            raise _content_error(error) from error
        return Response(EscalationSerializer(_row(escalation)).data)
