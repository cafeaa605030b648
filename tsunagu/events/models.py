"""Events (行事: サロン, 講座, 防災訓練 …) and articles (お知らせ) for the ward's residents, each for a district of
any layer or the whole ward and for one or more audiences; their やさしい日本語 text, translations, and the
sign-ups of residents (no account: a name and a contact, or only a head count)."""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import District, Municipality, home_municipality_id
from tsunagu.organisations.models import Organisation

# A party signing up together: more than this is a group booking, arranged with the organiser.
MAX_PARTY = 10
# BCP 47 as Django writes language codes: "en", "zh-hans", "pt-br".
LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


class EventKind(models.TextChoices):
    SALON = "salon", _("サロン・居場所")
    COURSE = "course", _("講座・教室")
    CHILDREN = "children", _("子ども向けイベント")
    DRILL = "drill", _("防災訓練")
    FESTIVAL = "festival", _("まつり・交流会")
    MEETING = "meeting", _("説明会・話し合い")
    OTHER = "other", _("その他")


class AudienceKind(models.TextChoices):
    ELDERLY = "elderly", _("高齢者")
    PARENTING = "parenting", _("子育て")
    DISABILITY = "disability", _("障害のある方")
    FOREIGN_ROOTS = "foreign_roots", _("外国にルーツのある方")
    YOUTH = "youth", _("若者")
    CHILDREN = "children", _("子ども")


class Audience(models.Model):
    """One row per AudienceKind (made by the migration), so that events and articles can name several and be
    filtered by one in SQL on SQLite and PostgreSQL alike."""

    code = models.CharField(_("対象"), max_length=20, choices=AudienceKind.choices, unique=True)

    class Meta:
        verbose_name = _("対象")
        verbose_name_plural = _("対象")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.get_code_display())


def audiences_for(codes) -> list[Audience]:  # noqa: ANN001
    """The Audience rows of these codes (made if missing: a test database flushed by a transactional test)."""
    return [Audience.objects.get_or_create(code=code)[0] for code in codes]


def validate_language_code(value: str) -> None:
    if not LANGUAGE_CODE_RE.match(value):
        raise ValidationError(_("言語コードは「en」「zh-hans」「pt-br」のように小文字で入れてください。"))
    if value == "ja":
        raise ValidationError(_("日本語は本文に書きます。翻訳には日本語以外の言語を選んでください。"))


class Publication(models.Model):
    """What an event and an article share: where, for whom, by whom, the texts, and whether it is public."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+", default=home_municipality_id
    )
    # Empty: the whole ward.
    district = models.ForeignKey(
        District,
        verbose_name=_("地区"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("空欄のときは区全体が対象です。"),
    )
    audiences = models.ManyToManyField(Audience, verbose_name=_("対象"), related_name="+", blank=True)
    title = models.CharField(_("題名"), max_length=150)
    body = models.TextField(_("本文"), blank=True)
    easy_title = models.CharField(_("やさしい日本語の題名"), max_length=150, blank=True)
    easy_body = models.TextField(
        _("やさしい日本語の本文"), blank=True, help_text=_("短い文で、むずかしいことばを使わずに書きます。")
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("主催団体"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    organiser_name = models.CharField(
        _("主催（団体名の自由記入）"),
        max_length=150,
        blank=True,
        help_text=_("登録されていない団体やグループのときに書きます。"),
    )
    contact = models.CharField(_("問い合わせ先"), max_length=200, blank=True)
    is_published = models.BooleanField(_("公開する"), default=False)
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    # Shown until then (an article) or kept in the feeds until then; empty: no end.
    unpublish_at = models.DateTimeField(_("掲載終了日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    @property
    def organiser_label(self) -> str:
        if self.organisation_id and self.organiser_name:
            return f"{self.organisation.name}（{self.organiser_name}）"
        return self.organisation.name if self.organisation_id else self.organiser_name

    def is_public(self, now=None) -> bool:  # noqa: ANN001
        now = now or timezone.now()
        return (
            self.is_published
            and (self.published_at is None or self.published_at <= now)
            and (self.unpublish_at is None or self.unpublish_at > now)
        )


def public_q(now=None) -> Q:  # noqa: ANN001
    """Published, past its publication time and not yet taken down."""
    now = now or timezone.now()
    return (
        Q(is_published=True)
        & (Q(published_at__isnull=True) | Q(published_at__lte=now))
        & (Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now))
    )


class Event(Publication):
    kind = models.CharField(_("種類"), max_length=20, choices=EventKind.choices, default=EventKind.SALON)
    place = models.CharField(_("会場"), max_length=150)
    place_address = models.CharField(_("会場の住所"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("開始日時"))
    ends_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    cost = models.CharField(_("参加費"), max_length=100, blank=True, help_text=_("例：無料、300円（お茶代）"))
    # Empty: no limit. Sign-up through tsunagu is only offered when signups_open.
    capacity = models.PositiveIntegerField(_("定員"), null=True, blank=True)
    signups_open = models.BooleanField(_("tsunagu で申込を受け付ける"), default=False)
    waiting_list = models.BooleanField(_("定員を超えたらキャンセル待ちを受け付ける"), default=True)
    is_cancelled = models.BooleanField(_("中止"), default=False)

    class Meta:
        verbose_name = _("行事")
        verbose_name_plural = _("行事")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("終了日時は開始日時より後にしてください。")})
        if self.signups_open and self.capacity is not None and self.capacity < 1:
            raise ValidationError({"capacity": _("定員は1人以上にしてください（定員なしは空欄）。")})


class Article(Publication):
    class Meta:
        verbose_name = _("お知らせ")
        verbose_name_plural = _("お知らせ")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Translation(models.Model):
    language = models.CharField(_("言語コード"), max_length=15, validators=[validate_language_code])
    title = models.CharField(_("題名"), max_length=200)
    body = models.TextField(_("本文"), blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class EventTranslation(Translation):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="translations")

    class Meta:
        verbose_name = _("行事の翻訳")
        constraints = [models.UniqueConstraint(fields=["event", "language"], name="event_translation_per_language")]


class ArticleTranslation(Translation):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations")

    class Meta:
        verbose_name = _("お知らせの翻訳")
        constraints = [models.UniqueConstraint(fields=["article", "language"], name="article_translation_per_language")]


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("申込済み")
    WAITING = "waiting", _("キャンセル待ち")
    CANCELLED = "cancelled", _("取消し")


def token_digest(token: str) -> str:
    """Only a digest of a cancel token is kept: the table alone cannot cancel anyone's sign-up."""
    return hashlib.sha256(token.encode()).hexdigest()


class Signup(models.Model):
    """A resident's sign-up: personal data when a name or contact is given (tsunagu.events.selectors.signups)."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="signups")
    name = models.CharField(_("お名前"), max_length=100, blank=True)
    contact = models.CharField(_("連絡先（電話またはメール）"), max_length=200, blank=True)
    head_count = models.PositiveSmallIntegerField(
        _("人数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_PARTY)]
    )
    note = models.CharField(_("主催者への連絡事項"), max_length=300, blank=True)
    status = models.CharField(_("状態"), max_length=20, choices=SignupStatus.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("申込日時"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("取消日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("行事の申込")
        verbose_name_plural = _("行事の申込")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(head_count__gte=1) & Q(head_count__lte=MAX_PARTY), name="signup_head_count_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} ({self.head_count})"

    @property
    def is_anonymous(self) -> bool:
        return not self.name and not self.contact
