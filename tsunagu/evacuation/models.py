"""個別避難計画 (災害対策基本法 49条の14〜15): one plan per listed person, made with community groups and
agencies; supporters (避難支援等実施者) and proposals from supporter matching."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未着手")
    IN_PROGRESS = "in_progress", _("作成中")
    DONE = "done", _("作成済")
    NEEDS_UPDATE = "needs_update", _("要更新")


class Priority(models.IntegerChoices):
    HIGH = 1, _("高")
    MEDIUM = 2, _("中")
    LOW = 3, _("低")


class EvacuationPlan(models.Model):
    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="evacuation_plan")
    status = models.CharField(_("作成状況"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.NOT_STARTED)
    priority = models.PositiveSmallIntegerField(_("優先度"), choices=Priority.choices, default=Priority.MEDIUM)
    shelter = models.ForeignKey(
        "shelters.Shelter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("避難先（避難所）"),
    )
    destination_other = models.CharField(_("避難先（その他の場所）"), max_length=200, blank=True)
    route_notes = models.TextField(_("避難経路"), blank=True)
    timing_notes = models.TextField(_("避難のタイミング"), blank=True)
    needs_medical_devices = models.CharField(_("医療機器"), max_length=200, blank=True)
    needs_medication = models.CharField(_("服薬"), max_length=200, blank=True)
    needs_mobility = models.CharField(_("移動手段"), max_length=200, blank=True)
    needs_communication = models.CharField(_("意思疎通"), max_length=200, blank=True)
    needs_allergies = models.CharField(_("アレルギー"), max_length=200, blank=True)
    needs_pets = models.CharField(_("ペット"), max_length=200, blank=True)
    hazard_flood_zone = models.BooleanField(_("浸水想定区域"), default=False)
    hazard_landslide_zone = models.BooleanField(_("土砂災害警戒区域"), default=False)
    hazard_tsunami_zone = models.BooleanField(_("津波災害警戒区域"), default=False)
    next_review_on = models.DateField(_("次回見直し日"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("個別避難計画")
        verbose_name_plural = _("個別避難計画")

    def __str__(self) -> str:
        return f"{self.person}（{self.get_status_display()}）"


class PlanSupporter(models.Model):
    """避難支援等実施者 named in a plan. Several per plan; they may come from a confirmed matching proposal."""

    plan = models.ForeignKey(EvacuationPlan, on_delete=models.CASCADE, related_name="supporters")
    name = models.CharField(_("氏名"), max_length=100)
    relation = models.CharField(_("本人との関係"), max_length=50, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    candidate = models.ForeignKey(
        "evacuation.SupporterCandidate", on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )

    class Meta:
        verbose_name = _("避難支援等実施者")
        verbose_name_plural = _("避難支援等実施者")

    def __str__(self) -> str:
        return self.name


class CandidateKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("登録ボランティア")
    NEIGHBOUR = "neighbour", _("近隣住民")


class SupporterCandidate(models.Model):
    """A registered volunteer or neighbour who can help people evacuate, with a location and a capacity."""

    kind = models.CharField(_("種別"), max_length=20, choices=CandidateKind.choices)
    name = models.CharField(_("氏名"), max_length=100)
    name_kana = models.CharField(_("フリガナ"), max_length=200, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    latitude = models.DecimalField(_("緯度"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("経度"), max_digits=9, decimal_places=6)
    capacity = models.PositiveSmallIntegerField(_("支援できる人数"), default=2)
    is_active = models.BooleanField(_("活動中"), default=True)

    class Meta:
        verbose_name = _("避難支援の担い手候補")
        verbose_name_plural = _("避難支援の担い手候補")

    def __str__(self) -> str:
        return self.name


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("提案")
    CONFIRMED = "confirmed", _("確定")
    REJECTED = "rejected", _("却下")


class SupporterProposal(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="supporter_proposals")
    candidate = models.ForeignKey(SupporterCandidate, on_delete=models.PROTECT, related_name="proposals")
    distance_m = models.PositiveIntegerField(_("距離（m）"))
    method = models.CharField(_("算出方法"), max_length=20)  # "optimal" or "greedy"
    status = models.CharField(_("状況"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED)
    proposed_at = models.DateTimeField(_("提案日時"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("確定・却下の日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("避難支援者の提案")
        verbose_name_plural = _("避難支援者の提案")

    def __str__(self) -> str:
        return f"{self.person_id} → {self.candidate_id}"
