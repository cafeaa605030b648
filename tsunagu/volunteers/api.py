"""JSON API of the volunteer centre: the same selectors (policy, audit) and services as the pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from tsunagu.access.policy import Refused, viewer_for
from tsunagu.core.api import AUTH_RESPONSES, NOT_FOUND_RESPONSE, VALIDATION_RESPONSE
from tsunagu.core.paging import take_page
from tsunagu.core.serializers import PageParamsSerializer, requested_id

from .models import LedgerEntry, LedgerUnit
from .scope import volunteer_of
from .selectors import (
    balances,
    candidates_for,
    completion_list,
    course_list,
    member_or_404,
    need_list,
    need_or_404,
    need_requester,
    volunteer_list,
    volunteer_match_or_404,
    volunteer_matches,
)
from .serializers import (
    ActivitySerializer,
    AnswerSerializer,
    CandidateSerializer,
    CompletionListParamsSerializer,
    CompletionPageSerializer,
    CompletionSerializer,
    CoursePageSerializer,
    CourseSerializer,
    MatchSerializer,
    MyMatchSerializer,
    NeedDetailSerializer,
    NeedPageSerializer,
    NeedSerializer,
    ProposeSerializer,
    RequesterSerializer,
    ServiceLedgerSerializer,
    VolunteerListParamsSerializer,
    VolunteerPageSerializer,
    VolunteerSerializer,
)
from .services import MatchRefused, match_complete, match_propose, match_respond
from .views.me import NOT_A_VOLUNTEER

TAGS = ["volunteers"]
NOT_A_CANDIDATE = gettext_lazy("候補の一覧から選んでください。")
MAX_PAGE_SIZE = 200
NEED_ID = OpenApiParameter("need_id", int, OpenApiParameter.PATH, description="地域ニーズのID。")
MEMBER_ID = OpenApiParameter("member_id", int, OpenApiParameter.PATH, description="住民参加型サービスの会員のID。")
MATCH_ID = OpenApiParameter("match_id", int, OpenApiParameter.PATH, description="マッチング（依頼）のID。")


def _page(rows_qs, params: dict, serializer) -> dict:  # noqa: ANN001
    rows, window = take_page(
        rows_qs,
        page=params["page"],
        page_size=params["page_size"],
        max_page_size=MAX_PAGE_SIZE,
        past_end_is_last=False,
    )
    return {
        "count": window.total,
        "page": window.page,
        "pages": window.pages,
        "page_size": window.page_size,
        "results": serializer(rows, many=True).data,
    }


def _refusal(error: MatchRefused) -> serializers.ValidationError:
    return serializers.ValidationError([str(error)])


class VolunteerListApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="volunteers_list",
        summary="ボランティアの登録の一覧",
        description="区のボランティア（`status` で絞る）。一覧は監査ログに記録されます。",
        parameters=[VolunteerListParamsSerializer],
        responses={200: VolunteerPageSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        params = VolunteerListParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = volunteer_list(request.user, status=params.validated_data.get("status") or "", request=request)
        return Response(_page(qs.order_by("pk"), params.validated_data, VolunteerSerializer))


class NeedListApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="volunteers_needs_list",
        summary="地域ニーズの一覧",
        description="区の地域ニーズ（公開の項目だけ。依頼した方は1件ずつの詳細で）。",
        parameters=[PageParamsSerializer],
        responses={200: NeedPageSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        params = PageParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(_page(need_list(request.user).order_by("pk"), params.validated_data, NeedSerializer))


class NeedDetailApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="volunteers_needs_detail",
        summary="地域ニーズと候補",
        description="ニーズ、依頼した方（閲覧は監査ログに記録）と、合う点の理由つきの候補（よく合う順）。",
        parameters=[NEED_ID],
        responses={200: NeedDetailSerializer, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request, need_id: str) -> Response:
        need = need_or_404(request.user, requested_id(need_id), request=request)
        requester = need_requester(request.user, need, request=request)
        return Response(
            {
                "need": NeedSerializer(need).data,
                "requester": RequesterSerializer(requester).data if requester else None,
                "candidates": CandidateSerializer(candidates_for(request.user, need, request=request), many=True).data,
            }
        )


class NeedProposeApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="volunteers_needs_propose",
        summary="ボランティアに依頼する",
        description="候補の一覧にいるボランティアに依頼します（そのときの点数と理由を記録）。",
        parameters=[NEED_ID],
        request=ProposeSerializer,
        responses={201: MatchSerializer, 400: VALIDATION_RESPONSE, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def post(self, request: Request, need_id: str) -> Response:
        need = need_or_404(request.user, requested_id(need_id), request=request)
        body = ProposeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        chosen = next(
            (
                c
                for c in candidates_for(request.user, need, request=request)
                if c.volunteer.pk == body.validated_data["volunteer_id"]
            ),
            None,
        )
        if chosen is None:
            raise serializers.ValidationError({"volunteer_id": [str(NOT_A_CANDIDATE)]})
        try:
            match = match_propose(
                actor=request.user,
                need=need,
                volunteer=chosen.volunteer,
                score=chosen.score,
                reasons=chosen.reasons,
                request=request,
            )
        except MatchRefused as error:
            raise _refusal(error) from None
        return Response(MatchSerializer(match).data, status=status.HTTP_201_CREATED)


def _require_volunteer(request: Request) -> None:
    if volunteer_of(viewer_for(request.user)) is None:
        raise Refused(NOT_A_VOLUNTEER)


class MyMatchListApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="volunteers_my_matches",
        summary="わたしへの依頼",
        description="ログインしているボランティアへの依頼。依頼した方は、引き受けた依頼だけに含まれます。",
        responses={200: MyMatchSerializer(many=True), **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        _require_volunteer(request)
        rows = []
        for match in volunteer_matches(request.user).order_by("need__starts_at", "pk")[:MAX_PAGE_SIZE]:
            requester = need_requester(request.user, match.need, request=request)
            rows.append(
                {
                    "match": MatchSerializer(match).data,
                    "requester": RequesterSerializer(requester).data if requester else None,
                }
            )
        return Response(rows)


class MyMatchAnswerApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="volunteers_my_matches_answer",
        summary="依頼に返事をする",
        parameters=[MATCH_ID],
        request=AnswerSerializer,
        responses={200: MatchSerializer, 400: VALIDATION_RESPONSE, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def post(self, request: Request, match_id: str) -> Response:
        _require_volunteer(request)
        match = volunteer_match_or_404(request.user, requested_id(match_id), request=request)
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            match = match_respond(
                actor=request.user, match=match, accept=body.validated_data["accept"], request=request
            )
        except MatchRefused as error:
            raise _refusal(error) from None
        return Response(MatchSerializer(match).data)


class MyMatchActivityApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="volunteers_my_matches_activity",
        summary="活動を記録する",
        description="引き受けた依頼の活動日と活動時間（0.5〜24時間）。",
        parameters=[MATCH_ID],
        request=ActivitySerializer,
        responses={200: MatchSerializer, 400: VALIDATION_RESPONSE, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def post(self, request: Request, match_id: str) -> Response:
        _require_volunteer(request)
        match = volunteer_match_or_404(request.user, requested_id(match_id), request=request)
        body = ActivitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            match = match_complete(actor=request.user, match=match, request=request, **body.validated_data)
        except MatchRefused as error:
            raise _refusal(error) from None
        return Response(MatchSerializer(match).data)


class CourseListApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="volunteers_training_courses_list",
        summary="研修の一覧",
        description="区の研修（声掛け研修・見守り協力員研修・区民後見人養成など）と、回の数・いま有効な修了の数。",
        parameters=[PageParamsSerializer],
        responses={200: CoursePageSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        params = PageParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(_page(course_list(request.user).order_by("pk"), params.validated_data, CourseSerializer))


class CompletionListApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="volunteers_training_completions_list",
        summary="研修の修了の一覧",
        description="区の研修の修了（ボランティアと利用者）。`kind` で種類、`valid=true` でいま有効なものに絞ります。"
        "一覧は監査ログに記録されます。",
        parameters=[CompletionListParamsSerializer],
        responses={200: CompletionPageSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        params = CompletionListParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = completion_list(
            request.user,
            kind=params.validated_data.get("kind") or "",
            valid_only=params.validated_data["valid"],
            request=request,
        )
        return Response(_page(qs.order_by("pk"), params.validated_data, CompletionSerializer))


class ServiceLedgerApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="volunteers_services_member_ledger",
        summary="住民参加型サービスの会員の台帳と残高",
        description=(
            "会員の時間と金額の記録（古い順）と、その合計としての残高。ボランティアセンターの職員が自分の区の"
            "会員についてだけ読めます。閲覧は監査ログに記録されます。"
        ),
        parameters=[MEMBER_ID],
        responses={200: ServiceLedgerSerializer, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request, member_id: str) -> Response:
        member = member_or_404(request.user, requested_id(member_id), request=request)
        totals = balances(member)
        entries = LedgerEntry.objects.filter(member=member).order_by("booked_on", "pk")
        return Response(
            ServiceLedgerSerializer(
                {
                    "member_id": member.pk,
                    "number": member.number,
                    "kind": member.kind,
                    "scheme_id": member.scheme_id,
                    "balance": {"hours": totals[LedgerUnit.HOURS], "yen": totals[LedgerUnit.YEN]},
                    "entries": entries,
                }
            ).data
        )
