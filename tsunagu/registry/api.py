"""JSON API for residents. Thin views: check the input, read through tsunagu.registry.selectors (which applies
the access policy and writes the audit entry, with channel "api" because the path starts with /api/), and
serialize at the detail level the policy grants."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from tsunagu.access import policy
from tsunagu.core.api import ApiErrorSerializer, ApiValidationErrorSerializer
from tsunagu.core.serializers import requested_id as _requested_id
from tsunagu.core.wareki import today_jst
from tsunagu.registry.selectors import PersonFilters, person_detail, person_search
from tsunagu.registry.serializers import (
    PersonDetailCommunitySerializer,
    PersonDetailFullSerializer,
    PersonPageSerializer,
    PersonSearchParamsSerializer,
    person_detail_data,
    person_rows,
)

_AUTH_RESPONSES = {
    401: OpenApiResponse(ApiErrorSerializer, description="ログインしていないか、APIトークンが正しくありません。"),
    403: OpenApiResponse(ApiErrorSerializer, description="ログインしていない（セッション）、または権限がありません。"),
}


class PersonListApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="persons_list",
        summary="住民の検索・一覧",
        description="閲覧できる住民のうち条件に合う方を、フリガナ順に1ページ分返します。"
        "検索・一覧は監査ログに記録されます（表示した方のIDを含む）。"
        "各行は detail_level に応じて、区役所・社協・包括の職員（full）には宛名番号と住民状態が加わります。",
        parameters=[PersonSearchParamsSerializer],
        responses={
            200: PersonPageSerializer,
            400: OpenApiResponse(ApiValidationErrorSerializer, description="パラメータに誤りがあります。"),
            **_AUTH_RESPONSES,
        },
        tags=["persons"],
    )
    def get(self, request: Request) -> Response:
        params = PersonSearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filters = PersonFilters(
            query=data["q"],
            town_id=data.get("town"),
            district_id=data.get("district"),
            birth_from=data["birth"],
            birth_to=data["birth"],
            include_former=data["include_former"],
        )
        result = person_search(
            user=request.user,
            filters=filters,
            page=data["page"],
            page_size=data["page_size"],
            request=request,
            past_end_is_last=False,  # a client reading pages until one is empty must get the empty one
            exact_total=True,  # `count` is documented as the number of matches
        )
        full_ids = policy.full_level_ids(request.user, [p.pk for p in result.persons])
        return Response(
            {
                "count": result.total,
                "page": result.page,
                "pages": result.pages,
                "page_size": result.page_size,
                "results": person_rows(result.persons, full_ids=full_ids, today=today_jst()),
            }
        )


class PersonDetailApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="persons_retrieve",
        summary="住民の詳細",
        description="1人分の記録。閲覧できる範囲（detail_level）で項目が変わります：full は宛名番号・世帯・"
        "異動履歴・同意の記録・支援に関する情報（要介護度・手帳など）を含み、community（協定を結んだ団体）は"
        "名簿の項目（氏名・フリガナ・生年月日・性別・住所・電話）だけです。"
        "存在しないIDと閲覧範囲外のIDは区別せず 404 を返し、範囲外への試みは監査ログに「アクセス拒否」として"
        "残ります。",
        parameters=[OpenApiParameter("person_id", int, OpenApiParameter.PATH, description="住民ID。")],
        responses={
            200: PolymorphicProxySerializer(
                component_name="PersonDetail",
                serializers=[PersonDetailFullSerializer, PersonDetailCommunitySerializer],
                resource_type_field_name=None,
            ),
            404: OpenApiResponse(ApiErrorSerializer, description="見つからないか、閲覧する権限がありません。"),
            **_AUTH_RESPONSES,
        },
        tags=["persons"],
    )
    def get(self, request: Request, person_id: str) -> Response:
        # Any text reaches the selector, so a guessed or malformed ID is logged as denied like any other.
        detail = person_detail(user=request.user, person_id=_requested_id(person_id), request=request)
        return Response(person_detail_data(detail, today=today_jst()))
