"""JSON API of the district forums: the same selectors (membership, 404 logged) and services (personal-data check,
audit) as the pages. Read forums, meetings, issues and actions; create issues and actions."""

from __future__ import annotations

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

from .models import ActionItem, AreaIssue, Forum, IssueTag, Meeting
from .selectors import action_tree, forum_or_404, member_forums
from .services import CommunityError, action_create, issue_create

TAGS = ["community"]
FORUM_ID = OpenApiParameter("forum_id", int, OpenApiParameter.PATH, description="話し合いの場のID。")
INT_MAX = 2_147_483_647
NOT_THIS_FORUM_MESSAGE = gettext_lazy("担当団体・課題・上位の取組は、この話し合いの場のものを指定してください。")


class ForumSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district.name")

    class Meta:
        model = Forum
        fields = ["id", "name", "district", "is_public"]


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "kind", "title", "held_on", "place", "agenda", "minutes", "decisions", "figures"]


class IssueSerializer(serializers.ModelSerializer):
    tags = serializers.ListField(child=serializers.ChoiceField(choices=IssueTag.choices))

    class Meta:
        model = AreaIssue
        fields = ["id", "title", "description", "tags", "source", "source_figure", "status", "merged_into",
                  "split_from", "meetings", "created_at"]


class IssueCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    tags = serializers.ListField(
        child=serializers.ChoiceField(choices=IssueTag.choices), required=False, default=list, max_length=20
    )


class ActionSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField(help_text="進み具合（%）。下位の取組があれば、その平均。")

    class Meta:
        model = ActionItem
        fields = ["id", "title", "issue", "parent", "owner", "due_on", "status", "progress"]

    def get_progress(self, obj: ActionItem) -> int:
        return self.context["progress"].get(obj.pk, obj.progress)


class ActionCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    owner = serializers.IntegerField(min_value=1, max_value=INT_MAX, help_text="担当団体のID（構成員の団体）。")
    issue = serializers.IntegerField(min_value=1, max_value=INT_MAX, required=False, allow_null=True, default=None)
    parent = serializers.IntegerField(min_value=1, max_value=INT_MAX, required=False, allow_null=True, default=None)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


def _bad(error: CommunityError) -> serializers.ValidationError:
    return serializers.ValidationError([str(m) for m in error.messages])


class _Base(APIView):
    throttle_classes = [UserRateThrottle]
    parser_classes = [JSONParser]


class ForumListApi(_Base):
    @extend_schema(operation_id="community_forums_list", summary="参加している話し合いの場",
                   responses={200: ForumSerializer(many=True), **AUTH_RESPONSES}, tags=TAGS)
    def get(self, request: Request) -> Response:
        return Response(ForumSerializer(member_forums(request.user), many=True).data)


class MeetingListApi(_Base):
    @extend_schema(operation_id="community_meetings_list", summary="会議の一覧", parameters=[FORUM_ID],
                   responses={200: MeetingSerializer(many=True), 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
                   tags=TAGS)
    def get(self, request: Request, forum_id: str) -> Response:
        forum = forum_or_404(request.user, requested_id(forum_id), request=request)
        return Response(MeetingSerializer(forum.meetings.all(), many=True).data)


class IssueListApi(_Base):
    @extend_schema(operation_id="community_issues_list", summary="地域課題の一覧", parameters=[FORUM_ID],
                   responses={200: IssueSerializer(many=True), 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
                   tags=TAGS)
    def get(self, request: Request, forum_id: str) -> Response:
        forum = forum_or_404(request.user, requested_id(forum_id), request=request)
        return Response(IssueSerializer(forum.issues.prefetch_related("meetings"), many=True).data)

    @extend_schema(operation_id="community_issues_create", summary="地域課題を登録する", parameters=[FORUM_ID],
                   description="氏名・宛名番号・電話番号・番地・生年月日が含まれていると 400 で理由を返します。",
                   request=IssueCreateSerializer,
                   responses={201: IssueSerializer, 400: VALIDATION_RESPONSE, 404: NOT_FOUND_RESPONSE,
                              **AUTH_RESPONSES}, tags=TAGS)
    def post(self, request: Request, forum_id: str) -> Response:
        forum = forum_or_404(request.user, requested_id(forum_id), request=request)
        body = IssueCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            issue = issue_create(request.user, forum, **body.validated_data, request=request)
        except CommunityError as error:
            raise _bad(error) from error
        return Response(IssueSerializer(issue).data, status=status.HTTP_201_CREATED)


class ActionListApi(_Base):
    @extend_schema(operation_id="community_actions_list", summary="取組の一覧", parameters=[FORUM_ID],
                   responses={200: ActionSerializer(many=True), 404: NOT_FOUND_RESPONSE, **AUTH_RESPONSES},
                   tags=TAGS)
    def get(self, request: Request, forum_id: str) -> Response:
        forum = forum_or_404(request.user, requested_id(forum_id), request=request)
        actions = list(forum.actions.all())
        progress: dict[int, int] = {}
        stack = action_tree(actions)
        while stack:
            node = stack.pop()
            progress[node.action.pk] = node.progress
            stack.extend(node.children)
        return Response(ActionSerializer(actions, many=True, context={"progress": progress}).data)

    @extend_schema(operation_id="community_actions_create", summary="取組を登録する", parameters=[FORUM_ID],
                   request=ActionCreateSerializer,
                   responses={201: ActionSerializer, 400: VALIDATION_RESPONSE, 404: NOT_FOUND_RESPONSE,
                              **AUTH_RESPONSES}, tags=TAGS)
    def post(self, request: Request, forum_id: str) -> Response:
        forum = forum_or_404(request.user, requested_id(forum_id), request=request)
        body = ActionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        members = forum.members.filter(left_on__isnull=True, organisation__isnull=False).values("organisation_id")
        owner = Organisation.objects.filter(pk=data["owner"], pk__in=members).first()
        issue = forum.issues.filter(pk=data["issue"]).first() if data["issue"] else None
        parent = forum.actions.filter(pk=data["parent"]).first() if data["parent"] else None
        if owner is None or (data["issue"] and issue is None) or (data["parent"] and parent is None):
            raise serializers.ValidationError([str(NOT_THIS_FORUM_MESSAGE)])
        try:
            action = action_create(
                request.user, forum, title=data["title"], owner=owner, issue=issue, parent=parent,
                due_on=data["due_on"], description=data["description"], request=request,
            )
        except CommunityError as error:
            raise _bad(error) from error
        return Response(ActionSerializer(action, context={"progress": {}}).data, status=status.HTTP_201_CREATED)
