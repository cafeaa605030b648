"""Residents (住民) as the municipal registry knows them, with their support attributes, dated residency
history and consent to sharing. Names are stored exactly as registered; folded keys beside them serve search."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from tsunagu.core.wareki import format_wareki_short

# The consent scope of the roster (the value of organisations.DataScope.ROSTER, which this floor cannot import).
ROSTER_CONSENT_SCOPE = "roster"


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")
    OTHER = "other", _("その他・不明")


class ResidentStatus(models.TextChoices):
    RESIDENT = "resident", _("住民")
    MOVED_OUT = "moved_out", _("転出")
    DECEASED = "deceased", _("死亡")


class CareLevel(models.TextChoices):
    SUPPORT_1 = "support_1", _("要支援1")
    SUPPORT_2 = "support_2", _("要支援2")
    CARE_1 = "care_1", _("要介護1")
    CARE_2 = "care_2", _("要介護2")
    CARE_3 = "care_3", _("要介護3")
    CARE_4 = "care_4", _("要介護4")
    CARE_5 = "care_5", _("要介護5")


class PhysicalDisabilityType(models.TextChoices):
    VISUAL = "visual", _("視覚障害")
    HEARING = "hearing", _("聴覚・平衡機能障害")
    SPEECH = "speech", _("音声・言語・そしゃく機能障害")
    LIMB = "limb", _("肢体不自由")
    INTERNAL = "internal", _("内部障害")


class IntellectualGrade(models.TextChoices):
    A = "A", _("A（重度）")
    B = "B", _("B（中軽度）")


class Household(models.Model):
    """世帯. Its number comes from the registry and is stable across moves within the ward."""

    number = models.CharField("世帯番号", max_length=20, unique=True)

    class Meta:
        verbose_name = "世帯"
        verbose_name_plural = "世帯"

    def __str__(self) -> str:
        return self.number


def consent_state_alias(scope: str, person_path: str = "") -> str:
    """The name under which a queryset joins the consent state of `scope` (of the person at `person_path`)."""
    if not scope.isidentifier():
        raise ValueError(f"not a consent scope: {scope!r}")
    return f"_consent_state_{person_path}_{scope}" if person_path else f"_consent_state_{scope}"


def consent_state_join(scope: str = ROSTER_CONSENT_SCOPE, person_path: str = "") -> dict[str, FilteredRelation]:
    """The LEFT JOIN of a queryset of persons (or of rows whose `person_path`, e.g. "person", names one) with the
    consent state of `scope`: at most one row per person (unique person and scope), none when never asked."""
    relation = f"{person_path}__consent_states" if person_path else "consent_states"
    condition = Q(**{f"{relation}__scope": scope})
    return {consent_state_alias(scope, person_path): FilteredRelation(relation, condition=condition)}


class PersonQuerySet(models.QuerySet):
    def with_current_consent(self, scope: str = ROSTER_CONSENT_SCOPE) -> "PersonQuerySet":
        """Each person annotated with the consent decision in force (`current_consent_status`, None when never
        asked or answered) and the recipient kinds it names (`current_consent_kinds`), read from the consent
        state (ConsentState) by one join. Calling it again for the same scope changes nothing."""
        alias = consent_state_alias(scope)
        if alias in self.query._filtered_relations:
            return self
        if "current_consent_status" in self.query.annotations:
            raise ValueError("the queryset already carries the consent of another scope")
        return self.annotate(
            **consent_state_join(scope),
            current_consent_status=F(f"{alias}__status"),
            current_consent_kinds=F(f"{alias}__recipient_kinds"),
        )

    def without_consent_answer(self, scope: str = ROSTER_CONSENT_SCOPE) -> "PersonQuerySet":
        """Persons with no answer in force (never asked, asked and not answered, or 未回答 recorded): the same
        persons as current_consent_status None or UNANSWERED, as an anti-join of the consent state, whose size
        the planner estimates well (a LEFT JOIN's IS NULL it takes for a handful and loops over every row)."""
        answers = [ConsentStatus.AGREED, ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN]
        answered = ConsentState.objects.filter(person=OuterRef("pk"), scope=scope, status__in=answers)
        return self.exclude(Exists(answered))


class Person(models.Model):
    resident_number = models.CharField("宛名番号", max_length=20, unique=True)
    family_name = models.CharField("氏", max_length=50)
    given_name = models.CharField("名", max_length=50, blank=True)
    family_name_kana = models.CharField("氏（フリガナ）", max_length=100)
    given_name_kana = models.CharField("名（フリガナ）", max_length=100, blank=True)
    # Folded keys (異体字, kana forms, spaces) so that 「たかはし」 finds 髙橋; never shown.
    name_key = models.CharField(max_length=100, db_index=True, editable=False)
    kana_key = models.CharField(max_length=200, db_index=True, editable=False)
    birth_date = models.DateField("生年月日")
    sex = models.CharField("性別", max_length=10, choices=Sex.choices)
    town = models.ForeignKey("areas.Town", on_delete=models.PROTECT, related_name="residents", verbose_name="町丁目")
    address = models.CharField("番地", max_length=100, blank=True)
    address_extra = models.CharField("方書", max_length=100, blank=True)
    phone = models.CharField("電話番号", max_length=30, blank=True)
    # Where the person lives, for maps and for matching supporters by distance (geocoded from the address).
    latitude = models.DecimalField("緯度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("経度", max_digits=9, decimal_places=6, null=True, blank=True)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name="世帯", null=True, blank=True
    )
    status = models.CharField(
        "住民状態", max_length=20, choices=ResidentStatus.choices, default=ResidentStatus.RESIDENT
    )
    status_changed_on = models.DateField("異動日", null=True, blank=True)

    care_level = models.CharField("要介護度", max_length=20, choices=CareLevel.choices, blank=True)
    physical_disability_type = models.CharField(
        "身体障害者手帳（種別）", max_length=20, choices=PhysicalDisabilityType.choices, blank=True
    )
    physical_disability_grade = models.PositiveSmallIntegerField(
        "身体障害者手帳（等級）", null=True, blank=True, choices=[(i, f"{i}級") for i in range(1, 7)]
    )
    intellectual_disability_grade = models.CharField(
        "療育手帳", max_length=2, choices=IntellectualGrade.choices, blank=True
    )
    mental_disability_grade = models.PositiveSmallIntegerField(
        "精神障害者保健福祉手帳（等級）", null=True, blank=True, choices=[(i, f"{i}級") for i in range(1, 4)]
    )
    intractable_disease = models.BooleanField("難病", default=False)
    lives_alone = models.BooleanField("ひとり暮らし", default=False)
    elderly_only_household = models.BooleanField("高齢者のみ世帯", default=False)

    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "住民"
        verbose_name_plural = "住民"
        ordering = ["kana_key", "resident_number"]
        indexes = [
            models.Index(fields=["town", "status"], name="person_town_status"),
            # Search by 生年月日 (registry.search). The search's PostgreSQL-only indexes (pg_trgm on the folded
            # keys, the kana order in the "C" collation) are made by migration people 0006, not declared here.
            models.Index(fields=["birth_date"], name="person_birth_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(physical_disability_grade__isnull=True)
                | models.Q(physical_disability_grade__gte=1, physical_disability_grade__lte=6),
                name="physical_grade_1_to_6",
            ),
            models.CheckConstraint(
                condition=models.Q(mental_disability_grade__isnull=True)
                | models.Q(mental_disability_grade__gte=1, mental_disability_grade__lte=3),
                name="mental_grade_1_to_3",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.family_name}\u3000{self.given_name}".strip()

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana}\u3000{self.given_name_kana}".strip()

    @property
    def full_address(self) -> str:
        parts = [self.town.name + self.address, self.address_extra]
        return "\u3000".join(p for p in parts if p)


def age_reference_day(person: Person, today: datetime.date) -> datetime.date:
    """The day an age is counted on: today, or the day of death for a deceased resident."""
    if person.status == ResidentStatus.DECEASED and person.status_changed_on:
        return max(person.status_changed_on, person.birth_date)
    return today


class ResidencyEventKind(models.TextChoices):
    REGISTERED = "registered", _("登録")
    MOVED_IN = "moved_in", _("転入")
    MOVED_WITHIN = "moved_within", _("区内転居")
    MOVED_OUT = "moved_out", _("転出")
    DIED = "died", _("死亡")
    RETURNED = "returned", _("再転入")
    CORRECTED = "corrected", _("記載修正")


class ResidencyEvent(models.Model):
    """Dated history of a resident's registry record. Rows are only ever added."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="events", verbose_name="住民")
    kind = models.CharField("異動の種類", max_length=20, choices=ResidencyEventKind.choices)
    occurred_on = models.DateField("異動日")
    details = models.JSONField("内容", default=dict, blank=True)
    import_batch = models.ForeignKey(
        "people.ImportBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "異動履歴"
        verbose_name_plural = "異動履歴"
        ordering = ["person", "occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()}"


class ImportBatch(models.Model):
    """One run of `tsunagu import residents`: kept so every change can be traced to its source file."""

    filename = models.CharField("ファイル名", max_length=255)
    sha256 = models.CharField("ファイルのハッシュ", max_length=64)
    encoding = models.CharField("文字コード", max_length=20)
    row_count = models.PositiveIntegerField("行数", default=0)
    created_count = models.PositiveIntegerField("新規", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("変更なし", default=0)
    moved_out_count = models.PositiveIntegerField("転出", default=0)
    died_count = models.PositiveIntegerField("死亡", default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField("開始日時")
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)

    class Meta:
        verbose_name = "住民データ取込"
        verbose_name_plural = "住民データ取込"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.started_at:%Y-%m-%d %H:%M}）"


class ConsentStatus(models.TextChoices):
    AGREED = "agreed", _("同意")
    REFUSED = "refused", _("不同意")
    UNANSWERED = "unanswered", _("未回答")
    WITHDRAWN = "withdrawn", _("撤回")


class ConsentGivenBy(models.TextChoices):
    SELF = "self", _("本人")
    FAMILY = "family", _("家族")
    GUARDIAN = "guardian", _("成年後見人")


class ConsentQuerySet(models.QuerySet):
    """Consent history. The decision in force is the latest recorded row per person and scope; lists read it
    from ConsentState (kept by tsunagu.people.services.consent_state), one person's page from the history."""

    def latest_first(self) -> "ConsentQuerySet":
        return self.order_by("-recorded_at", "-id")

    def current_for(self, person: "Person", scope: str = ROSTER_CONSENT_SCOPE) -> "Consent | None":
        return self.filter(person=person, scope=scope).latest_first().first()

    def current_by_person(
        self, person_ids: "list[int] | set[int]", scope: str = ROSTER_CONSENT_SCOPE
    ) -> "dict[int, Consent]":
        """The decision in force for each of these persons (a person never answering is absent), read through
        the consent state. One query."""
        in_force = self.filter(in_force_for__person_id__in=person_ids, in_force_for__scope=scope)
        return {consent.person_id: consent for consent in in_force}


class Consent(models.Model):
    """A consent decision about sharing a person's data with community groups in normal times (平常時の名簿
    提供への同意). Append-only: the latest row per person and scope is the one in force, and a withdrawal is a
    new row, so the history stays visible."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents", verbose_name="住民")
    scope = models.CharField("対象とする情報", max_length=20, default=ROSTER_CONSENT_SCOPE)
    status = models.CharField("同意の状況", max_length=20, choices=ConsentStatus.choices)
    # "|minsei|neighbourhood|" style list of OrganisationKind values; empty means every kind of recipient.
    recipient_kinds = models.CharField("提供先の種別", max_length=200, blank=True)
    given_by = models.CharField(
        "意思表示をした人", max_length=20, choices=ConsentGivenBy.choices, default=ConsentGivenBy.SELF
    )
    method = models.CharField("確認方法", max_length=50, blank=True)
    decided_on = models.DateField("意思表示の日")
    # The letter (同意確認書) this decision answers, when it came back on the letter's reply slip; None for a
    # decision given at the counter, by phone or on a visit.
    consent_request = models.ForeignKey(
        "people.ConsentRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name="回答した同意確認書",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = "同意"
        verbose_name_plural = "同意"
        ordering = ["person", "recorded_at", "id"]
        indexes = [models.Index(fields=["person", "scope", "recorded_at"], name="consent_latest")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_status_display()}（{self.decided_on}）"

    def covers_kind(self, kind: str) -> bool:
        return not self.recipient_kinds or f"|{kind}|" in self.recipient_kinds


def letter_number_prefix(sent_on: datetime.date) -> str:
    """「R8-」: the 年度 (April to March) a letter is sent in, as 和暦 era letter and year. Letter numbers run
    from R8-000001 in each 年度. A 年度 bears the era of its December (2019年度 is 令和元年度, not 平成31年度)."""
    fiscal_year = sent_on.year if sent_on.month >= 4 else sent_on.year - 1
    return format_wareki_short(datetime.date(fiscal_year, 12, 31)).split(".")[0] + "-"


class ConsentRequest(models.Model):
    """A consent-request letter (同意確認書) sent to a person. Under presumed consent (推定同意) a person who
    was asked and did not answer by the reply date is treated as consenting.

    Each letter has its own number (整理番号, e.g. R8-000123), printed on the letter and its reply slip and typed
    in when the slip comes back. It is not the 宛名番号: the ward's internal registry number is never printed on
    mail, and the number names the letter a reply answers (Consent.consent_request)."""

    letter_number = models.CharField("整理番号", max_length=20, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consent_requests")
    scope = models.CharField("対象とする情報", max_length=20, default=ROSTER_CONSENT_SCOPE)
    sent_on = models.DateField("送付日")
    reply_due_on = models.DateField("回答期限")
    batch_label = models.CharField("送付の区分", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "同意確認書の送付"
        verbose_name_plural = "同意確認書の送付"
        indexes = [models.Index(fields=["person", "scope", "reply_due_on"], name="consent_request_due")]

    def __str__(self) -> str:
        return f"{self.letter_number} {self.person_id} {self.sent_on}"


class ConsentState(models.Model):
    """The consent in force per person and scope, as data the policy, lists and counts join (one row per person
    and scope; none for a person never asked nor answering). Derived: the append-only Consent and ConsentRequest
    rows stay the record, and tsunagu.people.services.consent_state.refresh_consent_state (the one definition of
    "in force") rewrites these rows from them in the same transaction as every write of either.
    `tsunagu consent state check` compares the two; `… rebuild` repairs."""

    # The unique (person, scope) index serves lookups by person: no index of its own.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="consent_states", verbose_name="住民", db_index=False
    )
    scope = models.CharField("対象とする情報", max_length=20)
    # The latest decision (Consent) of the person and scope; None when asked by letter and never answered.
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="in_force_for", verbose_name="同意"
    )
    status = models.CharField("同意の状況", max_length=20, choices=ConsentStatus.choices, null=True, blank=True)
    recipient_kinds = models.CharField("提供先の種別", max_length=200, null=True, blank=True)
    # The earliest reply date of the letters (ConsentRequest) of the scope: 推定同意 counts from the day after it.
    first_letter_due_on = models.DateField("最初の回答期限", null=True, blank=True)

    class Meta:
        verbose_name = "現在の同意"
        verbose_name_plural = "現在の同意"
        constraints = [models.UniqueConstraint(fields=["person", "scope"], name="consent_state_person_scope")]
        indexes = [
            models.Index(fields=["scope", "status"], name="consent_state_status"),
            models.Index(fields=["scope", "first_letter_due_on"], name="consent_state_first_due"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.scope} {self.status or '-'}"
