"""District forums (話し合いの場): members, meetings, area issues (地域課題) and action items (取組).

Nothing here is personal data of residents: issues and actions hold counts and words checked for names, numbers,
addresses and birth dates before saving (services/privacy.py). Membership lists name members and are shown to
members only. See docs/community.md."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    NEIGHBOURHOOD = "neighbourhood", _("町会")
    COMMISSIONER = "commissioner", _("民生委員")
    NPO = "npo", _("NPO")
    COMPANY = "company", _("企業")
    SCHOOL = "school", _("学校")
    PROFESSIONAL = "professional", _("専門職")
    SHAKYO = "shakyo", _("社協")
    WARD = "ward", _("区役所")


class Forum(models.Model):
    district = models.OneToOneField(
        "areas.District", on_delete=models.PROTECT, related_name="forum", verbose_name=_("地区")
    )
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("説明"), blank=True, max_length=2000)
    is_public = models.BooleanField(
        _("概要を公開する"), default=False, help_text=_("ログインなしで、公開とした内容だけが見られます。")
    )
    public_summary = models.TextField(_("公開する紹介文"), blank=True, max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("話し合いの場")
        verbose_name_plural = _("話し合いの場")
        ordering = ["district__district_type__sort_order", "district__code", "pk"]

    def __str__(self) -> str:
        return self.name


class ForumMember(models.Model):
    """A member: an organisation (all its staff and members take part) or one signed-in person."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("団体"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("個人"),
    )
    role = models.CharField(_("立場"), max_length=20, choices=MemberRole.choices)
    joined_on = models.DateField(_("参加日"))
    left_on = models.DateField(_("退会日"), null=True, blank=True)

    class Meta:
        verbose_name = _("構成員")
        verbose_name_plural = _("構成員")
        ordering = ["role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False, user__isnull=True)
                | models.Q(organisation__isnull=True, user__isnull=False),
                name="forum_member_org_or_user",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.organisation.name if self.organisation_id else str(self.user)


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("定例の話し合い")
    WATCH_REPORT = "watch_report", _("見守り活動報告会")
    OTHER = "other", _("その他")


class Meeting(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("種類"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    title = models.CharField(_("名称"), max_length=100)
    held_on = models.DateField(_("開催日"))
    place = models.CharField(_("場所"), max_length=100, blank=True)
    agenda = models.TextField(_("議題"), blank=True, max_length=4000)
    minutes = models.TextField(_("議事録"), blank=True, max_length=20000)
    decisions = models.TextField(_("決まったこと"), blank=True, max_length=4000)
    attendees = models.ManyToManyField(ForumMember, blank=True, related_name="meetings", verbose_name=_("出席"))
    guests = models.PositiveSmallIntegerField(_("構成員以外の参加者数"), default=0)
    is_public = models.BooleanField(_("公開の概要に載せる"), default=False)
    public_note = models.TextField(_("公開する報告"), blank=True, max_length=2000)
    # 見守り活動報告会: the watch app's figures for the district, suppressed, taken when the meeting was created.
    figures = models.JSONField(_("添付の集計"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("会議")
        verbose_name_plural = _("会議")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class IssueTag(models.TextChoices):
    SHOPPING = "shopping", _("買い物")
    MOBILITY = "mobility", _("移動")
    ISOLATION = "isolation", _("孤立")
    CHILDCARE = "childcare", _("子育て")
    DISASTER = "disaster", _("防災")
    VACANT_HOUSE = "vacant_house", _("空き家")
    HEALTH = "health", _("健康・介護")
    LIVING = "living", _("暮らし・お金")
    OTHER = "other", _("その他")


class IssueSource(models.TextChoices):
    MEMBER = "member", _("構成員から")
    WATCH = "watch", _("見守りの集計から")
    CASES = "cases", _("相談の集計から")
    DISASTER = "disaster", _("安否確認の集計から")
    SPLIT = "split", _("分割")


class IssueStatus(models.TextChoices):
    OPEN = "open", _("話し合い中")
    ACTING = "acting", _("取組中")
    RESOLVED = "resolved", _("解決")
    MERGED = "merged", _("統合済み")


class AreaIssue(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="issues")
    title = models.CharField(_("課題"), max_length=120)
    description = models.TextField(_("内容"), blank=True, max_length=4000)
    tags = models.JSONField(_("分類"), default=list, blank=True)
    source = models.CharField(_("きっかけ"), max_length=20, choices=IssueSource.choices, default=IssueSource.MEMBER)
    # The figure it was proposed from: a label, a count (never under 5) and the period; no person.
    source_figure = models.JSONField(_("もとにした集計"), default=dict, blank=True)
    status = models.CharField(_("状況"), max_length=20, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from", verbose_name=_("統合先")
    )
    split_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="split_into", verbose_name=_("分割元")
    )
    meetings = models.ManyToManyField(Meeting, blank=True, related_name="issues", verbose_name=_("話し合った会議"))
    is_public = models.BooleanField(_("公開の概要に載せる"), default=False)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("地域課題")
        verbose_name_plural = _("地域課題")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def tag_labels(self) -> list[str]:
        labels = dict(IssueTag.choices)
        return [str(labels.get(t, t)) for t in self.tags]


class IssueEvent(models.Model):
    """The issue's history: created, edited, merged, split, linked to a meeting, status changed."""

    issue = models.ForeignKey(AreaIssue, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("種類"), max_length=20)
    note = models.CharField(_("内容"), max_length=300, blank=True)
    other = models.ForeignKey(AreaIssue, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("日時"))

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("予定")
    ACTIVE = "active", _("実施中")
    DONE = "done", _("完了")
    PAUSED = "paused", _("保留")


class ActionItem(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="actions")
    issue = models.ForeignKey(
        AreaIssue, on_delete=models.PROTECT, null=True, blank=True, related_name="actions", verbose_name=_("地域課題")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上位の取組")
    )
    title = models.CharField(_("取組"), max_length=120)
    description = models.TextField(_("内容"), blank=True, max_length=4000)
    owner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("担当団体")
    )
    due_on = models.DateField(_("期限"), null=True, blank=True)
    status = models.CharField(_("状況"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    # A leaf's own progress. A parent's progress is computed from its children (selectors.progress_of).
    progress = models.PositiveSmallIntegerField(_("進み具合（%）"), default=0)
    is_public = models.BooleanField(_("公開の概要に載せる"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("取組")
        verbose_name_plural = _("取組")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="action_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.title


class ActionUpdate(models.Model):
    """A timeline entry of an action item."""

    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(_("日付"))
    note = models.CharField(_("内容"), max_length=500)
    status = models.CharField(_("状況"), max_length=20, choices=ActionStatus.choices, blank=True)
    progress = models.PositiveSmallIntegerField(_("進み具合（%）"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.on} {self.note[:20]}"
