"""避難行動要支援者名簿 (災害対策基本法 49条の10): rules that decide who is listed, every build kept with each
person's reasons and a snapshot of the legal items, and the register of copies handed to organisations."""

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import home_municipality_id


class RuleKind(models.TextChoices):
    CARE_LEVEL = "care_level", _("要介護度が基準以上")
    PHYSICAL_GRADE = "physical_grade", _("身体障害者手帳の等級が基準以内")
    INTELLECTUAL_GRADE = "intellectual_grade", _("療育手帳の判定")
    MENTAL_GRADE = "mental_grade", _("精神障害者保健福祉手帳の等級が基準以内")
    INTRACTABLE_DISEASE = "intractable_disease", _("難病")
    AGE_LIVING_ALONE = "age_living_alone", _("基準年齢以上のひとり暮らし")
    AGE_ELDERLY_ONLY = "age_elderly_only", _("基準年齢以上の高齢者のみ世帯")
    SELF_REQUEST = "self_request", _("本人の申出（手上げ方式）")


class RosterRule(models.Model):
    """One reason to be listed. `threshold` is read according to `kind`: a CareLevel value (care_3), a grade
    (2), a 療育手帳 judgement (A) or an age (75); empty for kinds that need none."""

    label = models.CharField(_("避難支援等を必要とする事由"), max_length=100)
    kind = models.CharField(_("条件の種類"), max_length=30, choices=RuleKind.choices)
    threshold = models.CharField(_("基準"), max_length=20, blank=True)
    is_active = models.BooleanField(_("適用する"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("名簿登載の条件")
        verbose_name_plural = _("名簿登載の条件")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.label


class SelfRequest(models.Model):
    """本人の申出 (手上げ方式): a resident asked to be listed although no other rule applies."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="roster_requests")
    requested_on = models.DateField(_("申出日"))
    reason = models.CharField(_("申出の理由"), max_length=200, blank=True)
    withdrawn_on = models.DateField(_("取下げ日"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("記録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("本人の申出")
        verbose_name_plural = _("本人の申出")

    def __str__(self) -> str:
        return f"{self.person_id} {self.requested_on}"


class RosterBuild(models.Model):
    """One build of the roster. Kept forever so any copy handed out can be reproduced and compared."""

    # Builds are per ward (the rules are the city's): each ward numbers its own.
    municipality = models.ForeignKey(
        "areas.Municipality",
        verbose_name=_("区"),
        on_delete=models.PROTECT,
        related_name="roster_builds",
        default=home_municipality_id,
    )
    number = models.PositiveIntegerField(_("版"))
    built_at = models.DateTimeField(_("作成日時"))
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference_date = models.DateField(_("基準日"))
    rules = models.JSONField(_("適用した条件"), default=list)
    person_count = models.PositiveIntegerField(_("登載人数"), default=0)

    class Meta:
        verbose_name = _("名簿の版")
        verbose_name_plural = _("名簿の版")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "number"], name="roster_build_number_unique_per_ward")
        ]

    def __str__(self) -> str:
        return f"第{self.number}版（{self.reference_date}）"

    @classmethod
    def current(cls, municipality_id: int | None = None) -> "RosterBuild | None":
        """The build in force in a ward: its latest. Agreement holders see the current builds of every ward
        (tsunagu.access.policy, each only in its own districts). Without a ward: the home ward's, or the only
        ward's when there is one."""
        if municipality_id is not None:
            return cls.objects.filter(municipality_id=municipality_id).order_by("-number").first()
        pk = cls.current_id(None)
        return cls.objects.filter(pk=pk).first() if pk is not None else None

    @classmethod
    def current_id(cls, municipality_id: int | None = None) -> int | None:
        builds = cls.objects.order_by("-number")
        if municipality_id is None:
            ids = cls.current_ids()
            if len(ids) <= 1:
                return next(iter(ids), None)
            municipality_id = home_municipality_id()
        return builds.filter(municipality_id=municipality_id).values_list("pk", flat=True).first()

    @classmethod
    def current_ids(cls) -> frozenset[int]:
        """The current build of every ward (one query)."""
        latest = cls.objects.filter(municipality_id=OuterRef("municipality_id")).order_by("-number").values("pk")[:1]
        return frozenset(cls.objects.filter(pk=Subquery(latest)).values_list("pk", flat=True))


class RosterEntry(models.Model):
    """A listed person in one build, with the legal items as they were at build time."""

    # No index of its own: the (build, person) and (build, town) indexes start with it. Fewer indexes keep
    # a build of a million-resident registry fast.
    build = models.ForeignKey(RosterBuild, on_delete=models.PROTECT, related_name="entries", db_index=False)
    # No database key to the person and the town (migration 0005): entries are written only by a build's
    # INSERT … SELECT from the persons themselves, in one transaction, and never changed; the database would
    # check (and lock) each of a city ward's 91,000 persons again at commit — a third of a build's time. The
    # ORM's PROTECT still refuses to delete a listed person or a town.
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="roster_entries", db_constraint=False
    )
    family_name = models.CharField(_("氏"), max_length=50)
    given_name = models.CharField(_("名"), max_length=50, blank=True)
    family_name_kana = models.CharField(_("氏（フリガナ）"), max_length=100)
    given_name_kana = models.CharField(_("名（フリガナ）"), max_length=100, blank=True)
    birth_date = models.DateField(_("生年月日"))
    sex = models.CharField(_("性別"), max_length=10)
    town = models.ForeignKey("areas.Town", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    # The person's town now, where `town` is where they lived at build time: a database trigger (migration 0006)
    # follows every move of the person. The policy tests a viewer's towns on the person; the same test on the
    # entries themselves (rows_of_visible_persons' town_ref) lets a 民生委員's page start from the entries of
    # their towns by index instead of from every resident there.
    person_town = models.ForeignKey(
        "areas.Town", on_delete=models.PROTECT, related_name="+", db_constraint=False, verbose_name=_("現在の町丁目")
    )
    address = models.CharField(_("番地"), max_length=100, blank=True)
    address_extra = models.CharField(_("方書"), max_length=100, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    # Items the ward adds to the six legal ones: the support attributes as they were at build time.
    care_level = models.CharField(_("要介護度"), max_length=20, blank=True)
    physical_disability_type = models.CharField(_("身体障害者手帳（種別）"), max_length=20, blank=True)
    physical_disability_grade = models.PositiveSmallIntegerField(_("身体障害者手帳（等級）"), null=True, blank=True)
    intellectual_disability_grade = models.CharField(_("療育手帳"), max_length=2, blank=True)
    mental_disability_grade = models.PositiveSmallIntegerField(
        _("精神障害者保健福祉手帳（等級）"), null=True, blank=True
    )
    intractable_disease = models.BooleanField(_("難病"), default=False)
    lives_alone = models.BooleanField(_("ひとり暮らし"), default=False)
    elderly_only_household = models.BooleanField(_("高齢者のみ世帯"), default=False)

    class Meta:
        verbose_name = _("名簿登載者")
        verbose_name_plural = _("名簿登載者")
        constraints = [models.UniqueConstraint(fields=["build", "person"], name="roster_entry_once_per_build")]
        indexes = [
            models.Index(fields=["build", "town"], name="roster_entry_build_town"),
            models.Index(fields=["build", "person_town"], name="roster_entry_build_person_town"),
        ]

    def __str__(self) -> str:
        return f"{self.family_name}\u3000{self.given_name}".strip()


def listed_in_build(build_id: int | Iterable[int] | None, person_ref: str = "pk") -> Q:
    """The one definition of "listed": the person at `person_ref` has an entry in that build, or in one of these
    builds (the current builds of several wards); none without one."""
    if build_id is None:
        return Q(pk__in=[])
    if isinstance(build_id, int):
        entries = RosterEntry.objects.filter(build_id=build_id)
    else:
        ids = sorted(set(build_id))
        if not ids:
            return Q(pk__in=[])
        entries = (
            RosterEntry.objects.filter(build_id=ids[0])
            if len(ids) == 1
            else RosterEntry.objects.filter(build_id__in=ids)
        )
    return Q(Exists(entries.filter(person=OuterRef(person_ref))))


class RosterEntryReason(models.Model):
    """Why a person is listed in a build: one row per matching rule (the label is kept as it was)."""

    # The unique (build, person, rule) index serves every read (by build, by build+person): no other index.
    # No database keys: the build's one INSERT … SELECT from its own entries, in the entries' transaction, is the
    # only writer, and builds are never deleted (migration 0005 dropped the (build, person) → entry key of 0004:
    # its row-by-row check of 100,000 reasons at commit cost a second of a city ward's build).
    build = models.ForeignKey(
        RosterBuild, on_delete=models.PROTECT, related_name="reasons", db_index=False, db_constraint=False
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    # Rules are never deleted (deactivated instead) and the ORM protects them: no per-row database check either.
    rule = models.ForeignKey(
        RosterRule, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    label = models.CharField(_("事由"), max_length=100)

    class Meta:
        verbose_name = _("登載の事由")
        verbose_name_plural = _("登載の事由")
        constraints = [models.UniqueConstraint(fields=["build", "person", "rule"], name="roster_reason_once_per_rule")]

    def __str__(self) -> str:
        return self.label


class DistributionForm(models.TextChoices):
    PAPER = "paper", _("紙")
    PDF = "pdf", _("PDF")
    SCREEN = "screen", _("画面閲覧")


class Distribution(models.Model):
    """名簿の提供記録: which organisation received which build, for which districts, in which form."""

    number = models.CharField(_("配布番号"), max_length=30, unique=True)
    build = models.ForeignKey(RosterBuild, on_delete=models.PROTECT, related_name="distributions")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="roster_distributions"
    )
    agreement = models.ForeignKey(
        "organisations.Agreement", on_delete=models.PROTECT, related_name="roster_distributions"
    )
    districts = models.ManyToManyField("areas.District", related_name="+", verbose_name=_("対象地区"))
    form = models.CharField(_("提供の形態"), max_length=10, choices=DistributionForm.choices)
    person_count = models.PositiveIntegerField(_("人数"), default=0)
    distributed_on = models.DateField(_("提供日"))
    return_due_on = models.DateField(_("返却期限"), null=True, blank=True)
    returned_on = models.DateField(_("返却日"), null=True, blank=True)
    destroyed_on = models.DateField(_("廃棄日"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("備考"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("名簿の提供記録")
        verbose_name_plural = _("名簿の提供記録")
        ordering = ["-distributed_on", "-id"]

    def __str__(self) -> str:
        return self.number
