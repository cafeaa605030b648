"""What the conferences API accepts and returns. An agenda item's case (and its minutes, decisions and tasks) is
given only to a participant who may see it there (tsunagu.cases.selectors.conferences): otherwise `visible` is
false and the case fields are null."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tsunagu.core.serializers import ModelResponseSerializer

from .models import (
    Conference,
    ConferenceDecision,
    ConferenceKind,
    ConferenceParticipant,
    ConferenceTask,
    DecisionKind,
    TaskStatus,
)


class ConferenceRowSerializer(ModelResponseSerializer):
    organiser_name = serializers.CharField(source="organiser.name", read_only=True)

    class Meta:
        model = Conference
        fields = ["id", "kind", "title", "organiser", "organiser_name", "starts_at", "ends_at", "place", "online_url"]


class ParticipantSerializer(ModelResponseSerializer):
    label = serializers.CharField(read_only=True)
    acknowledged = serializers.BooleanField(read_only=True)

    class Meta:
        model = ConferenceParticipant
        fields = [
            "id",
            "organisation",
            "user",
            "name",
            "label",
            "role",
            "acknowledged",
            "confidentiality_acknowledged_at",
        ]


class AgendaItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    visible = serializers.BooleanField(help_text="この参加者が議題のケースの内容を見られるか（守秘義務の確認・同意）。")
    case = serializers.IntegerField(allow_null=True)
    case_number = serializers.CharField(allow_null=True)
    client = serializers.CharField(allow_null=True, help_text="相談者の呼び方。")
    topic = serializers.CharField(allow_null=True)
    minutes = serializers.CharField(allow_null=True)


class DecisionSerializer(ModelResponseSerializer):
    class Meta:
        model = ConferenceDecision
        fields = ["id", "agenda_item", "kind", "text", "organisation", "applied_at"]


class TaskSerializer(ModelResponseSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ConferenceTask
        fields = [
            "id",
            "conference",
            "agenda_item",
            "description",
            "owner_organisation",
            "owner_user",
            "due_on",
            "status",
            "status_note",
            "overdue",
        ]

    def get_overdue(self, task: ConferenceTask) -> bool:
        return task.is_overdue(self.context["today"])


class ConferenceSerializer(ConferenceRowSerializer):
    participants = ParticipantSerializer(many=True, read_only=True)
    agenda = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField()
    acknowledged = serializers.SerializerMethodField(help_text="この利用者（または所属機関）の守秘義務の確認。")

    class Meta(ConferenceRowSerializer.Meta):
        fields = [
            *ConferenceRowSerializer.Meta.fields,
            "note",
            "participants",
            "acknowledged",
            "agenda",
            "decisions",
            "tasks",
        ]

    def get_acknowledged(self, conference: Conference) -> bool:
        return self.context["page"].access.acknowledged

    @extend_schema_field(AgendaItemSerializer(many=True))
    def get_agenda(self, conference: Conference) -> list[dict]:
        rows = []
        for row in self.context["page"].agenda:
            item, visible = row.item, row.visible
            rows.append(
                {
                    "id": item.pk,
                    "order": item.order,
                    "visible": visible,
                    "case": item.case_id if visible else None,
                    "case_number": item.case.number if visible else None,
                    "client": item.case.display_name if visible else None,
                    "topic": item.topic if visible else None,
                    "minutes": item.minutes if visible else None,
                }
            )
        return AgendaItemSerializer(rows, many=True).data

    @extend_schema_field(DecisionSerializer(many=True))
    def get_decisions(self, conference: Conference) -> list[dict]:
        return DecisionSerializer(self.context["page"].visible_decisions(), many=True).data

    @extend_schema_field(TaskSerializer(many=True))
    def get_tasks(self, conference: Conference) -> list[dict]:
        return TaskSerializer(self.context["page"].visible_tasks(), many=True, context=self.context).data


class ConferenceCreateSerializer(serializers.Serializer):
    organiser = serializers.IntegerField(required=False, min_value=1, help_text="主催機関のID（所属が1つなら省略可）。")
    kind = serializers.ChoiceField(choices=ConferenceKind.choices)
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    online_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class AgendaCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1, help_text="主催機関が支援チームに入っているケースのID。")
    topic = serializers.CharField(required=False, allow_blank=True, max_length=300)


class DecisionCreateSerializer(serializers.Serializer):
    agenda_item = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=DecisionKind.choices, default=DecisionKind.NOTE)
    text = serializers.CharField(max_length=2000)
    organisation = serializers.IntegerField(required=False, min_value=1, help_text="支援チームに加える機関のID。")
    apply = serializers.BooleanField(
        required=False, default=False, help_text="add_to_team の決定をすぐに支援チームへ反映する。"
    )
    confidentiality_acknowledged = serializers.BooleanField(
        required=False, default=False, help_text="加わる機関の守秘義務の確認（会議で確認済みの機関は不要）。"
    )


class TaskCreateSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=500)
    due_on = serializers.DateField()
    owner_organisation = serializers.IntegerField(required=False, min_value=1)
    owner_user = serializers.IntegerField(required=False, min_value=1)
    agenda_item = serializers.IntegerField(required=False, min_value=1)


class TaskStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
