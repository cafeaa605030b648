"""JSON API for the roster (避難行動要支援者名簿). Thin views: check the input, ask the policy, read through
tsunagu.roster.selectors (the same reads as the pages, which apply the access policy and write the audit entry,
with channel "api" because the path starts with /api/), and serialize at the level the policy grants."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.core.api import AUTH_RESPONSES, NOT_FOUND_RESPONSE, VALIDATION_RESPONSE
from tsunagu.core.paging import take_page
from tsunagu.core.serializers import MAX_PAGE_SIZE, PageParamsSerializer

from .selectors import RosterFilters, latest_build, roster_builds, roster_list
from .serializers import (
    RosterBuildPageSerializer,
    RosterBuildRefSerializer,
    RosterBuildSerializer,
    RosterEntryPageSerializer,
    RosterEntryParamsSerializer,
    roster_page_data,
)

NO_BUILD = "no roster build yet"


class RosterEntryListApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="roster_entries_list",
        summary="名簿（最新の版）",
        description="最新の版に載っている方のうち、閲覧できる方を町丁目・住所の順に1ページ分返します（画面の名簿と"
        "同じ範囲）。各行は事由つきで、detail_level に応じて、区役所・社協・包括の職員（full）には支援に関する情報"
        "（要介護度・手帳・難病など）が加わります。協定を結んだ団体（community）には49条の10の項目と事由だけです。"
        "一覧は監査ログに記録されます（表示した方のIDを含む）。",
        parameters=[RosterEntryParamsSerializer],
        responses={200: RosterEntryPageSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
        tags=["roster"],
    )
    def get(self, request: Request) -> Response:
        params = RosterEntryParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        result = roster_list(
            user=request.user,
            filters=RosterFilters(district_id=data.get("district"), town_id=data.get("town")),
            page=data["page"],
            page_size=data["page_size"],
            request=request,
            past_end_is_last=False,  # a client reading pages until one is empty must get the empty one
        )
        return Response(roster_page_data(result))


class RosterBuildListApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="roster_builds_list",
        summary="名簿の版の一覧",
        description="名簿の版を新しい順に返します。画面と同じく、名簿を管理する区役所の福祉部門の職員だけが使えます"
        "（ほかの利用者は 403。拒否は監査ログに「アクセス拒否」として残ります）。"
        "いま使われている版の番号と基準日は、だれでも GET /api/roster/builds/current/ で確かめられます。",
        parameters=[PageParamsSerializer],
        responses={200: RosterBuildPageSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
        tags=["roster"],
    )
    def get(self, request: Request) -> Response:
        policy.require_capability(request.user, Capability.MANAGE_ROSTER)
        params = PageParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        builds, window = take_page(
            roster_builds(request.user),
            page=params.validated_data["page"],
            page_size=params.validated_data["page_size"],
            max_page_size=MAX_PAGE_SIZE,
            past_end_is_last=False,
        )
        return Response(
            {
                "count": window.total,
                "page": window.page,
                "pages": window.pages,
                "page_size": window.page_size,
                "results": RosterBuildSerializer(builds, many=True).data,
            }
        )


class RosterBuildCurrentApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="roster_builds_current",
        summary="いまの名簿の版",
        description="いま使われている（最新の）版の番号と基準日。名簿を見る人がどの版を見ているかを確かめるためのもので、"
        "だれの情報も含まないので、ログインしている利用者ならだれでも使えます。名簿がまだ作られていなければ 404 です。",
        responses={200: RosterBuildRefSerializer, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=["roster"],
    )
    def get(self, request: Request) -> Response:
        build = latest_build(request.user)
        if build is None:
            raise Http404(NO_BUILD)
        return Response(RosterBuildRefSerializer(build).data)
