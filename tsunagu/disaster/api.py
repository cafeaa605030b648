"""JSON API for disaster-time safety confirmation (安否確認): the events a user works in, an event's persons
(nearest first from the phone), recording a safety report from a phone, and the reports since a moment (to keep a
phone in step). The supporter's phone page (views/phone.py) uses it.

Thin views: check the input, then read through tsunagu.disaster.selectors and write through
tsunagu.disaster.services, the same functions as the pages, so the access policy (the disaster scope), the
reporting rules and the audit entries (purpose 災害時の提供) are the pages' (with channel "api", because the path
starts with /api/). A report sent again with the same client_id is the same report: answered 200 with the stored
one, never stored twice (the phone's offline queue resends on a failing network)."""

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

from .selectors.phone import phone_events, phone_persons, reports_since
from .serializers import (
    DisasterEventListSerializer,
    DisasterEventSerializer,
    SafetyPersonPageSerializer,
    SafetyPersonSerializer,
    SafetyPersonsParamsSerializer,
    SafetyReportCreateSerializer,
    SafetyReportErrorSerializer,
    SafetyReportSerializer,
    SafetyReportSyncParamsSerializer,
    SafetyReportSyncSerializer,
)
from .services import DisasterError, safety_report_record

TAGS = ["disaster"]
EVENT_ID = OpenApiParameter("event_id", int, OpenApiParameter.PATH, description="災害のID。")
EVENT_NOT_FOUND = "ほかの区の災害・存在しないIDは区別せず 404 で、監査ログに「アクセス拒否」として残ります。"
CONTENT_ERROR_RESPONSE = OpenApiResponse(
    SafetyReportErrorSerializer,
    description="送られた内容に誤りがあるか、受け付けられません（災害が終了している、確認した日時が未来 など）。"
    "端末は、この記録を送り直さずに利用者に示します。",
)


class EventListApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="disaster_events_list",
        summary="災害の一覧",
        description="この利用者の区の災害（訓練を含む）のうち、いま行われているもの、これから始まるもの、終了から"
        "30日以内のもの（新しい順）。名称と日時だけなので監査ログには記録しません。user_id は、端末にためた報告を"
        "ログインし直した同じ利用者の分だけ送るために返します。",
        responses={200: DisasterEventListSerializer, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        events = phone_events(request.user)
        context = {"now": timezone.now()}
        return Response(
            {"user_id": request.user.pk, "results": DisasterEventSerializer(events, many=True, context=context).data}
        )


class EventPersonsApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="disaster_event_persons_list",
        summary="安否を確認する方の一覧",
        description="この災害の対象の地区で名簿に載っている方のうち、この利用者が災害時の提供で見られる方（同意の"
        "有無によらず。町会・自主防災組織などは自分の地区の方だけ）と、いまの安否（最後に確認した報告）。near を"
        "付けると近い順、付けないとフリガナ順で、1ページずつ（page_size は200まで）。項目は名簿の項目のうち"
        "氏名・フリガナ・住所・電話と住所の位置だけです。災害が終了すると、見られる方はいなくなります（0件）。"
        "一覧は監査ログに目的「災害時の提供」で記録されます（表示した方のIDを含む。端末の位置は記録しません）。"
        + EVENT_NOT_FOUND,
        parameters=[EVENT_ID, SafetyPersonsParamsSerializer],
        responses={
            200: SafetyPersonPageSerializer,
            400: VALIDATION_RESPONSE,
            404: NOT_FOUND_RESPONSE,
            **AUTH_RESPONSES,
        },
        tags=TAGS,
    )
    def get(self, request: Request, event_id: str) -> Response:
        params = SafetyPersonsParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        result = phone_persons(
            user=request.user,
            event_id=requested_id(event_id),
            origin=data.get("near"),
            page=data["page"],
            page_size=data["page_size"],
            request=request,
        )
        return Response(
            {
                "count": result.total,
                "page": result.page,
                "pages": result.pages,
                "page_size": result.page_size,
                "nearest_first": result.origin is not None,
                "results": SafetyPersonSerializer(result.rows, many=True).data,
            }
        )


class ReportCreateApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="disaster_reports_create",
        summary="安否を報告する",
        description="災害時の提供でその方を見られる利用者が、確認した安否・日時・場所・メモを報告します。報告は追記"
        "だけで、変更も削除もされません。いまの安否は確認した日時がいちばん新しい報告です（オフラインでためて後から"
        "送った古い確認が、新しい確認を上書きすることはありません）。端末で作った記録ID（client_id）を付けて送ると、"
        "同じIDで送り直した報告は1件として扱い、保存済みの報告を 200 で返します（新しく保存したときは 201）。"
        "内容を受け付けられないとき（災害が終了している、確認した日時が未来 など）は 400 で、理由を日本語で返します。"
        "見られない方・対象の地区の外の方・ほかの区の災害は区別せず 404 で、監査ログに「アクセス拒否」として残り"
        "ます。報告は監査ログに目的「災害時の提供」で残ります。読み取り専用のトークンでは使えません（403）。",
        request=SafetyReportCreateSerializer,
        responses={
            201: OpenApiResponse(SafetyReportSerializer, description="報告を保存しました。"),
            200: OpenApiResponse(
                SafetyReportSerializer, description="同じ記録IDの報告がすでにあります（保存済みのもの）。"
            ),
            400: CONTENT_ERROR_RESPONSE,
            404: NOT_FOUND_RESPONSE,
            **AUTH_RESPONSES,
        },
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        body = SafetyReportCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            result = safety_report_record(
                user=request.user,
                event_id=data["event_id"],
                person_id=data["person_id"],
                status=data["status"],
                observed_at=data["observed_at"],
                place=data["place"],
                note=data["note"],
                client_id=data["client_id"],
                request=request,
            )
        except DisasterError as error:
            # Refused for its content: 400 with the service's messages, as the page shows them.
            raise serializers.ValidationError([str(message) for message in error.messages]) from error
        return Response(
            SafetyReportSerializer(result.report).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class EventReportsApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="disaster_event_reports_list",
        summary="安否の報告（同期）",
        description="この災害の報告のうち、この利用者が災害時の提供で見られる方についてのもの（だれの報告でも）を、"
        "受け付けた順に500件まで。since を付けると、その日時以後に受け付けたものだけです。端末は応答の until を"
        "次の since にして同期します（more が true なら続きをすぐ求めます）。同じ報告がもう一度含まれることが"
        "あるので id で重複を除いてください。報告があれば監査ログに目的「災害時の提供」で記録されます。"
        + EVENT_NOT_FOUND,
        parameters=[EVENT_ID, SafetyReportSyncParamsSerializer],
        responses={
            200: SafetyReportSyncSerializer,
            400: VALIDATION_RESPONSE,
            404: NOT_FOUND_RESPONSE,
            **AUTH_RESPONSES,
        },
        tags=TAGS,
    )
    def get(self, request: Request, event_id: str) -> Response:
        params = SafetyReportSyncParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        batch = reports_since(
            user=request.user,
            event_id=requested_id(event_id),
            since=params.validated_data.get("since"),
            request=request,
        )
        return Response(
            {
                "results": SafetyReportSerializer(batch.reports, many=True).data,
                "until": serializers.DateTimeField().to_representation(batch.until),
                "more": batch.more,
            }
        )
