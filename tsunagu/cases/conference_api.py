"""JSON API for support conferences: the same selectors (participants only, what each may see of the agenda, the
audit) and services as the pages. A conference the user does not take part in is 404 and logged."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from tsunagu.core.api import AUTH_RESPONSES, NOT_FOUND_RESPONSE, VALIDATION_RESPONSE
from tsunagu.core.serializers import requested_id
from tsunagu.organisations.models import Organisation

from .conference_serializers import (
    AgendaCreateSerializer,
    ConferenceCreateSerializer,
    ConferenceRowSerializer,
    ConferenceSerializer,
    DecisionCreateSerializer,
    DecisionSerializer,
    TaskCreateSerializer,
    TaskSerializer,
    TaskStatusSerializer,
)
from .selectors import conference_list, conference_or_404, my_tasks, task_or_404
from .services import (
    CaseError,
    agenda_add,
    conference_create,
    decision_apply,
    decision_record,
    task_create,
    task_update,
    user_by_id,
)

TAGS = ["cases"]
CONFERENCE_ID = OpenApiParameter("conference_id", int, OpenApiParameter.PATH, description="会議のID。")
TASK_ID = OpenApiParameter("task_id", int, OpenApiParameter.PATH, description="タスクのID。")
UNKNOWN_ORGANISATION_MESSAGE = gettext_lazy("機関が見つかりません。")
UNKNOWN_USER_MESSAGE = gettext_lazy("利用者が見つかりません。")


def _content_error(error: CaseError) -> serializers.ValidationError:
    return serializers.ValidationError([str(m) for m in error.messages])


def _organisation(pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise serializers.ValidationError({field: [UNKNOWN_ORGANISATION_MESSAGE]})
    return organisation


def _detail(request: Request, conference_id: object, *, status_code: int = 200) -> Response:
    page = conference_or_404(request.user, conference_id, request=request)
    context = {"page": page, "today": timezone.localdate()}
    return Response(ConferenceSerializer(page.conference, context=context).data, status=status_code)


class ConferenceListApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_conferences_list",
        summary="参加する会議",
        description="利用者本人、または所属機関が参加する会議（主催を含む）。名称と日時だけで、ケースは含みません。",
        responses={200: ConferenceRowSerializer(many=True), **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return Response(ConferenceRowSerializer(conference_list(request.user), many=True).data)

    @extend_schema(
        operation_id="cases_conferences_create",
        summary="会議を登録する",
        description="所属する相談機関が主催する会議（支援会議・支援調整会議・重層的支援会議・地域ケア会議）。場所か"
        "オンライン会議のURLが必要です。主催機関は守秘義務の確認とともに参加者になります。",
        request=ConferenceCreateSerializer,
        responses={201: ConferenceSerializer, 400: VALIDATION_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        body = ConferenceCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        try:
            conference = conference_create(request.user, organiser=data.pop("organiser", None), request=request, **data)
        except CaseError as error:
            raise _content_error(error) from None
        return _detail(request, conference.pk, status_code=status.HTTP_201_CREATED)


class ConferenceDetailApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="cases_conferences_retrieve",
        summary="会議",
        description="参加者だけが見られます（それ以外は 404、監査ログに「アクセス拒否」）。議題のケースの内容は、支援"
        "チームの機関か、守秘義務を確認した参加者（支援会議以外では本人の同意も必要）にだけ返り、ほかは visible が "
        "false です。表示は、示したケースの住民のIDとともに監査ログに記録されます。",
        parameters=[CONFERENCE_ID],
        responses={200: ConferenceSerializer, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request, conference_id: str) -> Response:
        return _detail(request, requested_id(conference_id))


class ConferenceAgendaApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_conferences_agenda_create",
        summary="ケースを議題に加える",
        description="主催機関の職員だけが、主催機関が支援チームに入っているケースを議題にできます。",
        parameters=[CONFERENCE_ID],
        request=AgendaCreateSerializer,
        responses={201: ConferenceSerializer, 400: VALIDATION_RESPONSE, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def post(self, request: Request, conference_id: str) -> Response:
        page = conference_or_404(request.user, requested_id(conference_id), request=request, audit=False)
        body = AgendaCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            agenda_add(
                request.user,
                page.conference,
                body.validated_data["case"],
                topic=body.validated_data.get("topic", ""),
                request=request,
            )
        except CaseError as error:
            raise _content_error(error) from None
        return _detail(request, page.conference.pk, status_code=status.HTTP_201_CREATED)


class ConferenceDecisionApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_conferences_decisions_create",
        summary="決定を記録する",
        description="主催機関の職員が、会議の開始後に議題ごとの決定を記録します。add_to_team（機関を支援チームに"
        "加える）は apply で反映できます：支援会議では決定を根拠に、ほかの会議では本人の同意を根拠に加わり、加わる"
        "機関の守秘義務の確認が必要です。",
        parameters=[CONFERENCE_ID],
        request=DecisionCreateSerializer,
        responses={201: DecisionSerializer, 400: VALIDATION_RESPONSE, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def post(self, request: Request, conference_id: str) -> Response:
        page = conference_or_404(request.user, requested_id(conference_id), request=request, audit=False)
        body = DecisionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        visible = page.visible_item_ids
        if data["agenda_item"] not in visible:
            raise serializers.ValidationError({"agenda_item": [gettext_lazy("議題を選んでください。")]})
        organisation = _organisation(data.get("organisation"), "organisation")
        try:
            with transaction.atomic():
                decision = decision_record(
                    request.user,
                    page.conference,
                    data["agenda_item"],
                    kind=data["kind"],
                    text=data["text"],
                    organisation=organisation,
                    request=request,
                )
                if data["apply"]:
                    decision_apply(
                        request.user,
                        page.conference,
                        decision.pk,
                        confidentiality_acknowledged=data["confidentiality_acknowledged"],
                        request=request,
                    )
                    decision.refresh_from_db()
        except CaseError as error:
            raise _content_error(error) from None
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class ConferenceTaskApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_conferences_tasks_create",
        summary="タスクを登録する",
        description="主催機関の職員が、会議の参加者（機関・利用者）に期限付きのタスクを割り当てます。",
        parameters=[CONFERENCE_ID],
        request=TaskCreateSerializer,
        responses={201: TaskSerializer, 400: VALIDATION_RESPONSE, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def post(self, request: Request, conference_id: str) -> Response:
        page = conference_or_404(request.user, requested_id(conference_id), request=request, audit=False)
        body = TaskCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        item = data.get("agenda_item")
        if item is not None and item not in page.visible_item_ids:
            raise serializers.ValidationError({"agenda_item": [gettext_lazy("議題を選んでください。")]})
        owner = None
        if data.get("owner_user") is not None:
            owner = user_by_id(data["owner_user"])
            if owner is None:
                raise serializers.ValidationError({"owner_user": [UNKNOWN_USER_MESSAGE]})
        try:
            task = task_create(
                request.user,
                page.conference,
                description=data["description"],
                due_on=data["due_on"],
                owner_organisation=_organisation(data.get("owner_organisation"), "owner_organisation"),
                owner_user=owner,
                item_id=item,
                request=request,
            )
        except CaseError as error:
            raise _content_error(error) from None
        return Response(TaskSerializer(task, context={"today": timezone.localdate()}).data, status=201)


class TaskListApi(APIView):
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="cases_conferences_tasks_list",
        summary="担当のタスク",
        description="利用者本人、または所属機関が担当する未完了のタスク。期限を過ぎたもの（overdue）が先頭です。",
        responses={200: TaskSerializer(many=True), **AUTH_RESPONSES},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        rows = my_tasks(request.user, request=request)
        context = {"today": timezone.localdate()}
        return Response(TaskSerializer([r.task for r in rows], many=True, context=context).data)


class TaskStatusApi(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_conferences_tasks_status",
        summary="タスクの状況を更新する",
        description="担当者・担当機関の職員・主催機関の職員が、未着手・対応中・完了・中止を記録します。",
        parameters=[TASK_ID],
        request=TaskStatusSerializer,
        responses={200: TaskSerializer, 400: VALIDATION_RESPONSE, 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
        tags=TAGS,
    )
    def post(self, request: Request, task_id: str) -> Response:
        task = task_or_404(request.user, requested_id(task_id), request=request)
        body = TaskStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            task = task_update(request.user, task, request=request, **body.validated_data)
        except CaseError as error:
            raise _content_error(error) from None
        return Response(TaskSerializer(task, context={"today": timezone.localdate()}).data)
