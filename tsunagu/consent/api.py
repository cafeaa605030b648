"""JSON API for consent to sharing the roster. Thin views: check the input, ask the policy, read through
tsunagu.consent.selectors (the same reads as the pages: the policy and the audit entry are applied there, with
channel "api" because the path starts with /api/)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.core.api import AUTH_RESPONSES, NOT_FOUND_RESPONSE
from tsunagu.core.serializers import requested_id

from .selectors import consent_page, unanswered_counts_by_district
from .serializers import ConsentHistorySerializer, UnansweredCountsSerializer, unanswered_counts_data


class ConsentPersonApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="consent_retrieve",
        summary="1人の同意の記録",
        description="名簿提供への同意の現在の状況・履歴・同意確認書の送付。その方をすべての項目で見られる職員"
        "（区役所・社協・包括）だけが使えます。ほかの利用者、範囲外のID、存在しないIDは区別せず 404 で、"
        "監査ログに「アクセス拒否」として残ります。表示は監査ログに記録されます。",
        parameters=[OpenApiParameter("person_id", int, OpenApiParameter.PATH, description="住民ID。")],
        responses={200: ConsentHistorySerializer, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=["consent"],
    )
    def get(self, request: Request, person_id: str) -> Response:
        page = consent_page(user=request.user, person_id=requested_id(person_id), request=request)
        return Response(ConsentHistorySerializer(page).data)


class ConsentUnansweredApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="consent_unanswered_by_district",
        summary="地区ごとの未回答の人数",
        description="最新の名簿に載っている方のうち、同意が未回答の方の人数を地区ごとに返します（同意確認書を送る"
        "ため）。区役所の福祉部門の職員だけが使えます（ほかは 403。拒否は監査ログに残ります）。人数はだれも"
        "特定しないので、監査ログには記録しません。",
        responses={200: UnansweredCountsSerializer, **AUTH_RESPONSES},
        tags=["consent"],
    )
    def get(self, request: Request) -> Response:
        policy.require_capability(request.user, Capability.MANAGE_CONSENT)
        return Response(unanswered_counts_data(unanswered_counts_by_district(user=request.user)))
