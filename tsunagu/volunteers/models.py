"""The 社協's volunteer centre: volunteers (people, companies, 法人, schools) who registered what they want to do,
local needs (地域ニーズ) and the matches between them with the hours of the activity done.

A need's requester (their name, phone and, when one is named, the resident) is personal data of the data scope
VOLUNTEER_NEED: who may read it is decided by tsunagu.volunteers.scope, never by a page."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import District, Municipality, Town, home_municipality_id
from tsunagu.people.models import Person


class NeedKind(models.TextChoices):
    """The kinds of local needs; a volunteer's interests are chosen from the same list (so they can be matched)."""

    SHOPPING = "shopping", _("買い物")
    RUBBISH = "rubbish", _("ごみ出し")
    TIDYING = "tidying", _("片づけ")
    TALKING = "talking", _("話し相手")
    HOSPITAL = "hospital", _("通院付き添い")
    IBASHO = "ibasho", _("居場所の運営")
    EVENT = "event", _("イベント手伝い")
    CHILDREN = "children", _("子ども見守り")
    DISASTER = "disaster", _("災害ボランティア")


class Skill(models.TextChoices):
    DRIVING = "driving", _("車の運転")
    CARE = "care", _("介護の経験・資格")
    SIGN_LANGUAGE = "sign_language", _("手話")
    COOKING = "cooking", _("調理")
    PHYSICAL = "physical", _("力仕事")
    COMPUTER = "computer", _("パソコン・スマートフォン")
    CHILDCARE = "childcare", _("子どもの世話")
    FIRST_AID = "first_aid", _("救命講習の修了")


class Language(models.TextChoices):
    JAPANESE = "ja", _("日本語")
    ENGLISH = "en", _("英語")
    CHINESE = "zh", _("中国語")
    KOREAN = "ko", _("韓国語")
    VIETNAMESE = "vi", _("ベトナム語")
    TAGALOG = "tl", _("タガログ語")
    PORTUGUESE = "pt", _("ポルトガル語")
    NEPALI = "ne", _("ネパール語")


class VolunteerKind(models.TextChoices):
    PERSON = "person", _("個人")
    COMPANY = "company", _("企業")
    CORPORATION = "corporation", _("社会福祉法人・NPO法人など")
    SCHOOL = "school", _("学校")


class Relation(models.TextChoices):
    """How a person is tied to the ward: residents and also those who study or work here (004)."""

    RESIDENT = "resident", _("区内に住んでいる")
    STUDENT = "student", _("区内の学校に通っている")
    WORKER = "worker", _("区内で働いている")
    OTHER = "other", _("その他")


class VolunteerStatus(models.TextChoices):
    PENDING = "pending", _("確認待ち")
    APPROVED = "approved", _("登録済み")
    REJECTED = "rejected", _("登録しない")


# Weekly slots: a day and a part of the day, stored as "mon_am". Parts by the hour a need starts.
DAYS = (
    ("mon", _("月")),
    ("tue", _("火")),
    ("wed", _("水")),
    ("thu", _("木")),
    ("fri", _("金")),
    ("sat", _("土")),
    ("sun", _("日")),
)
PARTS = (("am", _("午前")), ("pm", _("午後")), ("eve", _("夕方・夜")))
SLOT_CODES = frozenset(f"{d}_{p}" for d, _d in DAYS for p, _p in PARTS)


def _labels(choices: type[models.TextChoices], codes: list[str]) -> list[str]:
    return [str(choices(c).label) for c in codes if c in choices.values]


def slot_label(code: str) -> str:
    """「月曜 午前」 for "mon_am"."""
    day, _sep, part = code.partition("_")
    return f"{dict(DAYS).get(day, day)}{_('曜')} {dict(PARTS).get(part, part)}"


def slot_of(moment: datetime.datetime) -> str:
    """The weekly slot a (local) time falls in: before noon 午前, before 17:00 午後, later 夕方・夜."""
    part = "am" if moment.hour < 12 else "pm" if moment.hour < 17 else "eve"
    return f"{DAYS[moment.weekday()][0]}_{part}"


