"""JSON API for cases and referrals: the same selectors (team check, audit) and services (intake, the transitions
table) as the pages. A case outside the user's teams is 404 and logged, as on the pages."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from tsunagu.core.api import AUTH_RESPONSES, NOT_FOUND_RESPONSE, VALIDATION_RESPONSE
from tsunagu.core.serializers import requested_id
from tsunagu.organisations.models import Organisation

from .selectors import case_or_404, my_cases, open_referrals, referral_or_404, shared_cases
from .serializers import (
    CaseCreateSerializer,
    CaseListsSerializer,
    CaseRowSerializer,
    CaseSerializer,
    ReferralCreateSerializer,
    ReferralSerializer,
    ReferralTransitionSerializer,
)
from .services import CaseError, case_open, referral_create, referral_transition, team_agency_of

TAGS = ["cases"]
CASE_ID = OpenApiParameter("case_id", int, OpenApiParameter.PATH, description="ケースのID。")
REFERRAL_ID = OpenApiParameter("referral_id", int, OpenApiParameter.PATH, description="紹介のID。")
UNKNOWN_AGENCY_MESSAGE = gettext_lazy("紹介先の機関が見つかりません。")


def _content_error(error: CaseError) -> serializers.ValidationError:
    return serializers.ValidationError([str(m) for m in error.messages])


def _organisation(pk: int | None) -> Organisation | None:
    return Organisation.objects.filter(pk=pk).first() if pk else None


class CaseListApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_list",
        summary="自分の担当と共有されたケース",
        description="担当しているケースと、所属機関が支援チームに入っている未終結のケース。一覧は監査ログに記録されます。",
        responses={200: CaseListsSerializer, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        mine = my_cases(request.user, request=request)
        shared = shared_cases(request.user, request=request)
        return Response(
            {
                "mine": CaseRowSerializer(mine, many=True).data,
                "shared": CaseRowSerializer(shared, many=True).data,
            }
        )

    @extend_schema(
        operation_id="cases_create",
        summary="相談を受け付ける",
        description="相談受付（住民記録の方、記録にない方、匿名のままの方）。受付機関が支援チームに入り、受け付けた職員が"
        "担当になります。内容に誤りがあれば 400 で理由を日本語で返します。記録は監査ログに残ります。",
        request=CaseCreateSerializer,
        responses={201: CaseSerializer, 400: VALIDATION_RESPONSE, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        body = CaseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            case = case_open(request.user, data=body.validated_data, request=request)
        except CaseError as error:
            raise _content_error(error) from None
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseDetailApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="cases_retrieve",
        summary="ケース",
        description="支援チームの機関の職員だけが見られます。それ以外は存在しないIDと区別せず 404 で、監査ログに"
        "「アクセス拒否」として残ります。表示は、ケースが名指す住民のIDとともに監査ログに記録されます。",
        parameters=[CASE_ID],
        responses={200: CaseSerializer, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request, case_id: str) -> Response:
        return Response(CaseSerializer(case_or_404(request.user, requested_id(case_id), request=request)).data)


class ReferralListApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_referrals_list",
        summary="依頼中の紹介",
        description="所属機関が送った・受けた紹介のうち、結果が記録されていないもの（依頼中・受理）。回答期限を過ぎた"
        "依頼中のものは overdue が true で、先頭に並びます。",
        responses={200: ReferralSerializer(many=True), **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        rows = open_referrals(request.user, request=request)
        context = {"today": timezone.localdate()}
        return Response(ReferralSerializer([r.referral for r in rows], many=True, context=context).data)

    @extend_schema(
        operation_id="cases_referrals_create",
        summary="他機関に紹介する",
        description="支援チームの機関から、相談支援に関わるほかの機関へ。本人の同意が紹介先を含まないときは、区役所の"
        "福祉部門だけが override_reason を付けて紹介できます（監査ログに理由とともに残ります）。",
        request=ReferralCreateSerializer,
        responses={201: ReferralSerializer, 400: VALIDATION_RESPONSE, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        body = ReferralCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        case = case_or_404(request.user, data["case"], request=request, audit=False)
        target = _organisation(data["to_organisation"])
        if target is None:
            raise serializers.ValidationError({"to_organisation": [UNKNOWN_AGENCY_MESSAGE]})
        sender = team_agency_of(request.user, case)
        try:
            referral = referral_create(
                request.user,
                case,
                to_organisation=target,
                reason=data["reason"],
                respond_by=data.get("respond_by"),
                override_reason=data.get("override_reason", ""),
                from_organisation_id=sender,
                request=request,
            )
        except CaseError as error:
            raise _content_error(error) from None
        context = {"today": timezone.localdate()}
        return Response(ReferralSerializer(referral, context=context).data, status=status.HTTP_201_CREATED)


class ReferralTransitionApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_referrals_transition",
        summary="紹介の状況を進める",
        description="accept（受理）、decline（辞退・理由必須）、start_support（支援開始）、no_support（支援不要・理由必須）、"
        "re_refer（他機関へ再紹介・理由と to_organisation 必須）、cancel（取消・紹介元のみ・理由必須）。できない操作は"
        "400 で理由を返します。受理には守秘義務の確認（confidentiality_acknowledged）が必要です。",
        parameters=[REFERRAL_ID],
        request=ReferralTransitionSerializer,
        responses={
            200: ReferralSerializer,
            400: OpenApiResponse(description="この状況ではできない操作、または理由がありません。"),
            404: NOT_FOUND_RESPONSE,
            **AUTH_RESPONSES,
        },
        tags=TAGS,
    )
    def post(self, request: Request, referral_id: str) -> Response:
        referral = referral_or_404(request.user, requested_id(referral_id), request=request, audit=False)
        body = ReferralTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            referral = referral_transition(
                request.user,
                referral,
                data["action"],
                reason=data.get("reason", ""),
                confidentiality_acknowledged=data["confidentiality_acknowledged"],
                to_organisation=_organisation(data.get("to_organisation")),
                respond_by=data.get("respond_by"),
                request=request,
            )
        except CaseError as error:
            raise _content_error(error) from None
        return Response(ReferralSerializer(referral, context={"today": timezone.localdate()}).data)
