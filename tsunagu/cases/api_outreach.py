"""JSON API for outreach items, a case's timeline, the caseload dashboards and the area issues: the same selectors
(policy, team check, audit) and services as the pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.core.api import AUTH_RESPONSES, NOT_FOUND_RESPONSE, VALIDATION_RESPONSE
from tsunagu.core.serializers import (
    ID_MESSAGE,
    QueryBooleanField,
    QueryChoiceField,
    QueryIntegerField,
    integer_messages,
    requested_id,
)
from tsunagu.organisations.models import Organisation

from .models import OutreachSource
from .selectors import OutreachFilters, case_or_404, case_timeline, outreach_or_404, outreach_worklist
from .selectors.area import area_issues
from .selectors.dashboards import agency_caseload, worker_caseload
from .serializers import (
    AreaIssuesSerializer,
    CaseloadSerializer,
    DashboardSerializer,
    OutreachActionSerializer,
    OutreachCreateSerializer,
    OutreachItemSerializer,
    TimelineEntrySerializer,
)
from .services import CaseError, case_agencies_of, outreach_create, outreach_note, outreach_reopen, outreach_resolve

TAGS = ["cases"]
ITEM_ID = OpenApiParameter("item_id", int, OpenApiParameter.PATH, description="アウトリーチの項目のID。")
CASE_ID = OpenApiParameter("case_id", int, OpenApiParameter.PATH, description="ケースのID。")
FORBIDDEN = OpenApiResponse(description="この機能を使えない利用者です（監査ログに記録されます）。")
UNKNOWN_AGENCY_MESSAGE = gettext_lazy("担当機関が見つかりません。")


def _content_error(error: CaseError) -> serializers.ValidationError:
    return serializers.ValidationError([str(m) for m in error.messages])


class OutreachParamsSerializer(serializers.Serializer):
    status = QueryChoiceField(
        choices=[("open", "open"), ("resolved", "resolved"), ("all", "all")], required=False, default="open"
    )
    source = QueryChoiceField(choices=OutreachSource.choices, required=False)
    mine = QueryBooleanField(required=False, default=False, help_text=gettext_lazy("true: 自分が担当者の項目だけ。"))
    organisation = QueryIntegerField(
        required=False, min_value=1, max_value=2**63 - 1, error_messages=integer_messages(ID_MESSAGE)
    )
    overdue = QueryBooleanField(required=False, default=False, help_text=gettext_lazy("true: 期限を過ぎたものだけ。"))


class OutreachListApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_outreach_list",
        summary="アウトリーチの一覧",
        description="所属機関が担当するアウトリーチの項目（既定は未解決のもの。期限超過が先）。対象の方の氏名・住民IDは、"
        "アクセスポリシーが許す場合だけ入ります。一覧は表示した方のIDとともに監査ログに記録されます。",
        parameters=[OutreachParamsSerializer],
        responses={200: OutreachItemSerializer(many=True), 400: VALIDATION_RESPONSE, 403: FORBIDDEN, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        policy.require_capability(request.user, Capability.MANAGE_OUTREACH)
        params = OutreachParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        owner = "me" if data["mine"] else str(data.get("organisation") or "")
        filters = OutreachFilters(
            source=data.get("source") or "", owner=owner, overdue=data["overdue"], status=data["status"]
        )
        rows = outreach_worklist(request.user, filters, request=request)
        return Response([OutreachItemSerializer.of(r) for r in rows])

    @extend_schema(
        operation_id="cases_outreach_create",
        summary="アウトリーチの対象を登録する",
        description="見られる方（担当地区の方、支援チームのケースの方）を、理由・次の対応・担当機関とともに登録します。"
        "見られない住民IDは 404（監査ログに記録）。内容の誤りは 400 で理由を返します。",
        request=OutreachCreateSerializer,
        responses={
            201: OutreachItemSerializer,
            400: VALIDATION_RESPONSE,
            403: FORBIDDEN,
            404: NOT_FOUND_RESPONSE,
            **AUTH_RESPONSES,
        },
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        policy.require_capability(request.user, Capability.MANAGE_OUTREACH)
        body = OutreachCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data.get("owner_organisation"):
            owner = Organisation.objects.filter(pk=data["owner_organisation"]).first()
            if owner is None:
                raise serializers.ValidationError({"owner_organisation": [UNKNOWN_AGENCY_MESSAGE]})
        else:
            agencies = case_agencies_of(request.user)
            if not agencies:
                raise serializers.ValidationError({"owner_organisation": [UNKNOWN_AGENCY_MESSAGE]})
            owner = agencies[0]
        try:
            item = outreach_create(
                request.user,
                person_id=data["person_id"],
                reason=data["reason"],
                next_action=data["next_action"],
                owner_organisation=owner,
                due_on=data.get("due_on"),
                whole_household=data["whole_household"],
                request=request,
            )
        except CaseError as error:
            raise _content_error(error) from None
        row = outreach_or_404(request.user, item.pk, request=request, audit=False)
        return Response(OutreachItemSerializer.of(row, events=True), status=status.HTTP_201_CREATED)


class OutreachDetailApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="cases_outreach_retrieve",
        summary="アウトリーチの項目",
        description="担当機関の職員だけが見られます（経過を含む）。それ以外は存在しないIDと同じ 404 で、監査ログに"
        "「アクセス拒否」として残ります。",
        parameters=[ITEM_ID],
        responses={200: OutreachItemSerializer, 403: FORBIDDEN, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request, item_id: str) -> Response:
        policy.require_capability(request.user, Capability.MANAGE_OUTREACH)
        row = outreach_or_404(request.user, requested_id(item_id), request=request)
        return Response(OutreachItemSerializer.of(row, events=True))


class OutreachActionApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_outreach_action",
        summary="アウトリーチの対応を記録する・解決にする・再開する",
        description="note（対応の記録。note 必須）、resolve（解決。resolution と note 必須）、reopen（再開。note に"
        "理由）。できない操作は 400 で理由を返します。記録は監査ログに残ります。",
        parameters=[ITEM_ID],
        request=OutreachActionSerializer,
        responses={
            200: OutreachItemSerializer,
            400: VALIDATION_RESPONSE,
            403: FORBIDDEN,
            404: NOT_FOUND_RESPONSE,
            **AUTH_RESPONSES,
        },
        tags=TAGS,
    )
    def post(self, request: Request, item_id: str) -> Response:
        policy.require_capability(request.user, Capability.MANAGE_OUTREACH)
        row = outreach_or_404(request.user, requested_id(item_id), request=request, audit=False)
        body = OutreachActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        note = data.get("note", "")
        try:
            if data["action"] == "note":
                outreach_note(request.user, row.item, note=note, request=request)
            elif data["action"] == "resolve":
                outreach_resolve(
                    request.user, row.item, resolution=data.get("resolution", ""), note=note, request=request
                )
            else:
                outreach_reopen(request.user, row.item, reason=note, request=request)
        except CaseError as error:
            raise _content_error(error) from None
        row = outreach_or_404(request.user, row.item.pk, request=request, audit=False)
        return Response(OutreachItemSerializer.of(row, events=True))


class CaseTimelineApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="cases_timeline",
        summary="ケースの経過",
        description="受付・同意・支援チーム・紹介・お知らせ・アウトリーチの記録を時系列で（古い順）。支援チームの機関の"
        "職員だけ。それ以外は 404（監査ログに記録）。",
        parameters=[CASE_ID],
        responses={200: TimelineEntrySerializer(many=True), 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request, case_id: str) -> Response:
        case = case_or_404(request.user, requested_id(case_id), request=request, purpose="timeline")
        return Response(TimelineEntrySerializer(case_timeline(case), many=True).data)


class DashboardApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="cases_dashboard",
        summary="ケースの状況（担当者・機関ごと）",
        description="自分の担当と、所属する各相談機関のケースの件数：未終結、今月の新規、回答期限を過ぎた紹介、期限を"
        "過ぎたアウトリーチ、分野別、受付から最初の「支援開始」までの日数（中央値と分布、過去1年）。見られるケース"
        "だけを数えます。",
        responses={200: DashboardSerializer, 403: FORBIDDEN, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        policy.require_capability(request.user, Capability.OPEN_CASE)
        agencies = [
            {
                "organisation": a.pk,
                "name": a.name,
                "figures": CaseloadSerializer.of(agency_caseload(request.user, a.pk)),
            }
            for a in case_agencies_of(request.user)
        ]
        data = {"mine": CaseloadSerializer.of(worker_caseload(request.user)), "agencies": agencies}
        return Response(DashboardSerializer(data).data)


class AreaParamsSerializer(serializers.Serializer):
    district_type = QueryIntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        error_messages=integer_messages(ID_MESSAGE),
        help_text=gettext_lazy("地区の種類のID（省略すると最初の種類）。"),
    )


class AreaIssuesApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="cases_area_issues",
        summary="地域の課題（地区別・分野別・月別の件数）",
        description="区内で過去12か月に受け付けた相談の延べ件数を地区×分野と月×分野で。5未満の件数と、それを計算で"
        "求められる件数は null（秘匿）。個人の情報は含みません。区役所（福祉部門）・社協・地域包括の職員だけ。",
        parameters=[AreaParamsSerializer],
        responses={200: AreaIssuesSerializer, 400: VALIDATION_RESPONSE, 403: FORBIDDEN, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        params = AreaParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        issues = area_issues(request.user, district_type_id=params.validated_data.get("district_type"), request=request)

        def table(t, rows) -> dict:  # noqa: ANN001
            return {
                "rows": rows,
                "cells": t.cells,
                "row_totals": t.row_totals,
                "column_totals": t.column_totals,
                "total": t.total,
            }

        data = {
            "district_type": issues.district_type.pk if issues.district_type else None,
            "start": issues.start,
            "end": issues.end,
            "domains": [value for value, _label in issues.domains],
            "by_district": table(issues.by_district, issues.districts),
            "by_month": table(issues.by_month, [m.strftime("%Y-%m") for m in issues.months]),
        }
        return Response(AreaIssuesSerializer(data).data)
