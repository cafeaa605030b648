"""JSON API for individual evacuation plans. Thin views: check the input, read through
tsunagu.evacuation.selectors (the same reads as the plan pages: whoever may see a person may see the plan; the
policy and the audit entry are applied there, with channel "api" because the path starts with /api/)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from tsunagu.core.api import AUTH_RESPONSES, NOT_FOUND_RESPONSE, VALIDATION_RESPONSE
from tsunagu.core.serializers import requested_id

from .selectors import plan_detail, plan_list
from .serializers import PlanDetailSerializer, PlanListParamsSerializer, PlanPageSerializer, plan_page_data


class PlanListApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="evacuation_plans_list",
        summary="個別避難計画の一覧",
        description="最新の名簿に載っている方のうち、閲覧できる方の計画の作成状況を1ページ分返します（計画の一覧の画面と"
        "同じ範囲）。一覧は監査ログに記録されます（表示した方のIDを含む）。",
        parameters=[PlanListParamsSerializer],
        responses={200: PlanPageSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
        tags=["evacuation"],
    )
    def get(self, request: Request) -> Response:
        params = PlanListParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        result = plan_list(
            user=request.user,
            filters=params.filters(),
            page=params.validated_data["page"],
            page_size=params.validated_data["page_size"],
            request=request,
            past_end_is_last=False,  # a client reading pages until one is empty must get the empty one
        )
        return Response(plan_page_data(result))


class PlanDetailApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="evacuation_plans_retrieve",
        summary="1人の個別避難計画",
        description="計画の内容・避難支援等実施者・避難先と、本人の名簿の項目と事由。その方を見られる利用者なら"
        "だれでも使えます。範囲外のIDと存在しないIDは区別せず 404 で、範囲外への試みは監査ログに「アクセス拒否」"
        "として残ります。表示は監査ログに記録されます。",
        parameters=[OpenApiParameter("person_id", int, OpenApiParameter.PATH, description="住民ID。")],
        responses={200: PlanDetailSerializer, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=["evacuation"],
    )
    def get(self, request: Request, person_id: str) -> Response:
        detail = plan_detail(user=request.user, person_id=requested_id(person_id), request=request)
        return Response(PlanDetailSerializer(detail).data)
