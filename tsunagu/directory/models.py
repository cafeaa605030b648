"""The public directory (相談先一覧・居場所マップ): consultation windows and gathering places of the ward, where they
are, when they are open, and who last confirmed them. Nothing here is personal data: a 民生委員 entry names the
district and the contact route, never the person (docs/directory.md).

Every row carries a UUID (`uuid`): the id of the Open Referral HSDS export and of the public addresses, so that a
printed QR code keeps working and the export never reveals how many rows the database holds."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.japanese import kana_search_key, name_search_key
from tsunagu.directory import schedules


class ServiceKind(models.TextChoices):
    # Consultation windows (相談窓口)
    WARD_OFFICE = "ward_office", _("区役所の窓口")
    SHAKYO = "shakyo", _("社会福祉協議会")
    CARE_PLAZA = "care_plaza", _("地域包括支援センター・ケアプラザ")
    DISABILITY = "disability", _("障害者相談")
    CHILDCARE = "childcare", _("子育て支援拠点")
    SELF_RELIANCE = "self_reliance", _("自立相談支援機関（生活の困りごと）")
    GUARDIANSHIP = "guardianship", _("成年後見センター")
    COMMISSIONER = "commissioner", _("民生委員・児童委員")
    # Gathering places (居場所)
    SALON = "salon", _("サロン")
    KIDS_CAFETERIA = "kids_cafeteria", _("子ども食堂")
    CAFE = "cafe", _("カフェ")
    EXERCISE = "exercise", _("体操・健康づくり")
    VACANT_HOUSE = "vacant_house", _("空き家の居場所")
    OTHER = "other", _("その他")


WINDOW_KINDS = (
    ServiceKind.WARD_OFFICE,
    ServiceKind.SHAKYO,
    ServiceKind.CARE_PLAZA,
    ServiceKind.DISABILITY,
    ServiceKind.CHILDCARE,
    ServiceKind.SELF_RELIANCE,
    ServiceKind.GUARDIANSHIP,
    ServiceKind.COMMISSIONER,
)
PLACE_KINDS = (
    ServiceKind.SALON,
    ServiceKind.KIDS_CAFETERIA,
    ServiceKind.CAFE,
    ServiceKind.EXERCISE,
    ServiceKind.VACANT_HOUSE,
    ServiceKind.OTHER,
)
KIND_ORDER = {kind: order for order, kind in enumerate((*WINDOW_KINDS, *PLACE_KINDS))}


class Topic(models.TextChoices):
    """What an entry answers: the tags the need vocabulary (tsunagu.directory.vocabulary) maps plain words onto."""

    GENERAL = "general", _("なんでも相談（総合相談）")
    MONEY = "money", _("お金・生活の困りごと")
    WORK = "work", _("仕事")
    HOUSING = "housing", _("住まい")
    CARE = "care", _("介護")
    DEMENTIA = "dementia", _("認知症")
    ELDERLY = "elderly", _("高齢者の暮らし")
    DISABILITY = "disability", _("障害")
    CHILD_REARING = "child_rearing", _("子育て")
    SCHOOL = "school", _("不登校・学校生活")
    HIKIKOMORI = "hikikomori", _("ひきこもり")
    GUARDIANSHIP = "guardianship", _("成年後見・お金の管理")
    HEALTH = "health", _("健康づくり・介護予防")
    LONELINESS = "loneliness", _("ひとりぼっち・話し相手")
    FOOD = "food", _("食事")
    ABUSE = "abuse", _("DV・虐待")
    FOREIGN = "foreign", _("外国にルーツのある方")
    WATCH = "watch", _("見守り・近所の心配ごと")


class CostKind(models.TextChoices):
    FREE = "free", _("無料")
    PAID = "paid", _("有料")


class ServiceStatus(models.TextChoices):
    """The HSDS service statuses; only active entries are shown to the public."""

    ACTIVE = "active", _("実施中")
    TEMPORARILY_CLOSED = "temporarily closed", _("休止中")
    INACTIVE = "inactive", _("終了")


class AccessibilityFeature(models.TextChoices):
    WHEELCHAIR = "wheelchair", _("車いすで入れます")
    ELEVATOR = "elevator", _("エレベーターがあります")
    ACCESSIBLE_TOILET = "accessible_toilet", _("多目的トイレがあります")
    PARKING = "parking", _("駐車場があります")
    HEARING_LOOP = "hearing_loop", _("ヒアリングループ・筆談に対応します")
    SIGN_LANGUAGE = "sign_language", _("手話通訳を頼めます（要予約）")
    BRAILLE = "braille", _("点字の案内があります")
    CHILD_FRIENDLY = "child_friendly", _("子ども連れで利用できます")


class Language(models.TextChoices):
    """ISO 639-1 codes, as HSDS languages carry them; やさしい日本語 is Japanese, told apart in the note."""

    JA = "ja", _("日本語")
    EN = "en", _("英語")
    ZH = "zh", _("中国語")
    KO = "ko", _("韓国語")
    VI = "vi", _("ベトナム語")
    NE = "ne", _("ネパール語")
    TL = "tl", _("タガログ語")
    PT = "pt", _("ポルトガル語")


class DirectoryOrganisation(models.Model):
    """Who runs entries: the ward's sections, the 社協, a care plaza, an NPO, a group of residents."""

    uuid = models.UUIDField(_("公開ID"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("システム上の団体"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_entries",
        help_text=_("つなぐを使っている団体のとき、その団体。"),
    )
    name = models.CharField(_("名称"), max_length=150)
    description = models.TextField(_("団体の紹介"), blank=True)
    url = models.URLField(_("ホームページ"), blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("案内の運営団体")
        verbose_name_plural = _("案内の運営団体")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """Where a window or place is. `hide_exact_location` (a DV shelter, a place run in someone's home): the public
    pages, the map, the printed list and the HSDS export show only its district, never the address, the 町丁目 or
    the coordinates (tsunagu.directory.selectors.public_location is the one place that decides it)."""

    uuid = models.UUIDField(_("公開ID"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        DirectoryOrganisation,
        verbose_name=_("運営団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
    )
    name = models.CharField(_("場所の名前"), max_length=150)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("所在地"), max_length=200, blank=True, help_text=_("例：大阪市大正区千島2-7-95"))
    latitude = models.DecimalField(
        _("緯度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("経度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # The 町丁目 places the location in every district layer (小学校区, 出張所管内 …) through areas.TownDistrict.
    town = models.ForeignKey(
        "areas.Town",
        verbose_name=_("町丁目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directory_locations",
    )
    hide_exact_location = models.BooleanField(
        _("所在地を公開しない"),
        default=False,
        help_text=_("DVシェルターなど。公開の画面・地図・印刷・データ提供では地区だけを示します。"),
    )
    transportation = models.CharField(_("交通"), max_length=200, blank=True, help_text=_("例：大正駅から徒歩5分"))
    accessibility = models.JSONField(_("バリアフリー"), default=list, blank=True)
    accessibility_note = models.CharField(_("バリアフリーの補足"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("場所")
        verbose_name_plural = _("場所")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = set(self.accessibility or []) - set(AccessibilityFeature.values)
        if unknown:
            raise ValidationError({"accessibility": _("バリアフリーの項目が正しくありません。")})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("緯度と経度は両方入力するか、両方空にしてください。"))

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def accessibility_labels(self) -> list[str]:
        return [str(AccessibilityFeature(code).label) for code in self.accessibility if code in AccessibilityFeature]


COMMISSIONER_LOCATION_MESSAGE = _(
    "民生委員・児童委員の案内には場所を登録できません（自宅を公開しないため）。地区と連絡方法だけを登録してください。"
)


class Service(models.Model):
    """One consultation window or gathering place as the public sees it."""

    uuid = models.UUIDField(_("公開ID"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        DirectoryOrganisation, verbose_name=_("運営団体"), on_delete=models.PROTECT, related_name="services"
    )
    kind = models.CharField(_("種類"), max_length=20, choices=ServiceKind.choices)
    name = models.CharField(_("名称"), max_length=150)
    name_kana = models.CharField(_("ふりがな"), max_length=200, blank=True)
    description = models.TextField(_("内容"), help_text=_("どんなことを相談できるか、どんな場所かを、やさしい言葉で。"))
    topics = models.JSONField(_("相談できること"), default=list, blank=True)
    eligibility = models.CharField(
        _("対象"), max_length=300, blank=True, help_text=_("例：区内にお住まいの65歳以上の方とその家族")
    )
    how_to_use = models.CharField(
        _("利用のしかた"), max_length=300, blank=True, help_text=_("例：予約不要。電話でも相談できます。")
    )
    cost_kind = models.CharField(_("費用"), max_length=10, choices=CostKind.choices, default=CostKind.FREE)
    cost_note = models.CharField(_("費用の補足"), max_length=200, blank=True, help_text=_("例：参加費100円（お茶代）"))
    languages = models.JSONField(_("対応できる言語"), default=list, blank=True)
    language_note = models.CharField(
        _("言語の補足"), max_length=200, blank=True, help_text=_("例：やさしい日本語で話します")
    )
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    phone_note = models.CharField(_("電話の補足"), max_length=100, blank=True, help_text=_("例：平日 9:00〜17:30"))
    fax = models.CharField(_("FAX"), max_length=30, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    url = models.URLField(_("ホームページ"), blank=True)
    locations = models.ManyToManyField(
        Location, through="ServiceAtLocation", verbose_name=_("場所"), related_name="services", blank=True
    )
    service_districts = models.ManyToManyField(
        "areas.District",
        verbose_name=_("担当地区"),
        related_name="directory_services",
        blank=True,
        help_text=_("担当する地区（地域包括支援センターの担当区域など）。空なら区内全域。"),
    )
    status = models.CharField(_("状態"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    published = models.BooleanField(_("公開する"), default=False)
    last_checked_on = models.DateField(_("最終確認日"), null=True, blank=True)
    last_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("確認した人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新した人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Folded name, kana, description and organisation (kana, 異体字, width): what the full-text search reads.
    search_key = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("相談先・居場所")
        verbose_name_plural = _("相談先・居場所")
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["published", "status", "kind"], name="directory_service_public")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_window(self) -> bool:
        return self.kind in WINDOW_KINDS

    def clean(self) -> None:
        errors = {}
        if set(self.topics or []) - set(Topic.values):
            errors["topics"] = _("相談できることの項目が正しくありません。")
        if set(self.languages or []) - set(Language.values):
            errors["languages"] = _("言語の項目が正しくありません。")
        if errors:
            raise ValidationError(errors)

    def topic_labels(self) -> list[str]:
        return [str(Topic(code).label) for code in self.topics if code in Topic]

    def language_labels(self) -> list[str]:
        return [str(Language(code).label) for code in self.languages if code in Language]

    def refresh_search_key(self) -> None:
        self.search_key = search_fold(
            " ".join((self.name, self.name_kana, self.description, self.organisation.name, self.get_kind_display()))
        )


def search_fold(text: str) -> str:
    """The one folding of directory search: NFKC, 異体字, no spaces, lower-case, then hiragana → katakana with small
    kana and separators folded (tsunagu.core.japanese), so 「ひきこもり」 finds 「ヒキコモリ」 and 「髙齢」 「高齢」."""
    return kana_search_key(name_search_key(text))


class ServiceAtLocation(models.Model):
    """A service delivered at a location (HSDS service_at_location)."""

    uuid = models.UUIDField(_("公開ID"), default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="service_at_locations")

    class Meta:
        verbose_name = _("実施場所")
        verbose_name_plural = _("実施場所")
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="directory_service_location_once")]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class Schedule(models.Model):
    """When a service is open, as an RFC 5545 recurrence rule (WEEKLY or MONTHLY, as HSDS 3 allows) with opening
    and closing times. Rendered in natural Japanese and expanded into the next dates by tsunagu.directory.schedules
    (python-dateutil's rrule)."""

    uuid = models.UUIDField(_("公開ID"), default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    rrule = models.CharField(
        _("繰り返し（RRULE）"),
        max_length=200,
        help_text=_("例：FREQ=MONTHLY;BYDAY=2TU（毎月第2火曜）、FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR（平日）"),
    )
    opens_at = models.TimeField(_("開始時刻"))
    closes_at = models.TimeField(_("終了時刻"))
    starts_on = models.DateField(
        _("初回の日"), default=datetime.date.today, help_text=_("隔週・隔月の起点にもなります。")
    )
    ends_on = models.DateField(_("最終日"), null=True, blank=True)
    closed_on_holidays = models.BooleanField(_("祝日・年末年始は休み"), default=False)
    note = models.CharField(_("補足"), max_length=200, blank=True, help_text=_("例：8月は休み"))

    class Meta:
        verbose_name = _("開設日時")
        verbose_name_plural = _("開設日時")
        ordering = ["service", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="schedule_times_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.describe()

    def clean(self) -> None:
        try:
            schedules.parse_recurrence(self.rrule or "")
        except schedules.RecurrenceError as error:
            raise ValidationError({"rrule": str(error)}) from None
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("終了時刻は開始時刻より後にしてください。")})
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("最終日は初回の日より後にしてください。")})

    def describe(self) -> str:
        return schedules.describe(
            rrule=self.rrule,
            opens_at=self.opens_at,
            closes_at=self.closes_at,
            starts_on=self.starts_on,
            closed_on_holidays=self.closed_on_holidays,
        )

    def next_dates(self, *, after: datetime.date, count: int = 3) -> list[datetime.date]:
        return schedules.next_dates(
            rrule=self.rrule,
            opens_at=self.opens_at,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            closed_on_holidays=self.closed_on_holidays,
            after=after,
            count=count,
        )
