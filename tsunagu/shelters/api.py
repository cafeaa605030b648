"""JSON API for shelters. Shelters are public places, not personal data: any signed-in user may read them and
no audit entry is written (as on the pages). Reads go through tsunagu.shelters.selectors."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from tsunagu.core.api import AUTH_RESPONSES, NOT_FOUND_RESPONSE, VALIDATION_RESPONSE
from tsunagu.core.ids import as_pk
from tsunagu.core.paging import take_page
from tsunagu.core.serializers import MAX_PAGE_SIZE

from .selectors import shelter_get, shelter_list
from .serializers import ShelterPageSerializer, ShelterParamsSerializer, ShelterSerializer

NOT_FOUND = "no such shelter"


class ShelterListApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="shelters_list",
        summary="避難場所・避難所の一覧",
        description="指定緊急避難場所・指定避難所と福祉避難所を、名称の50音順に1ページ分返します。"
        "ログインしている利用者ならだれでも使えます（個人情報を含まないので監査ログには記録しません）。",
        parameters=[ShelterParamsSerializer],
        responses={200: ShelterPageSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
        tags=["shelters"],
    )
    def get(self, request: Request) -> Response:
        params = ShelterParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        shelters, window = take_page(
            shelter_list(filters=params.filters()),
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
                "results": ShelterSerializer(shelters, many=True).data,
            }
        )


class ShelterDetailApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="shelters_retrieve",
        summary="避難場所・避難所の詳細",
        description="1か所の避難場所・避難所。存在しないIDは 404 です。",
        parameters=[OpenApiParameter("shelter_id", int, OpenApiParameter.PATH, description="避難場所・避難所のID。")],
        responses={200: ShelterSerializer, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=["shelters"],
    )
    def get(self, request: Request, shelter_id: str) -> Response:
        pk = as_pk(shelter_id)
        shelter = shelter_get(shelter_id=pk) if pk is not None else None
        if shelter is None:
            raise Http404(NOT_FOUND)
        return Response(ShelterSerializer(shelter).data)