class Volunteer(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", default=home_municipality_id, verbose_name=_("区")
    )
    kind = models.CharField(_("種別"), max_length=20, choices=VolunteerKind.choices, default=VolunteerKind.PERSON)
    # The name exactly as registered; the folded key only for search (STYLE: keep folded keys apart).
    name = models.CharField(_("お名前・団体名"), max_length=100)
    name_kana = models.CharField(_("フリガナ"), max_length=200, blank=True)
    name_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    relation = models.CharField(_("区とのかかわり"), max_length=20, choices=Relation.choices, blank=True)
    affiliation = models.CharField(_("学校名・勤務先"), max_length=100, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    wishes = models.TextField(_("やりたいこと"), blank=True)
    interests = models.JSONField(_("関心のある活動"), default=list, blank=True)  # NeedKind values
    skills = models.JSONField(_("できること・資格"), default=list, blank=True)  # Skill values
    languages = models.JSONField(_("話せることば"), default=list, blank=True)  # Language values
    districts = models.ManyToManyField(District, blank=True, related_name="+", verbose_name=_("活動できる地区"))
    weekly_slots = models.JSONField(_("活動できる曜日・時間帯"), default=list, blank=True)  # SLOT_CODES
    one_off_dates = models.JSONField(_("活動できる日"), default=list, blank=True)  # ISO dates
    insurance_expires_on = models.DateField(_("ボランティア活動保険の期限"), null=True, blank=True)
    consents_to_contact = models.BooleanField(_("ボランティアセンターからの連絡に同意"), default=False)
    status = models.CharField(
        _("登録の状態"), max_length=20, choices=VolunteerStatus.choices, default=VolunteerStatus.PENDING
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    check_note = models.CharField(_("確認のメモ"), max_length=300, blank=True)
    # The volunteer's own sign-in (a user without memberships), to answer proposals from their phone.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer",
        verbose_name=_("ログインの利用者"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ボランティア")
        verbose_name_plural = _("ボランティア")
        ordering = ["name_key", "pk"]
        indexes = [models.Index(fields=["status", "municipality"])]

    def __str__(self) -> str:
        return self.name

    @property
    def interest_labels(self) -> list[str]:
        return _labels(NeedKind, self.interests)

    @property
    def skill_labels(self) -> list[str]:
        return _labels(Skill, self.skills)

    @property
    def language_labels(self) -> list[str]:
        return _labels(Language, self.languages)

    @property
    def slot_labels(self) -> list[str]:
        return [slot_label(c) for c in self.weekly_slots if c in SLOT_CODES]


class RequesterKind(models.TextChoices):
    RESIDENT = "resident", _("住民")
    GROUP = "group", _("地域の団体")
    CARE_PLAZA = "care_plaza", _("地域包括支援センター・ケアプラザ")
    FORUM = "forum", _("話し合いの場")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("募集中")
    FILLED = "filled", _("人数がそろった")
    CLOSED = "closed", _("終了")


class Need(models.Model):
    """A request for help. The title and description are what every volunteer may read: they must not name the
    requester (the form says so); the requester fields below are opened by the access policy only."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", default=home_municipality_id, verbose_name=_("区")
    )
    kind = models.CharField(_("種類"), max_length=20, choices=NeedKind.choices)
    title = models.CharField(_("内容（公開）"), max_length=100)
    description = models.TextField(_("くわしい内容（公開）"), blank=True)
    skills = models.JSONField(_("求めること"), default=list, blank=True)  # Skill values
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", verbose_name=_("地区"))
    town = models.ForeignKey(
        Town, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("町丁目")
    )
    starts_at = models.DateTimeField(_("日時"))
    ends_at = models.DateTimeField(_("終了"), null=True, blank=True)
    volunteers_needed = models.PositiveSmallIntegerField(
        _("必要な人数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    status = models.CharField(_("状態"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    # The requester: personal data (scope VOLUNTEER_NEED).
    requester_kind = models.CharField(
        _("依頼した方"), max_length=20, choices=RequesterKind.choices, default=RequesterKind.RESIDENT
    )
    requester_name = models.CharField(_("依頼者のお名前"), max_length=100)
    requester_phone = models.CharField(_("依頼者の電話番号"), max_length=30, blank=True)
    requester_address = models.CharField(_("訪問先の住所"), max_length=200, blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("住民の記録")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("地域ニーズ")
        verbose_name_plural = _("地域ニーズ")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def skill_labels(self) -> list[str]:
        return _labels(Skill, self.skills)


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("依頼中")
    ACCEPTED = "accepted", _("引き受け")
    DECLINED = "declined", _("辞退")
    COMPLETED = "completed", _("活動済み")
    CANCELLED = "cancelled", _("取りやめ")


# Matches whose volunteer has said yes: the requester's details open to them (tsunagu.volunteers.scope).
ACCEPTED_STATUSES = (MatchStatus.ACCEPTED, MatchStatus.COMPLETED)


class Match(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="matches")
    status = models.CharField(_("状態"), max_length=20, choices=MatchStatus.choices, default=MatchStatus.PROPOSED)
    # The ranking's score and reasons when the coordinator proposed it, kept as they were shown.
    score = models.PositiveSmallIntegerField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    hours = models.DecimalField(
        _("活動時間"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )
    activity_on = models.DateField(_("活動日"), null=True, blank=True)
    report = models.CharField(_("活動の報告"), max_length=500, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("マッチング")
        verbose_name_plural = _("マッチング")
        ordering = ["-proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["need", "volunteer"], name="one_match_per_need_and_volunteer"),
            models.CheckConstraint(
                condition=Q(status=MatchStatus.COMPLETED, hours__isnull=False) | ~Q(status=MatchStatus.COMPLETED),
                name="completed_match_has_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need} ← {self.volunteer}"


# --- Training (研修): courses the ward runs, their sessions, who came, and who completed ----------------------


class CourseKind(models.TextChoices):
    GREETING = "greeting", _("声掛け研修")
    WATCH_HELPER = "watch_helper", _("見守り協力員研修")
    CITIZEN_GUARDIAN = "citizen_guardian", _("区民後見人養成")
    COORDINATOR = "coordinator", _("コーディネーター研修")
    OTHER = "other", _("その他")


class Course(models.Model):
    """A training course of the ward (like a volunteer or a need, it belongs to a ward's centre)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", default=home_municipality_id, verbose_name=_("区")
    )
    kind = models.CharField(_("研修の種類"), max_length=20, choices=CourseKind.choices)
    name = models.CharField(_("研修の名前"), max_length=100)
    description = models.TextField(_("内容"), blank=True)
    sessions_required = models.PositiveSmallIntegerField(
        _("修了に必要な出席回数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    # None: a completion never lapses. A number: a refresher is due after so many years.
    valid_years = models.PositiveSmallIntegerField(
        _("修了の有効期間（年）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("空のときは期限なし。フォローアップ研修が必要なときに年数を入れます。"),
    )
    is_active = models.BooleanField(_("実施中"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("研修")
        verbose_name_plural = _("研修")
        ordering = ["-is_active", "kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class TrainingSession(models.Model):
    """One date of a course (a course of three sessions has three rows)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("研修"))
    starts_at = models.DateTimeField(_("日時"))
    place = models.CharField(_("会場"), max_length=200)
    capacity = models.PositiveSmallIntegerField(
        _("定員"), default=20, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("研修の回")
        verbose_name_plural = _("研修の回")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.course} {self.starts_at:%Y-%m-%d}"


class Attendance(models.Model):
    """A volunteer enrolled in a session; `attended` is None until the staff record whether they came."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("研修の回")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="training_attendances", verbose_name=_("ボランティア")
    )
    attended = models.BooleanField(_("出席"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("研修の出欠")
        verbose_name_plural = _("研修の出欠")
        ordering = ["volunteer__name_key", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "volunteer"], name="one_attendance_per_session_and_volunteer")
        ]

    def __str__(self) -> str:
        return f"{self.session} ← {self.volunteer}"


class CompletionSource(models.TextChoices):
    ATTENDANCE = "attendance", _("出席から")
    RECORDED = "recorded", _("職員が記録（ほかで受講など）")


class Completion(models.Model):
    """A course completed by a volunteer, or by a signed-in user who is no volunteer (a 民生委員 or a 見守り協力員 of
    the watch, who are users with memberships): exactly one of the two is set. A completion of a lapsing course
    keeps its expiry; taking the course again adds a new row (the history stays)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions", verbose_name=_("研修"))
    volunteer = models.ForeignKey(
        Volunteer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_completions",
        verbose_name=_("ボランティア"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_completions",
        verbose_name=_("利用者"),
    )
    completed_on = models.DateField(_("修了日"))
    expires_on = models.DateField(_("有効期限（この日まで）"), null=True, blank=True)
    source = models.CharField(_("記録のしかた"), max_length=20, choices=CompletionSource.choices)
    note = models.CharField(_("メモ"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("研修の修了")
        verbose_name_plural = _("研修の修了")
        ordering = ["-completed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False, user__isnull=True) | Q(volunteer__isnull=True, user__isnull=False),
                name="completion_of_a_volunteer_or_a_user",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("completed_on")),
                name="completion_expires_after_it_is_completed",
            ),
        ]
        indexes = [models.Index(fields=["course", "volunteer"]), models.Index(fields=["course", "user"])]

    def __str__(self) -> str:
        return f"{self.course} ← {self.volunteer_id or self.user_id}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.completed_on <= day and (self.expires_on is None or day <= self.expires_on)


def valid_completions_q(day: datetime.date, prefix: str = "") -> Q:
    """Completions in force on `day` (the one definition, for pages, the watch note and the API)."""
    return Q(**{f"{prefix}completed_on__lte": day}) & (
        Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": day})
    )


# Member-to-member services with hours and the grants to local activities (つながり応援補助金) live in their own
# modules; imported here so Django finds the models.
from .grant_models import (  # noqa: E402, F401
    ApplicationStatus,
    GrantApplication,
    GrantCall,
    GrantPayment,
    GrantReport,
    GrantReportPhoto,
)
from .service_models import (  # noqa: E402, F401
    ActivityStatus,
    LedgerComponent,
    LedgerEntry,
    LedgerUnit,
    MemberKind,
    PostingKind,
    RequestStatus,
    ServiceActivity,
    ServiceAssignment,
    ServiceMember,
    ServiceRate,
    ServiceRequest,
    ServiceScheme,
)
