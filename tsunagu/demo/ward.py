"""The synthetic ward (合成データの区) for `make demo`, screenshots and tests.

Modelled on 大阪市大正区: its real, public 町丁目 names and 10 小学校区, an old inner-city age pyramid, households
with shared surnames and addresses, support needs at realistic shares, and the organisations and agreements of
a ward's community-welfare network. Every resident is invented: names are random combinations from
tsunagu.demo.names, dates, addresses and phone numbers are drawn at random. Nothing comes from a real register.

`generate_ward` is deterministic for a seed and a reference day, and writes everything in one transaction with
bulk inserts (COPY on PostgreSQL): 60,000 residents take well under 10 s of work on SQLite or PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tsunagu.accounts.models import User
from tsunagu.areas.models import District, DistrictType, Municipality, Town, TownDistrict, local_government_check_digit
from tsunagu.areas.services import STANDARD_TYPES
from tsunagu.audit.models import AuditAction, AuditChannel
from tsunagu.audit.services import audit_record
from tsunagu.core.bulk import insert_rows
from tsunagu.core.japanese import kana_search_key, name_search_key
from tsunagu.core.wareki import JST, age_on
from tsunagu.demo.cases import CASE_USERNAMES, clear_cases, generate_cases
from tsunagu.demo.community import clear_community, generate_community
from tsunagu.demo.directory import clear_directory, generate_directory
from tsunagu.demo.disaster import clear_disaster, generate_drill
from tsunagu.demo.events import clear_events, generate_events
from tsunagu.demo.names import (
    FAMILY_NAME_VARIANTS,
    NameTable,
    era_of_birth_year,
    family_name_table,
    foreign_tables,
    given_name_tables,
)
from tsunagu.demo.volunteers import clear_volunteers, generate_volunteers
from tsunagu.demo.watch import clear_watch, generate_watch
from tsunagu.evacuation.models import (
    CandidateKind,
    EvacuationPlan,
    SupporterCandidate,
    SupporterProposal,
)
from tsunagu.organisations.models import (
    Agreement,
    ConsentRequirement,
    DataScope,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from tsunagu.people.models import (
    CareLevel,
    Consent,
    ConsentGivenBy,
    ConsentRequest,
    ConsentState,
    ConsentStatus,
    Household,
    ImportBatch,
    IntellectualGrade,
    Person,
    PhysicalDisabilityType,
    ResidencyEvent,
    ResidencyEventKind,
    ResidentStatus,
    Sex,
)
from tsunagu.people.services.consent_state import refresh_consent_state
from tsunagu.roster.models import Distribution, RosterBuild, RosterEntry, RosterEntryReason, RosterRule, SelfRequest
from tsunagu.roster.services import roster_build, roster_rules_create_defaults
from tsunagu.shelters.models import Shelter

__all__ = [
    "DEFAULT_SIZE",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "MIN_SIZE",
    "SIZE_TOO_SMALL_MESSAGE",
    "SUPERUSER_CLASH_MESSAGE",
    "WARD_NOT_EMPTY_MESSAGE",
    "DemoLogin",
    "WardNotEmptyError",
    "WardSummary",
    "generate_ward",
    "ward_has_data",
]

DEFAULT_SIZE = 60_000
MIN_SIZE = 100
# Demo only: printed by `demo_logins` for the local demo. Production has no generated users.
DEMO_PASSWORD = "tsunagu-demo-2026"  # noqa: S105
EXTRA_USER_PREFIX = "demo_"  # synthetic member users (one per commissioner district and community group)

WARD_NOT_EMPTY_MESSAGE = _(
    "データベースにすでに住民・町丁目・団体のデータがあります。合成データで置き換える場合は --replace を指定して"
    "ください（デモ用のデータベースでのみ使ってください）。"
)
SIZE_TOO_SMALL_MESSAGE = _("人数は100人以上を指定してください。")
SUPERUSER_CLASH_MESSAGE = _("デモ用の利用者名が管理者アカウントで使われているため、合成データを作成できません。")


class WardNotEmptyError(Exception):
    """The database already holds a ward; generating would mix synthetic and real records."""


# ---------------------------------------------------------------------------------------------------------
# The ward's geography: 大正区's real 町丁目 (public place names) grouped into 10 小学校区.

WARD_NAME = "大正区"
CITY_PREFIX = "大阪市大正区"

# 町 (4-digit code, name, ふりがな) as in the 町字ID: a 町丁目's code is the 町 code + the 丁目 number.
_TOWN_BASES: dict[str, tuple[str, str]] = {
    "0001": ("泉尾", "いずお"),
    "0002": ("北恩加島", "きたおかじま"),
    "0003": ("南恩加島", "みなみおかじま"),
    "0004": ("三軒家東", "さんげんやひがし"),
    "0005": ("三軒家西", "さんげんやにし"),
    "0006": ("千島", "ちしま"),
    "0007": ("小林東", "こばやしひがし"),
    "0008": ("小林西", "こばやしにし"),
    "0009": ("平尾", "ひらお"),
    "0010": ("北村", "きたむら"),
    "0011": ("昭和", "しょうわ"),
    "0012": ("船町", "ふなまち"),
    "0013": ("鶴町", "つるまち"),
}
# 郵便番号 per 町 (every 丁目 of a 町 shares it, as Japan Post numbers 町域), printed on the consent letters'
# window-envelope address. 泉尾 (551-0031) and 三軒家東 (551-0002) are Japan Post's; the others are plausible
# 551-00xx numbers for the synthetic ward, not checked against the code list: never post real mail with them.
_POSTAL_CODES: dict[str, str] = {
    "0001": "5510031",
    "0002": "5510033",
    "0003": "5510021",
    "0004": "5510002",
    "0005": "5510001",
    "0006": "5510003",
    "0007": "5510011",
    "0008": "5510013",
    "0009": "5510012",
    "0010": "5510032",
    "0011": "5510034",
    "0012": "5510022",
    "0013": "5510023",
}
_CHOME = ("一", "二", "三", "四", "五", "六", "七")
_CHOME_KANA = (
    "いっちょうめ", "にちょうめ", "さんちょうめ", "よんちょうめ", "ごちょうめ", "ろくちょうめ", "ななちょうめ",
)

# 小学校区 (code, name, ふりがな, towns as (町 code, 丁目), branch code). Towns are in the ward's order.
_SCHOOLS: tuple[tuple[str, str, str, tuple[tuple[str, int], ...], str], ...] = (
    ("S01", "三軒家東", "さんげんやひがし", tuple(("0004", c) for c in range(1, 7)), "B1"),
    ("S02", "三軒家西", "さんげんやにし", (("0005", 1), ("0005", 2), ("0005", 3), ("0001", 1)), "B1"),
    ("S03", "泉尾北", "いずおきた", (("0001", 2), ("0010", 1), ("0010", 2), ("0010", 3)), "B1"),
    ("S04", "泉尾東", "いずおひがし", (("0001", 3), ("0001", 4), ("0006", 1), ("0006", 2)), "B1"),
    ("S05", "中泉尾", "なかいずお", (("0001", 5), ("0001", 6), ("0001", 7), ("0006", 3)), "B2"),
    ("S06", "北恩加島", "きたおかじま", (("0002", 1), ("0002", 2), ("0011", 1), ("0011", 2)), "B2"),
    ("S07", "小林", "こばやし", (("0007", 1), ("0007", 2), ("0007", 3), ("0008", 1), ("0008", 2)), "B2"),
    ("S08", "平尾", "ひらお", tuple(("0009", c) for c in range(1, 6)), "B3"),
    ("S09", "南恩加島", "みなみおかじま", tuple(("0003", c) for c in range(1, 8)), "B3"),
    ("S10", "鶴町", "つるまち", (*(("0013", c) for c in range(1, 6)), ("0012", 1), ("0012", 2)), "B3"),
)
_BRANCHES: tuple[tuple[str, str, str], ...] = (
    ("B1", "北部出張所管内", "ほくぶしゅっちょうじょかんない"),
    ("B2", "中部出張所管内", "ちゅうぶしゅっちょうじょかんない"),
    ("B3", "南部出張所管内", "なんぶしゅっちょうじょかんない"),
)
# Relative number of residents per 町丁目 (1.0 = typical). 船町 is almost all factories and wharves; the
# large 市営住宅 estates make some 丁目 denser.
_TOWN_WEIGHTS: dict[str, float] = {
    "0012001": 0.03, "0012002": 0.02, "0013004": 0.6, "0013005": 0.5, "0003007": 0.4, "0003006": 0.8,
    "0003003": 1.5, "0003004": 1.4, "0006003": 1.3, "0009004": 1.3, "0001003": 1.2, "0004001": 1.2,
    "0002002": 0.7, "0011002": 0.8,
}

# Where the 町丁目 lie: the ward runs from 三軒家 in the north (about 34.676 N) to 鶴町・船町 in the south
# (about 34.643 N) between the 尻無川 and the 木津川 (135.458–135.482 E). Each 小学校区 takes a band from
# north to south in _SCHOOLS' order and its 町丁目 sit side by side from west to east. Invented for the demo,
# plausible at a map's zoom, not surveyed.
_NORTH, _SOUTH, _WEST, _EAST = 34.676, 34.643, 135.458, 135.482
# Persons live within about ±150 m of their 町丁目's centre; a household shares one point (one address).
_JITTER_DEG = 0.0014
SUPPORTER_CANDIDATES = 300
_CANDIDATE_CAPACITIES = ((1, 15), (2, 70), (3, 15))


def town_centroids() -> dict[str, tuple[float, float]]:
    """町丁目 code → (latitude, longitude) of its invented centre."""
    centroids: dict[str, tuple[float, float]] = {}
    band = (_NORTH - _SOUTH) / (len(_SCHOOLS) - 1)
    for number, (_code, _name, _kana, school_towns, _branch) in enumerate(_SCHOOLS):
        for order, (base, chome) in enumerate(school_towns):
            lat = _NORTH - number * band + (band / 4 if order % 2 else -band / 4)
            lon = _WEST + (order + 0.5) / len(school_towns) * (_EAST - _WEST)
            centroids[f"{base}{chome:03d}"] = (round(lat, 6), round(lon, 6))
    return centroids


# The same layers the area import creates, in the same order.
DISTRICT_TYPES: tuple[tuple[str, str, int], ...] = tuple(
    (code, name, order) for order, (code, name) in enumerate(STANDARD_TYPES, start=1)
)

# ---------------------------------------------------------------------------------------------------------
# Population: an old inner-city ward (about 29–30 % aged 65+).

# (first age, last age, share in %). Counts per band are allocated exactly (largest remainder), so the pyramid
# holds at any size, not just on average. Whoever was born in 大正 (before 1926-12-25) is a centenarian by
# now: about 0.1 % of the ward, as in Japan's population, i.e. some 60 people in a ward of 60,000.
_AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (0, 4, 3.0), (5, 9, 3.3), (10, 14, 3.5), (15, 19, 3.9), (20, 24, 5.0), (25, 29, 5.3), (30, 34, 5.2),
    (35, 39, 5.4), (40, 44, 6.0), (45, 49, 7.4), (50, 54, 8.0), (55, 59, 6.6), (60, 64, 5.6), (65, 69, 5.3),
    (70, 74, 7.1), (75, 79, 6.3), (80, 84, 4.9), (85, 89, 3.0), (90, 94, 1.35), (95, 99, 0.45), (100, 107, 0.1),
)
_CENTENARIAN_WEIGHTS = (40, 25, 15, 9, 5, 3, 2, 1)  # ages 100..107
MAX_AGE = 107
# From this size on, every 異体字 surname in names.VARIANT_SPELLINGS appears at least once.
VARIANTS_GUARANTEED_FROM = 2000
_VARIANTS = frozenset(variant for variant, _base, _reading in FAMILY_NAME_VARIANTS)


def _female_share(age: int) -> float:
    # Women outlive men: the very old are mostly women.
    if age < 55:
        return 0.49
    if age < 65:
        return 0.50
    if age < 75:
        return 0.53
    if age < 85:
        return 0.58
    if age < 95:
        return 0.68
    return 0.85


def _home_with_parents(age: int) -> float:
    """Share of each age living as a child in their parents' household (adult children included)."""
    if age < 18:
        return 1.0
    if age < 23:
        return 0.70
    if age < 30:
        return 0.38
    if age < 40:
        return 0.16
    if age < 50:
        return 0.07
    return 0.0


# 要介護認定 among 65+ by age (about 19 % overall), and the spread of the certified over the levels.
_CARE_RATE = ((70, 0.03), (75, 0.065), (80, 0.13), (85, 0.27), (90, 0.48), (95, 0.68), (200, 0.82))
_CARE_LEVELS = tuple(CareLevel)
_CARE_LEVEL_WEIGHTS = (14, 14, 20, 17, 13, 12, 9)
_SECOND_INSURED_CARE_RATE = 0.003  # 40–64 with a 特定疾病

# 身体障害者手帳: type shares and, per type, the grades it can have.
_PHYSICAL_TYPES = (
    (PhysicalDisabilityType.LIMB, 0.45, {1: 15, 2: 17, 3: 18, 4: 30, 5: 12, 6: 8}),
    (PhysicalDisabilityType.INTERNAL, 0.32, {1: 58, 3: 14, 4: 28}),
    (PhysicalDisabilityType.HEARING, 0.11, {2: 20, 3: 15, 4: 25, 6: 40}),
    (PhysicalDisabilityType.VISUAL, 0.08, {1: 30, 2: 30, 3: 8, 4: 8, 5: 14, 6: 10}),
    (PhysicalDisabilityType.SPEECH, 0.04, {3: 55, 4: 45}),
)

_CONSENT_METHODS = (("郵送", 60), ("訪問", 30), ("窓口", 10))
_MOVED_OUT_TO = (
    "大阪市西区", "大阪市港区", "大阪市浪速区", "大阪市住之江区", "堺市", "尼崎市", "東京都江東区", "沖縄県那覇市",
)

# ---------------------------------------------------------------------------------------------------------
# Demo logins


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: str | Promise  # 役割 as shown in the table
    sees: str | Promise  # what the login shows, in a sentence


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "ward",
        "区役所 保健福祉課（デモ）",
        _("区役所職員（福祉）"),
        _("区内の全住民（転出・死亡の記録を含む）"),
    ),
    DemoLogin(
        "ward_clerk",
        "区役所 総務課（デモ）",
        _("区役所職員（総務課）"),
        _("誰も見えません（福祉部門ではないため）"),
    ),
    DemoLogin(
        "bousai",
        "区役所 防災担当（デモ）",
        _("区役所職員（防災担当）"),
        _("平常時は誰も見えません。災害・訓練の間だけ、対象地区の名簿に載っている方（同意の有無によらず）"),
    ),
    DemoLogin(
        "shakyo",
        "区社会福祉協議会（デモ）",
        _("社会福祉協議会"),
        _("区内全域の住民（現住者）"),
    ),
    DemoLogin(
        "careplaza",
        "北部地域包括支援センター（デモ）",
        _("地域包括支援センター"),
        _("担当する4小学校区の住民"),
    ),
    DemoLogin(
        "minsei",
        "民生委員（デモ）",
        _("民生委員・児童委員"),
        _("担当区域（泉尾東第1区）の住民のうち、不同意でない方"),
    ),
    DemoLogin(
        "chonaikai",
        "泉尾東連合振興町会（デモ）",
        _("町会（協定あり）"),
        _("泉尾東小学校区の住民のうち、同意した方"),
    ),
    DemoLogin(
        "chonaikai_expired",
        "鶴町連合振興町会（デモ）",
        _("町会（協定の期限切れ）"),
        _("誰も見えません（協定の期限切れ）"),
    ),
    DemoLogin(
        "npo",
        "NPO法人 たいしょう見守りネット（デモ）",
        _("NPO（協定なし）"),
        _("誰も見えません（協定がないため）"),
    ),
)
DEMO_USERNAMES = tuple(login.username for login in DEMO_LOGINS)

# ---------------------------------------------------------------------------------------------------------
# A city of several wards (--wards N): the home ward (大正区, the settings' municipality) and the next wards of
# 大阪市 by their 全国地方公共団体コード. Each further ward repeats the model ward's geography under its own town
# codes (the ward's code in front), organisations, agreements and logins (demo_w2_ward …); the city adds its
# welfare bureau and crisis management office.

CITY = ("27100", "大阪市", "大阪府大阪市")
CITY_WARDS: tuple[tuple[str, str], ...] = (
    ("27108", "大正区"), ("27107", "港区"), ("27106", "西区"), ("27111", "浪速区"), ("27109", "天王寺区"),
    ("27103", "福島区"), ("27104", "此花区"), ("27102", "都島区"), ("27113", "西淀川区"), ("27114", "東淀川区"),
    ("27115", "東成区"), ("27116", "生野区"), ("27117", "旭区"), ("27118", "城東区"), ("27119", "阿倍野区"),
    ("27120", "住吉区"), ("27121", "東住吉区"), ("27122", "西成区"), ("27123", "淀川区"), ("27124", "鶴見区"),
    ("27125", "住之江区"), ("27126", "平野区"), ("27127", "北区"), ("27128", "中央区"),
)  # fmt: skip
MAX_WARDS = len(CITY_WARDS)
WARDS_RANGE_MESSAGE = _("区の数は1から24までで指定してください。")
CITY_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("city_welfare", "大阪市 福祉局（デモ）", _("市 福祉局"), _("市内すべての区の住民")),
    DemoLogin(
        "city_crisis", "大阪市 危機管理室（デモ）", _("市 危機管理室"), _("平常時は誰も見えません（区ごとの件数のみ）")
    ),
)
CITY_USERNAMES = tuple(login.username for login in CITY_LOGINS)


@dataclass(frozen=True)
class _Ward:
    """One ward of the generated city: the first is the home ward, exactly as a single-ward demo makes it."""

    index: int
    municipality: Municipality

    @property
    def name(self) -> str:
        return self.municipality.name

    @property
    def town_prefix(self) -> str:
        return "" if self.index == 0 else f"{self.municipality.code}-"

    @property
    def user_prefix(self) -> str:
        return "" if self.index == 0 else f"{EXTRA_USER_PREFIX}w{self.index + 1}_"

    @property
    def extra_user_prefix(self) -> str:
        return EXTRA_USER_PREFIX if self.index == 0 else self.user_prefix

    @property
    def number_offset(self) -> int:
        """Added to 世帯番号 and 宛名番号, which are unique across the instance."""
        return self.index * 10_000_000

    def org_name(self, name: str) -> str:
        return name.replace(WARD_NAME, self.name) if self.index else name


def _city_wards(count: int) -> list[_Ward]:
    """The home ward and count - 1 more wards of the city (made when missing)."""
    home = Municipality.home()
    wards = [_Ward(0, home)]
    if count == 1:
        return wards
    city, _created = Municipality.objects.get_or_create(
        code=CITY[0] + str(local_government_check_digit(CITY[0])), defaults={"name": CITY[1], "full_name": CITY[2]}
    )
    if home.parent_id != city.pk:
        home.parent = city
        home.save(update_fields=["parent"])
    for five, name in CITY_WARDS:
        if len(wards) == count:
            break
        code = five + str(local_government_check_digit(five))
        if code == home.code:
            continue
        municipality, _created = Municipality.objects.get_or_create(
            code=code, defaults={"name": name, "full_name": f"{CITY[2]}{name}", "parent": city}
        )
        wards.append(_Ward(len(wards), municipality))
    return wards


# ---------------------------------------------------------------------------------------------------------
# Summary


@dataclass(frozen=True)
class WardSummary:
    seed: int
    size: int
    reference_day: datetime.date
    districts: dict[str, int]  # district type name → count
    towns: int
    households: int
    persons: int
    residents: int
    moved_out: int
    deceased: int
    aged_65_plus: int
    care_certified: int
    physical_disability: int
    intellectual_disability: int
    mental_disability: int
    intractable_disease: int
    lives_alone: int
    consents_agreed: int
    consents_refused: int
    organisations: int
    agreements: int
    users: int
    seconds: float
    replaced: dict[str, int] = field(default_factory=dict)
    wards: int = 1

    def lines(self) -> list[str]:
        """The summary in Japanese, one line per item, for the command's output."""
        lines: list[str] = []
        if self.wards > 1:
            lines.append(gettext("{count}区の市（大阪市がモデル）：以下は全区の合計です。").format(count=self.wards))
        if self.replaced:
            removed = gettext("既存のデータを削除しました：住民 {persons:,}人、団体 {orgs:,}件")
            lines.append(
                removed.format(persons=self.replaced.get("persons", 0), orgs=self.replaced.get("organisations", 0))
            )
        lines += [
            gettext("合成データの区（{ward}をモデル、シード {seed}）を作成しました。").format(
                ward=WARD_NAME, seed=self.seed
            ),
            gettext("地区：{districts}").format(
                districts="、".join(f"{name} {count}" for name, count in self.districts.items())
            ),
            gettext("町丁目：{towns}　世帯：{households:,}").format(towns=self.towns, households=self.households),
            gettext("住民：{residents:,}人（ほかに転出 {moved_out:,}人・死亡 {deceased:,}人の記録）").format(
                residents=self.residents, moved_out=self.moved_out, deceased=self.deceased
            ),
            gettext(
                "65歳以上：{aged:,}人（{share:.1%}）　要支援・要介護認定：{care:,}人　ひとり暮らし：{alone:,}人"
            ).format(
                aged=self.aged_65_plus,
                share=self.aged_65_plus / max(self.residents, 1),
                care=self.care_certified,
                alone=self.lives_alone,
            ),
            gettext(
                "身体障害者手帳：{physical:,}人　療育手帳：{intellectual:,}人　精神障害者保健福祉手帳：{mental:,}人"
                "　難病：{disease:,}人"
            ).format(
                physical=self.physical_disability,
                intellectual=self.intellectual_disability,
                mental=self.mental_disability,
                disease=self.intractable_disease,
            ),
            gettext("名簿提供への同意：同意 {agreed:,}人・不同意 {refused:,}人").format(
                agreed=self.consents_agreed, refused=self.consents_refused
            ),
            gettext("団体：{orgs}　協定：{agreements}　利用者：{users}").format(
                orgs=self.organisations, agreements=self.agreements, users=self.users
            ),
            gettext("所要時間：{seconds:.1f}秒").format(seconds=self.seconds),
        ]
        return lines


# ---------------------------------------------------------------------------------------------------------
# Public entry points


def ward_has_data() -> bool:
    """True when residents, areas, organisations or demo logins already exist."""
    return (
        Person.objects.exists()
        or Town.objects.exists()
        or District.objects.exists()
        or Organisation.objects.exists()
        or User.objects.filter(username__in=(*DEMO_USERNAMES, *CITY_USERNAMES)).exists()
    )


def generate_ward(
    *,
    size: int = DEFAULT_SIZE,
    seed: int = 1,
    stdout: TextIO | None = None,
    replace: bool = False,
    today: datetime.date | None = None,
    wards: int = 1,
) -> WardSummary:
    """Create a synthetic ward of ``size`` registered persons, or a city of ``wards`` such wards (each of
    ``size``; builds, organisations and logins per ward, plus the city's). Deterministic for (seed, today).

    Refuses (WardNotEmptyError) when the database already holds a ward, unless ``replace``: then residents,
    households, areas, organisations, agreements and the demo users are deleted first, in the same transaction.
    The audit log is append-only and is left as it is; one IMPORT entry records the generation."""
    if size < MIN_SIZE:
        raise ValueError(str(SIZE_TOO_SMALL_MESSAGE))
    if not 1 <= wards <= MAX_WARDS:
        raise ValueError(str(WARDS_RANGE_MESSAGE))
    started = time.perf_counter()
    reference_day = today or timezone.localdate()

    def progress(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    with transaction.atomic():
        if User.objects.filter(username__in=(*DEMO_USERNAMES, *CITY_USERNAMES), is_superuser=True).exists():
            raise WardNotEmptyError(str(SUPERUSER_CLASH_MESSAGE))
        replaced: dict[str, int] = {}
        if ward_has_data():
            if not replace:
                raise WardNotEmptyError(str(WARD_NOT_EMPTY_MESSAGE))
            progress(gettext("既存の住民・地区・団体のデータを削除しています…"))
            replaced = _clear_ward()
        city = _city_wards(wards)
        summaries = []
        for ward in city:
            if len(city) > 1:
                progress(gettext("{ward}を作成しています…").format(ward=ward.name))
            builder = _WardBuilder(size=size, seed=seed + ward.index, today=reference_day, progress=progress, ward=ward)
            summaries.append(builder.build(replaced=replaced, started=started))
        summary = summaries[0] if len(city) == 1 else _city_summary(summaries, started)
        if len(city) > 1:
            _city_logins(city[0].municipality.parent)
        _create_shelters()
        generate_directory(municipality=city[0].municipality, seed=seed, today=reference_day, progress=progress)
        roster_rules_create_defaults()
        for ward in city:
            roster = roster_build(day=reference_day, municipality_id=ward.municipality.pk)
            progress(
                gettext("避難行動要支援者名簿（第{number}版）：{count:,}人").format(
                    number=roster.number, count=roster.person_count
                )
            )
            generate_watch(
                municipality=ward.municipality,
                seed=seed + ward.index,
                today=reference_day,
                user_prefix=ward.extra_user_prefix,
                progress=progress,
            )
            generate_drill(
                municipality=ward.municipality,
                today=reference_day,
                declared_by=User.objects.get(username=f"{ward.user_prefix}bousai"),
                progress=progress,
            )
            generate_events(
                municipality=ward.municipality, seed=seed + ward.index, today=reference_day, progress=progress
            )
            if ward.index == 0:  # the home ward, whose demo logins have no prefix
                generate_cases(municipality=ward.municipality, seed=seed, today=reference_day, progress=progress)
                generate_community(
                    municipality=ward.municipality, seed=seed, today=reference_day, progress=progress
                )
                generate_volunteers(
                    municipality=ward.municipality, seed=seed, today=reference_day, progress=progress
                )
        audit_record(
            actor=None,
            action=AuditAction.IMPORT,
            target_type="demo_ward",
            channel=AuditChannel.CLI,
            username="generate_ward",
            detail={
                "synthetic": True,
                "seed": seed,
                "size": size,
                "reference_day": reference_day.isoformat(),
                "persons": summary.persons,
                "households": summary.households,
                "replaced": replaced,
                "wards": [ward.municipality.code for ward in city],
            },
        )
    return summary


def _city_summary(summaries: list[WardSummary], started: float) -> WardSummary:
    """The city's summary: every count summed over its wards."""
    first = summaries[0]
    totals = {
        name: sum(getattr(s, name) for s in summaries)
        for name, value in vars(first).items()
        if isinstance(value, int) and name not in ("seed", "size", "wards")
    }
    districts: Counter[str] = Counter()
    for s in summaries:
        districts.update(s.districts)
    totals["users"] += len(CITY_LOGINS)
    totals["organisations"] += len(CITY_LOGINS)
    return dataclasses.replace(
        first, **totals, districts=dict(districts), seconds=time.perf_counter() - started, wards=len(summaries)
    )


def _city_logins(city: Municipality) -> None:
    """The city's welfare bureau (every ward's residents) and crisis management office (no one in normal
    times), one login each."""
    password = make_password(DEMO_PASSWORD)
    started_on = datetime.date(timezone.localdate().year - 1, 4, 1)
    kinds = {"city_welfare": OrganisationKind.CITY_WELFARE, "city_crisis": OrganisationKind.CITY_CRISIS}
    for login in CITY_LOGINS:
        organisation = Organisation.objects.create(
            name=login.display_name.removesuffix("（デモ）"), kind=kinds[login.username], municipality=city
        )
        user = User.objects.create(username=login.username, display_name=login.display_name, password=password)
        Membership.objects.create(
            user=user, organisation=organisation, role=MembershipRole.STAFF, started_on=started_on
        )


def _create_shelters() -> None:
    """One synthetic 指定緊急避難場所 per 小学校区 (its school, at the district's middle), two of them marked
    福祉避難所, so the demo's maps and plans have shelters to show and choose. Real wards import theirs."""
    centroids = town_centroids()
    shelters = []
    for number, (code, name, _kana, school_towns, _branch) in enumerate(_SCHOOLS, start=1):
        points = [centroids[f"{base}{chome:03d}"] for base, chome in school_towns]
        lat = sum(p[0] for p in points) / len(points)
        lon = sum(p[1] for p in points) / len(points)
        shelters.append(
            Shelter(
                code=f"demo-{code}",
                name=f"{name}小学校",
                address=f"大阪市大正区（合成データ）{number}",
                latitude=Decimal(f"{lat:.6f}"),
                longitude=Decimal(f"{lon:.6f}"),
                hazard_flood=True,
                hazard_earthquake=True,
                hazard_tsunami=number % 2 == 0,
                hazard_fire=True,
                is_designated_shelter=True,
                is_welfare_shelter=number <= 2,
                capacity=600 + 50 * number,
            )
        )
    Shelter.objects.bulk_create(shelters, ignore_conflicts=True)


def _clear_ward() -> dict[str, int]:
    """Delete what a generated (or imported) ward consists of, dependants first. Audit entries stay."""
    persons = Person.objects.count()
    organisations = Organisation.objects.count()
    clear_community()  # forums name districts, organisations and users (PROTECT)
    clear_cases()  # cases refer to persons, organisations, users and escalations (PROTECT)
    clear_watch()  # watch-over records refer to persons, organisations and users (PROTECT)
    clear_directory()  # the directory's places refer to towns (PROTECT)
    clear_disaster()  # so do disaster events and safety reports
    clear_events()  # events and articles name districts and organisations
    clear_volunteers()  # volunteers and needs name districts, towns and persons
    for model in (RosterEntryReason, RosterEntry, Distribution, RosterBuild, SelfRequest, RosterRule):
        model.objects.all().delete()
    ConsentState.objects.all().delete()  # derived from the consents below, which it names (PROTECT)
    Consent.objects.all().delete()  # before the letters its replies name (PROTECT)
    ConsentRequest.objects.all().delete()
    ResidencyEvent.objects.all().delete()
    # Matching proposals and plans refer to persons and candidates (PROTECT): they go first.
    SupporterProposal.objects.all().delete()
    EvacuationPlan.objects.all().delete()
    Shelter.objects.filter(code__startswith="demo-").delete()
    SupporterCandidate.objects.all().delete()
    _delete_all(Person)
    _delete_all(Household)
    ImportBatch.objects.all().delete()
    Agreement.objects.all().delete()
    Membership.objects.all().delete()
    Organisation.objects.all().delete()
    TownDistrict.objects.all().delete()
    Town.objects.all().delete()
    District.objects.all().delete()
    demo_usernames = (*DEMO_USERNAMES, *CITY_USERNAMES, *CASE_USERNAMES)
    demo_users = Q(username__in=demo_usernames) | Q(username__startswith=EXTRA_USER_PREFIX)
    User.objects.filter(demo_users, is_superuser=False).delete()
    return {"persons": persons, "organisations": organisations}


def _delete_all(model: type[Model]) -> None:
    """Delete every row of ``model``: one DELETE statement when no row elsewhere can refer to them (the ORM's
    collector would load all 60,000 persons first, ~10 s), else the ORM's delete with its cascades and PROTECT."""
    relations = model._meta.related_objects
    if any(rel.many_to_many or rel.related_model._default_manager.exists() for rel in relations):
        model._default_manager.all().delete()
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608 - model's table


# ---------------------------------------------------------------------------------------------------------
# The builder


_PERSON_COLUMNS = (
    "resident_number", "family_name", "given_name", "family_name_kana", "given_name_kana", "name_key", "kana_key",
    "birth_date", "sex", "town", "address", "address_extra", "phone", "household", "status", "status_changed_on",
    "care_level", "physical_disability_type", "physical_disability_grade", "intellectual_disability_grade",
    "mental_disability_grade", "intractable_disease", "lives_alone", "elderly_only_household", "created_at",
    "updated_at", "latitude", "longitude",
)
_CONSENT_COLUMNS = ("person", "scope", "status", "recipient_kinds", "given_by", "method", "decided_on", "recorded_at")
_ROSTER = DataScope.ROSTER.value


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def _fiscal_year_start(day: datetime.date) -> datetime.date:
    """First day of the Japanese fiscal year (年度, from 1 April) that contains ``day``."""
    return datetime.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def _largest_remainder(total: int, shares: list[float]) -> list[int]:
    exact = [total * share / sum(shares) for share in shares]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(shares)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _weighted(rng: random.Random, items: tuple, weights: tuple) -> object:
    return rng.choices(items, weights=weights, k=1)[0]


class _Resident:
    """A person before it becomes a Person row."""

    __slots__ = (
        "age", "alone", "birth", "care", "consent", "family", "family_kana", "given", "given_kana", "household",
        "intellectual", "intractable", "mental", "phone", "physical_grade", "physical_type", "registered_on",
        "sex", "status", "status_on",
    )

    def __init__(self, age: int, sex: str) -> None:
        self.age = age
        self.sex = sex


@dataclass
class _Home:
    """A household before it becomes rows: its members and where they live."""

    members: list[int]
    town: int = 0
    address: str = ""
    address_extra: str = ""
    landline: str = ""
    moved_in_on: datetime.date | None = None
    moved_within_on: datetime.date | None = None
    moved_from: str = ""
    latitude: str = ""  # decimal text with six places, as the column holds it
    longitude: str = ""


class _AgePool:
    """Unplaced persons by (sex, age), for drawing a partner, a parent or a sibling of a fitting age."""

    def __init__(self, rng: random.Random, residents: list[_Resident], indices: list[int], taken: bytearray) -> None:
        self.rng = rng
        self.taken = taken
        self.by_key: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i in indices:  # indices arrive shuffled, so popping from the end is a random draw
            self.by_key[(residents[i].sex, residents[i].age)].append(i)

    def _pop(self, key: tuple[str, int]) -> int | None:
        bucket = self.by_key.get(key)
        while bucket:
            i = bucket.pop()
            if not self.taken[i]:
                self.taken[i] = 1
                return i
        return None

    def take(self, lo: int, hi: int, sex: str | None = None) -> int | None:
        lo, hi = max(lo, 0), min(hi, MAX_AGE)
        if lo > hi:
            return None
        sexes = (sex,) if sex else (Sex.FEMALE, Sex.MALE)
        for _attempt in range(6):
            found = self._pop((self.rng.choice(sexes), self.rng.randint(lo, hi)))
            if found is not None:
                return found
        keys = [(s, a) for s in sexes for a in range(lo, hi + 1) if self.by_key.get((s, a))]
        self.rng.shuffle(keys)
        for key in keys:
            found = self._pop(key)
            if found is not None:
                return found
        return None


class _WardBuilder:
    def __init__(
        self, *, size: int, seed: int, today: datetime.date, progress, ward: _Ward | None = None  # noqa: ANN001
    ) -> None:
        self.ward = ward or _Ward(0, Municipality.home())
        self.size = size
        self.seed = seed
        self.today = today
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self.progress = progress
        self.family_names: NameTable = family_name_table()
        self.given_names = given_name_tables()
        self.foreign = foreign_tables()
        self.fy_start = _fiscal_year_start(today)

    # -- entry ---------------------------------------------------------------------------------------------

    def build(self, *, replaced: dict[str, int], started: float) -> WardSummary:
        self.progress(gettext("町丁目と地区を作成しています…"))
        district_types, districts, towns = self._areas()
        self.progress(gettext("住民と世帯を作成しています（{size:,}人）…").format(size=self.size))
        residents = self._residents()
        homes = self._households(residents)
        self._place_homes(homes, residents, towns)
        self._locate_homes(homes, towns)
        self._name_and_date(homes, residents)
        self._support_needs(residents)
        self._status_changes(residents)
        self._consents(residents)
        persons = self._write_people(homes, residents, towns)
        self.progress(gettext("団体・協定・利用者を作成しています…"))
        orgs, agreements, users = self._organisations(districts, towns)
        self._supporter_candidates(towns)

        counts = Counter()
        for r in residents:
            counts[r.status] += 1
            if r.status != ResidentStatus.RESIDENT:
                continue
            counts["65+"] += age_on(r.birth, self.today) >= 65
            counts["care"] += bool(r.care)
            counts["physical"] += r.physical_grade is not None
            counts["intellectual"] += bool(r.intellectual)
            counts["mental"] += r.mental is not None
            counts["intractable"] += r.intractable
            counts[f"consent_{r.consent}"] += 1
        counts["alone"] = sum(
            1
            for home in homes
            if len(home.members) == 1 and residents[home.members[0]].status == ResidentStatus.RESIDENT
        )
        return WardSummary(
            seed=self.seed,
            size=self.size,
            reference_day=self.today,
            districts={t.name: len(districts[t.code]) for t in district_types},
            towns=len(towns),
            households=len(homes),
            persons=persons,
            residents=counts[ResidentStatus.RESIDENT],
            moved_out=counts[ResidentStatus.MOVED_OUT],
            deceased=counts[ResidentStatus.DECEASED],
            aged_65_plus=counts["65+"],
            care_certified=counts["care"],
            physical_disability=counts["physical"],
            intellectual_disability=counts["intellectual"],
            mental_disability=counts["mental"],
            intractable_disease=counts["intractable"],
            lives_alone=counts["alone"],
            consents_agreed=counts[f"consent_{ConsentStatus.AGREED}"],
            consents_refused=counts[f"consent_{ConsentStatus.REFUSED}"],
            organisations=orgs,
            agreements=agreements,
            users=users,
            seconds=time.perf_counter() - started,
            replaced=replaced,
        )

    # -- areas ---------------------------------------------------------------------------------------------

    def _code(self, town: Town) -> str:
        """The model ward's town code (weights, centroids) of a town of this ward."""
        return town.code.removeprefix(self.ward.town_prefix)

    def _areas(self) -> tuple[list[DistrictType], dict[str, list[District]], list[Town]]:
        district_types = []
        for code, name, order in DISTRICT_TYPES:
            district_type, _created = DistrictType.objects.get_or_create(
                code=code, defaults={"name": name, "sort_order": order}
            )
            district_types.append(district_type)
        by_code = {t.code: t for t in district_types}

        towns: list[Town] = []
        for _code, _name, _kana, school_towns, _branch in _SCHOOLS:
            for base, chome in school_towns:
                base_name, base_kana = _TOWN_BASES[base]
                towns.append(
                    Town(
                        municipality=self.ward.municipality,
                        code=f"{self.ward.town_prefix}{base}{chome:03d}",
                        name=f"{base_name}{_CHOME[chome - 1]}丁目",
                        name_kana=base_kana + _CHOME_KANA[chome - 1],
                        postal_code=_POSTAL_CODES[base],
                    )
                )
        towns.sort(key=lambda t: t.code)
        Town.objects.bulk_create(towns)
        town_by_code = {self._code(t): t for t in towns}

        districts: dict[str, list[District]] = {code: [] for code, _n, _o in DISTRICT_TYPES}
        members: list[tuple[District, list[Town]]] = []
        for code, name, kana in _BRANCHES:
            district = District(district_type=by_code["branch_office"], code=code, name=name, name_kana=kana)
            districts["branch_office"].append(district)
            towns_in = [town_by_code[f"{b}{c:03d}"] for s in _SCHOOLS if s[4] == code for b, c in s[3]]
            members.append((district, towns_in))
        for number, (code, name, kana, school_towns, _branch) in enumerate(_SCHOOLS, start=1):
            towns_in = [town_by_code[f"{b}{c:03d}"] for b, c in school_towns]
            school = District(district_type=by_code["school"], code=code, name=f"{name}小学校区", name_kana=kana)
            federation = District(
                district_type=by_code["association_federation"],
                code=f"F{number:02d}",
                name=f"{name}連合振興町会",
                name_kana=f"{kana}れんごうしんこうちょうかい",
            )
            districts["school"].append(school)
            districts["association_federation"].append(federation)
            members += [(school, towns_in), (federation, towns_in)]
            # 民生委員担当区域: one per 町丁目 of the 小学校区 (the finest unit the register knows).
            for n, town in enumerate(towns_in, start=1):
                area = District(
                    district_type=by_code["minsei"],
                    code=f"M{number:02d}{n:02d}",
                    name=f"{name}第{n}区",
                    name_kana=f"{kana}だい{n}く",
                )
                districts["minsei"].append(area)
                members.append((area, [town]))
        for district, _towns in members:
            district.municipality = self.ward.municipality
        District.objects.bulk_create([d for d, _towns in members])
        TownDistrict.objects.bulk_create(
            [
                TownDistrict(town=town, district=district, district_type_id=district.district_type_id)
                for district, towns_in in members
                for town in towns_in
            ]
        )
        return district_types, districts, towns

    # -- people --------------------------------------------------------------------------------------------

    def _residents(self) -> list[_Resident]:
        rng = self.rng
        counts = _largest_remainder(self.size, [share for _lo, _hi, share in _AGE_BANDS])
        ages: list[int] = []
        for (lo, hi, _share), count in zip(_AGE_BANDS, counts, strict=True):
            if lo >= 100:
                ages += rng.choices(range(lo, hi + 1), weights=_CENTENARIAN_WEIGHTS, k=count)
            else:
                ages += [rng.randint(lo, hi) for _ in range(count)]
        rng.shuffle(ages)
        return [_Resident(age, Sex.FEMALE if rng.random() < _female_share(age) else Sex.MALE) for age in ages]

    def _households(self, residents: list[_Resident]) -> list[_Home]:
        """Group persons into households: families with (possibly adult) children first, then the elderly
        (alone, as a couple or with an adult child), then the remaining adults."""
        rng = self.rng
        taken = bytearray(len(residents))
        order = list(range(len(residents)))
        rng.shuffle(order)
        dependant_ids = [i for i in order if rng.random() < _home_with_parents(residents[i].age)]
        dependant_set = set(dependant_ids)
        adult_ids = [i for i in order if i not in dependant_set]
        dependants = _AgePool(rng, residents, dependant_ids, taken)
        adults = _AgePool(rng, residents, adult_ids, taken)
        homes: list[_Home] = []

        def opposite(i: int) -> str:
            return Sex.MALE if residents[i].sex == Sex.FEMALE else Sex.FEMALE

        def partner_of(i: int) -> int | None:
            age = residents[i].age
            # Husbands tend to be a little older than their wives.
            lo, hi = (age - 2, age + 7) if residents[i].sex == Sex.FEMALE else (age - 7, age + 2)
            return adults.take(lo, hi, opposite(i))

        for first in dependant_ids:
            if taken[first]:
                continue
            taken[first] = 1
            children = [first]
            age = residents[first].age
            siblings = _weighted(rng, (0, 1, 2, 3), (40, 43, 15, 2))
            for _sibling in range(siblings):
                sibling = dependants.take(age - 6, age + 6)
                if sibling is not None:
                    children.append(sibling)
            oldest = max(residents[i].age for i in children)
            parents: list[int] = []
            mother_age = oldest + rng.randint(23, 37)
            mother = adults.take(mother_age - 1, mother_age + 1, Sex.FEMALE)
            if mother is None:  # (index 0 is a valid person: no `or` here)
                mother = adults.take(oldest + 18, oldest + 45, Sex.FEMALE)
            if mother is not None and rng.random() < 0.12:  # ひとり親世帯
                parents.append(mother)
            else:
                if mother is not None:
                    parents.append(mother)
                father = partner_of(mother) if mother is not None else adults.take(oldest + 20, oldest + 50, Sex.MALE)
                if father is not None:
                    parents.append(father)
            if not parents:
                anyone = adults.take(oldest + 18, oldest + 55)
                if anyone is not None:
                    parents.append(anyone)
            if parents and rng.random() < 0.07:  # 三世代同居
                eldest = max(residents[i].age for i in parents)
                grandparent = adults.take(eldest + 22, eldest + 38)
                if grandparent is not None:
                    parents.append(grandparent)
            homes.append(_Home(parents + children))

        elderly_first = [i for i in adult_ids if residents[i].age >= 65] + [
            i for i in adult_ids if residents[i].age < 65
        ]
        for anchor in elderly_first:
            if taken[anchor]:
                continue
            taken[anchor] = 1
            age = residents[anchor].age
            roll = rng.random()
            members = [anchor]
            if age >= 65:
                if roll < 0.40:
                    pass  # ひとり暮らし
                elif roll < 0.80:
                    partner = partner_of(anchor)
                    if partner is not None:
                        members.append(partner)
                else:  # with an adult child (and the spouse, half of the time)
                    if rng.random() < 0.5:
                        partner = partner_of(anchor)
                        if partner is not None:
                            members.append(partner)
                    child = adults.take(age - 40, age - 24)
                    if child is not None:
                        members.append(child)
            elif roll < 0.57:
                pass  # 単身
            else:
                partner = partner_of(anchor)
                if partner is not None:
                    members.append(partner)
                if roll > 0.92:  # a third adult: a sibling, a parent under 65 or a lodger
                    other = adults.take(age - 8, age + 30)
                    if other is not None:
                        members.append(other)
            homes.append(_Home(members))
        rng.shuffle(homes)
        return homes

    def _place_homes(self, homes: list[_Home], residents: list[_Resident], towns: list[Town]) -> None:
        rng = self.rng
        weights = [_TOWN_WEIGHTS.get(self._code(t), 1.0) for t in towns]
        buildings: dict[int, list[tuple[str, str, int]]] = {}
        earliest = datetime.date(1967, 11, 10)  # 住民基本台帳法 came into force
        latest = self.today - datetime.timedelta(days=60)
        town_indices = rng.choices(range(len(towns)), weights=weights, k=len(homes))
        for home, town_index in zip(homes, town_indices, strict=True):
            home.town = town_index
            ages = [residents[i].age for i in home.members]
            if rng.random() < 0.55:
                if town_index not in buildings:
                    buildings[town_index] = self._buildings(towns[town_index], weights[town_index])
                name, address, floors = rng.choice(buildings[town_index])
                home.address = address
                room = rng.randint(1, floors) * 100 + rng.randint(1, 8) if floors > 1 else rng.randint(1, 8)
                home.address_extra = f"{name} {room}号"
            else:
                home.address = f"{rng.randint(1, 24)}-{rng.randint(1, 30)}"
            has_elderly = max(ages) >= 65
            if rng.random() < (0.8 if has_elderly else 0.35):
                home.landline = f"06-655{rng.randint(1, 5)}-{rng.randint(0, 9999):04d}"
            # Moved into the ward as an adult: the oldest member's adult life bounds the date.
            adult_years = max(max(ages) - 18, 0)
            moved_in = self.today - datetime.timedelta(days=int(rng.uniform(60, 60 + 365.25 * min(adult_years, 58))))
            home.moved_in_on = min(max(moved_in, earliest), latest)
            if rng.random() < 0.03:  # 区内転居
                days_ago = rng.randint(30, 5 * 365)
                home.moved_within_on = max(self.today - datetime.timedelta(days=days_ago), home.moved_in_on)
                other = towns[rng.choices(range(len(towns)), weights=weights, k=1)[0]]
                home.moved_from = f"{other.name}{rng.randint(1, 24)}-{rng.randint(1, 30)}"

    def _locate_homes(self, homes: list[_Home], towns: list[Town]) -> None:
        """Give each household a point near its 町丁目's centre. A separate random stream, so adding places
        left every other generated value as it was."""
        rng = random.Random(self.seed * 7919 + 17)  # noqa: S311 - reproducible demo data
        centroids = town_centroids()
        for home in homes:
            lat, lon = centroids[self._code(towns[home.town])]
            home.latitude = f"{lat + rng.uniform(-_JITTER_DEG, _JITTER_DEG):.6f}"
            home.longitude = f"{lon + rng.uniform(-_JITTER_DEG, _JITTER_DEG) * 1.2:.6f}"

    def _supporter_candidates(self, towns: list[Town]) -> None:
        """Registered volunteers and neighbours who can help people evacuate, spread over the residential
        町丁目 like the residents, each able to help 1–3 persons (mostly 2)."""
        rng = random.Random(self.seed * 7919 + 29)  # noqa: S311 - reproducible demo data
        centroids = town_centroids()
        weights = [_TOWN_WEIGHTS.get(self._code(t), 1.0) for t in towns]
        capacities, capacity_weights = zip(*_CANDIDATE_CAPACITIES, strict=True)
        candidates = []
        for _n in range(SUPPORTER_CANDIDATES):
            town = rng.choices(towns, weights=weights, k=1)[0]
            lat, lon = centroids[self._code(town)]
            family, family_kana = self.family_names.pick(rng)
            male, female = era_of_birth_year(self.given_names, rng.randint(1950, 2000))
            given, given_kana = (female if rng.random() < 0.55 else male).pick(rng)
            candidates.append(
                SupporterCandidate(
                    kind=CandidateKind.VOLUNTEER if rng.random() < 0.4 else CandidateKind.NEIGHBOUR,
                    name=f"{family}\u3000{given}",
                    name_kana=f"{family_kana}\u3000{given_kana}",
                    address=f"{self.ward.org_name(CITY_PREFIX)}{town.name}{rng.randint(1, 24)}-{rng.randint(1, 30)}",
                    phone=f"{rng.choice(('090', '080', '070'))}-{rng.randint(1000, 9999)}-{rng.randint(0, 9999):04d}",
                    latitude=f"{lat + rng.uniform(-_JITTER_DEG, _JITTER_DEG):.6f}",
                    longitude=f"{lon + rng.uniform(-_JITTER_DEG, _JITTER_DEG) * 1.2:.6f}",
                    capacity=_weighted(rng, capacities, capacity_weights),
                )
            )
        SupporterCandidate.objects.bulk_create(candidates)

    def _buildings(self, town: Town, weight: float) -> list[tuple[str, str, int]]:
        """A town's apartment buildings: (name, 番地, floors). Names are generic, not real buildings."""
        rng = self.rng
        base = town.name.removesuffix("丁目").rstrip("一二三四五六七")
        base = base[:-1] if base.endswith(("東", "西")) and len(base) > 2 else base
        patterns = (
            "{base}ハイツ", "メゾン{base}", "コーポ{base}", "サンハイム{base}", "グランドール{base}",
            "{base}第{n}マンション", "リバーサイド{base}", "大正ハイツ", "大正パレス", "ベイコート{base}",
        )
        result: list[tuple[str, str, int]] = []
        for n in range(1, 3 + round(weight * 5)):
            roll = rng.random()
            address = f"{rng.randint(1, 24)}-{rng.randint(1, 30)}"
            if roll < 0.2:
                result.append((f"市営{base}住宅{n}号館", address, rng.randint(5, 11)))
            elif roll < 0.32:
                family, _kana = self.family_names.pick(rng)
                result.append((f"{family}荘", address, 1))
            else:
                name = rng.choice(patterns).format(base=base, n=n)
                result.append((name, address, rng.randint(3, 14)))
        return result

    def _name_and_date(self, homes: list[_Home], residents: list[_Resident]) -> None:
        rng = self.rng
        today = self.today
        families: list[tuple[str, str, tuple[NameTable, NameTable, NameTable] | None]] = []
        for home in homes:
            oldest = max(residents[i].age for i in home.members)
            if oldest < 50 and rng.random() < 0.05:
                foreign = self.foreign[0] if rng.random() < 0.6 else self.foreign[1]
                families.append((*foreign[0].pick(rng), foreign))
            else:
                families.append((*self.family_names.pick(rng), None))
        if self.size >= VARIANTS_GUARANTEED_FROM:
            self._ensure_variant_spellings(families)
        for number, (home, (family, family_kana, foreign)) in enumerate(zip(homes, families, strict=True)):
            for i in home.members:
                r = residents[i]
                r.household = number
                r.alone = len(home.members) == 1
                r.family, r.family_kana = family, family_kana
                newest = _years_before(today, r.age)
                oldest_birth = _years_before(today, r.age + 1) + datetime.timedelta(days=1)
                r.birth = oldest_birth + datetime.timedelta(days=rng.randint(0, (newest - oldest_birth).days))
                if r.birth >= today:
                    r.birth = today - datetime.timedelta(days=1)
                if foreign is not None:
                    table = foreign[1] if r.sex == Sex.MALE else foreign[2]
                else:
                    male, female = era_of_birth_year(self.given_names, r.birth.year)
                    table = male if r.sex == Sex.MALE else female
                r.given, r.given_kana = table.pick(rng)
                r.registered_on = max(r.birth, home.moved_in_on)
                r.phone = self._phone(r.age, home.landline)

    def _ensure_variant_spellings(self, families: list[tuple[str, str, object]]) -> None:
        """At their natural share (1–3 % of the base spelling) a small ward may lack 髙橋 or 山﨑 altogether; the
        demo and the tests rely on seeing them, so a household with the base spelling takes the variant."""
        present = {family for family, _kana, _foreign in families}
        for variant, base, reading in FAMILY_NAME_VARIANTS:
            if variant in present:
                continue
            candidates = [n for n, (family, _k, _f) in enumerate(families) if family == base] or [
                n for n, (family, _k, foreign) in enumerate(families) if foreign is None and family not in _VARIANTS
            ]
            if candidates:
                families[self.rng.choice(candidates)] = (variant, reading, None)
                present.add(variant)

    def _phone(self, age: int, landline: str) -> str:
        rng = self.rng
        if age < 13:
            return ""
        mobile_share = 0.5 if age < 18 else 0.9 if age < 65 else 0.6 if age < 75 else 0.3
        if rng.random() < mobile_share:
            return f"{rng.choice(('090', '080', '070'))}-{rng.randint(1000, 9999)}-{rng.randint(0, 9999):04d}"
        return landline

    def _support_needs(self, residents: list[_Resident]) -> None:
        rng = self.rng
        for r in residents:
            age = r.age
            r.care = ""
            care_rate = next(rate for limit, rate in _CARE_RATE if age < limit) if age >= 65 else 0.0
            if 40 <= age < 65:
                care_rate = _SECOND_INSURED_CARE_RATE
            if rng.random() < care_rate:
                r.care = _weighted(rng, _CARE_LEVELS, _CARE_LEVEL_WEIGHTS)

            r.physical_type, r.physical_grade = "", None
            physical_rate = (
                0.005 if age < 18 else 0.01 if age < 40 else 0.025 if age < 65 else 0.055 if age < 75 else 0.085
            )
            if rng.random() < physical_rate:
                kind, _share, grades = _weighted(rng, _PHYSICAL_TYPES, tuple(t[1] for t in _PHYSICAL_TYPES))
                r.physical_type = kind
                r.physical_grade = _weighted(rng, tuple(grades), tuple(grades.values()))

            r.intellectual = ""
            if rng.random() < (0.012 if age < 18 else 0.010 if age < 65 else 0.003):
                r.intellectual = IntellectualGrade.A if rng.random() < 0.4 else IntellectualGrade.B

            r.mental = None
            if rng.random() < (0.001 if age < 18 else 0.014 if age < 65 else 0.006):
                r.mental = _weighted(rng, (1, 2, 3), (10, 60, 30))

            r.intractable = rng.random() < (0.003 if age < 40 else 0.007 if age < 65 else 0.012)

    def _status_changes(self, residents: list[_Resident]) -> None:
        """A few residents moved out or died in the last two years; their records are kept."""
        rng = self.rng
        for r in residents:
            r.status, r.status_on = ResidentStatus.RESIDENT, None
            age = r.age
            death_rate = (
                0.001 if age < 65 else 0.008 if age < 75 else 0.025 if age < 85 else 0.07 if age < 95 else 0.15
            )
            move_rate = 0.002 if age < 18 else 0.02 if age < 40 else 0.004  # children move with their family
            roll = rng.random()
            if roll < death_rate:
                r.status = ResidentStatus.DECEASED
            elif roll < death_rate + move_rate:
                r.status = ResidentStatus.MOVED_OUT
            if r.status != ResidentStatus.RESIDENT:
                start = max(r.registered_on, self.today - datetime.timedelta(days=730)) + datetime.timedelta(days=1)
                span = max((self.today - start).days - 1, 0)
                r.status_on = min(start + datetime.timedelta(days=rng.randint(0, span)), self.today)

    def _consents(self, residents: list[_Resident]) -> None:
        """Consent to the roster for residents who would be on a 避難行動要支援者名簿: about 60 % agreed, 10 %
        refused, the rest have not answered (no row)."""
        rng = self.rng
        for r in residents:
            r.consent = ""
            if r.status != ResidentStatus.RESIDENT:
                continue
            candidate = (
                (r.age >= 65 and r.care)
                or r.physical_grade in (1, 2)
                or r.intellectual == IntellectualGrade.A
                or r.mental == 1
                or (r.age >= 75 and r.alone)
            )
            if not candidate:
                continue
            roll = rng.random()
            if roll < 0.6:
                r.consent = ConsentStatus.AGREED
            elif roll < 0.7:
                r.consent = ConsentStatus.REFUSED

    def _write_people(self, homes: list[_Home], residents: list[_Resident], towns: list[Town]) -> int:
        """Insert households, persons, their residency events and consents; returns the number of persons.

        These four tables hold almost all rows, so they are written as plain tuples (tsunagu.core.bulk): the
        ORM's bulk_create spends ~20 µs per value preparing fields, 40 s for this ward on a modest machine."""
        rng = self.rng
        today = self.today
        now = timezone.now()
        later = now + datetime.timedelta(seconds=1)

        first_household = 800000001 + self.ward.number_offset
        insert_rows(Household, ("number",), [(f"{first_household + n}",) for n in range(len(homes))])
        household_ids = dict(Household.objects.values_list("number", "id"))

        # The keys fold character by character, so the key of family + given equals the keys of the parts joined
        # (the tests check it on every row); caching the parts saves seconds on a full-size ward.
        name_key = functools.cache(name_search_key)
        kana_key = functools.cache(kana_search_key)
        person_rows = []
        for number, home in enumerate(homes):
            all_elderly = all(residents[i].age >= 65 for i in home.members)
            town_id = towns[home.town].pk
            household_id = household_ids[f"{first_household + number}"]
            for i in home.members:
                r = residents[i]
                person_rows.append(
                    (
                        f"{1000000001 + self.ward.number_offset + i}", r.family, r.given, r.family_kana, r.given_kana,
                        name_key(r.family) + name_key(r.given), kana_key(r.family_kana) + kana_key(r.given_kana),
                        r.birth, str(r.sex), town_id, home.address, home.address_extra, r.phone, household_id,
                        str(r.status), r.status_on, str(r.care), str(r.physical_type), r.physical_grade,
                        str(r.intellectual), r.mental, r.intractable, r.alone, all_elderly, now, now,
                        home.latitude, home.longitude,
                    )
                )
        insert_rows(Person, _PERSON_COLUMNS, person_rows)
        person_ids = dict(Person.objects.values_list("resident_number", "id"))

        no_details: dict = {}
        events: list[tuple] = []
        consents: list[tuple] = []
        withdrawals: list[tuple] = []
        consent_start = min(datetime.date(2024, 1, 1), today - datetime.timedelta(days=2))
        consent_end = min(datetime.date(2026, 12, 31), today - datetime.timedelta(days=1))
        consent_span = (consent_end - consent_start).days
        methods, method_weights = zip(*_CONSENT_METHODS, strict=True)
        for home in homes:
            for i in home.members:
                r = residents[i]
                person_id = person_ids[f"{1000000001 + self.ward.number_offset + i}"]
                events.append((person_id, ResidencyEventKind.REGISTERED.value, r.registered_on, no_details, now))
                if (
                    home.moved_within_on is not None
                    and r.registered_on < home.moved_within_on
                    and (r.status_on is None or home.moved_within_on < r.status_on)
                ):
                    moved = {"from": home.moved_from, "to": f"{towns[home.town].name}{home.address}"}
                    kind = ResidencyEventKind.MOVED_WITHIN.value
                    events.append((person_id, kind, home.moved_within_on, moved, now))
                if r.status == ResidentStatus.MOVED_OUT:
                    moved = {"to": rng.choice(_MOVED_OUT_TO)}
                    kind = ResidencyEventKind.MOVED_OUT.value
                    events.append((person_id, kind, r.status_on, moved, now))
                elif r.status == ResidentStatus.DECEASED:
                    events.append((person_id, ResidencyEventKind.DIED.value, r.status_on, no_details, now))
                if not r.consent:
                    continue
                decided = max(consent_start + datetime.timedelta(days=rng.randint(0, consent_span)), r.registered_on)
                given_by = ConsentGivenBy.SELF
                if r.care in (CareLevel.CARE_4, CareLevel.CARE_5) or r.intellectual == IntellectualGrade.A:
                    given_by = _weighted(rng, tuple(ConsentGivenBy), (40, 50, 10))
                # Some agree to a 民生委員 only, not to the 町会: the policy must then keep them from the 町会.
                kinds = "|minsei|" if r.consent == ConsentStatus.AGREED and rng.random() < 0.08 else ""
                method = _weighted(rng, methods, method_weights)
                consents.append(
                    (person_id, _ROSTER, str(r.consent), kinds, str(given_by), method, decided, now)
                )
                if r.consent == ConsentStatus.AGREED and decided < consent_end and rng.random() < 0.03:
                    withdrawn_on = decided + datetime.timedelta(days=rng.randint(1, (consent_end - decided).days))
                    withdrawals.append(
                        (
                            person_id, _ROSTER, ConsentStatus.WITHDRAWN.value, "", str(given_by),
                            "窓口", withdrawn_on, later,
                        )
                    )
                    r.consent = ConsentStatus.WITHDRAWN
        insert_rows(ResidencyEvent, ("person", "kind", "occurred_on", "details", "recorded_at"), events)
        # Withdrawals go in after the first decisions: later recorded_at and higher id, so they are in force.
        insert_rows(Consent, _CONSENT_COLUMNS, consents)
        insert_rows(Consent, _CONSENT_COLUMNS, withdrawals)
        refresh_consent_state()  # the state the policy joins, from the history just written: one statement
        return len(person_rows)

    # -- organisations, agreements, users ---------------------------------------------------------------------

    def _organisations(self, districts: dict[str, list[District]], towns: list[Town]) -> tuple[int, int, int]:
        rng = self.rng
        schools = districts["school"]
        school = {d.code: d for d in schools}
        commissioner_areas = districts["minsei"]

        residential = [t for t in towns if _TOWN_WEIGHTS.get(self._code(t), 1.0) >= 0.5]  # offices not in 船町

        def address() -> str:
            town = rng.choice(residential)
            return f"{self.ward.org_name(CITY_PREFIX)}{town.name}{rng.randint(1, 24)}-{rng.randint(1, 30)}"

        def phone() -> str:
            return f"06-655{rng.randint(1, 5)}-{rng.randint(0, 9999):04d}"

        def org(name: str, kind: str) -> Organisation:
            return Organisation(
                name=self.ward.org_name(name),
                kind=kind,
                address=address(),
                phone=phone(),
                municipality=self.ward.municipality,
            )

        ward_office = org("大正区役所 保健福祉課", OrganisationKind.WARD_WELFARE)
        general_affairs = org("大正区役所 総務課", OrganisationKind.WARD_OTHER)
        # Those who reach people in a disaster: they see no one until an event is declared (tsunagu/disaster).
        responders = [
            org("大正区役所 市民協働課（防災担当）", OrganisationKind.WARD_DISASTER),
            org("大正消防署", OrganisationKind.FIRE),
            org("大正警察署", OrganisationKind.POLICE),
        ]
        shakyo = org("大正区社会福祉協議会", OrganisationKind.SHAKYO)
        care_plazas = [
            (org("大正区北部地域包括支援センター", OrganisationKind.CARE_PLAZA), ("S01", "S02", "S03", "S04")),
            (org("大正区中部地域包括支援センター", OrganisationKind.CARE_PLAZA), ("S05", "S06", "S07")),
            (org("大正区南部地域包括支援センター", OrganisationKind.CARE_PLAZA), ("S08", "S09", "S10")),
        ]
        minsei = org("大正区民生委員児童委員協議会", OrganisationKind.MINSEI)
        associations = [
            (org(f"{d.name.removesuffix('小学校区')}連合振興町会", OrganisationKind.NEIGHBOURHOOD), d) for d in schools
        ]
        disaster = [
            (org("三軒家東地域自主防災会", OrganisationKind.DISASTER), school["S01"]),
            (org("小林地域自主防災会", OrganisationKind.DISASTER), school["S07"]),
            (org("南恩加島自主防災会", OrganisationKind.DISASTER), school["S09"]),
        ]
        npo = org("NPO法人 たいしょう見守りネット", OrganisationKind.NPO)
        kitchen = org("こども食堂 つるまちキッチン", OrganisationKind.NPO)
        organisations = [
            ward_office, general_affairs, shakyo, *(o for o, _s in care_plazas), minsei,
            *(o for o, _d in associations), *(o for o, _d in disaster), npo, kitchen, *responders,
        ]
        Organisation.objects.bulk_create(organisations)
        shakyo.service_districts.set(schools)
        for plaza, codes in care_plazas:
            plaza.service_districts.set([school[c] for c in codes])

        # Agreements: current ones run for three fiscal years (e.g. 2024-04-01 to 2027-03-31).
        valid_from = datetime.date(self.fy_start.year - 2, 4, 1)
        valid_to = datetime.date(self.fy_start.year + 1, 3, 31)
        expired_from = datetime.date(self.fy_start.year - 5, 4, 1)
        expired_to = datetime.date(self.fy_start.year - 2, 3, 31)
        revoked_at = datetime.datetime.combine(
            self.today - datetime.timedelta(days=45), datetime.time(10, 0), tzinfo=JST
        )
        reference = iter(range(101, 200))

        def agreement(organisation: Organisation, **kwargs: object) -> Agreement:
            start = kwargs.pop("valid_from", valid_from)
            return Agreement(
                organisation=organisation,
                valid_from=start,
                valid_to=kwargs.pop("valid_to", valid_to),
                signed_on=start - datetime.timedelta(days=10),
                document_reference=f"大正福第{next(reference)}号",
                **kwargs,
            )

        # The 民児協 agreement names the 担当区域 as well as the 小学校区: the policy narrows a membership by
        # intersecting district ids, so a commissioner narrowed to a 担当区域 needs that district in the agreement.
        agreements: list[tuple[Agreement, list[District]]] = [
            (
                agreement(
                    minsei,
                    data_scopes=[DataScope.ROSTER, DataScope.WATCH],
                    consent_requirement=ConsentRequirement.OPT_OUT,
                ),
                [*schools, *commissioner_areas],
            )
        ]
        expired_code, revoked_code = "S10", "S08"  # 鶴町: lapsed; 平尾: revoked
        for association, district in associations:
            extra: dict[str, object] = {}
            if district.code == expired_code:
                extra = {"valid_from": expired_from, "valid_to": expired_to}
            elif district.code == revoked_code:
                extra = {"revoked_at": revoked_at, "revoked_reason": "名簿の管理体制を見直すため、町会の申出により解除"}
            agreements.append(
                (
                    agreement(
                        association,
                        data_scopes=[DataScope.ROSTER],
                        consent_requirement=ConsentRequirement.REQUIRED,
                        **extra,
                    ),
                    [district],
                )
            )
        for group, district in disaster:
            agreements.append(
                (
                    agreement(
                        group,
                        title="避難行動要支援者名簿の提供に関する協定",
                        data_scopes=[DataScope.ROSTER],
                        consent_requirement=ConsentRequirement.REQUIRED,
                    ),
                    [district],
                )
            )
        Agreement.objects.bulk_create([a for a, _d in agreements])
        for a, covered in agreements:
            a.districts.set(covered)

        # Users: the demo logins, then one commissioner per 担当区域 and one manager per community group.
        password = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 per user would take seconds
        started_on = datetime.date(self.fy_start.year - 1, 4, 1)
        association_by_code = {d.code: a for a, d in associations}
        first_area = next(a for a in commissioner_areas if a.code.startswith("M04"))  # 泉尾東第1区
        login_orgs: dict[str, tuple[Organisation, str, list[District]]] = {
            "ward": (ward_office, MembershipRole.STAFF, []),
            "ward_clerk": (general_affairs, MembershipRole.STAFF, []),
            "bousai": (responders[0], MembershipRole.STAFF, []),
            "shakyo": (shakyo, MembershipRole.STAFF, []),
            "careplaza": (care_plazas[0][0], MembershipRole.STAFF, []),
            "minsei": (minsei, MembershipRole.COMMISSIONER, [first_area]),
            "chonaikai": (association_by_code["S04"], MembershipRole.MANAGER, []),
            "chonaikai_expired": (association_by_code[expired_code], MembershipRole.MANAGER, []),
            "npo": (npo, MembershipRole.MEMBER, []),
        }
        users: list[User] = []
        memberships: list[tuple[Membership, list[District]]] = []
        for login in DEMO_LOGINS:
            user = User(
                username=f"{self.ward.user_prefix}{login.username}",
                display_name=self.ward.org_name(login.display_name),
                password=password,
            )
            users.append(user)
            organisation, role, narrowed = login_orgs[login.username]
            membership = Membership(user=user, organisation=organisation, role=role, started_on=started_on)
            memberships.append((membership, narrowed))
        for area in commissioner_areas:
            if area.pk == first_area.pk:
                continue
            family, _k = self.family_names.pick(rng)
            male, female = era_of_birth_year(self.given_names, 1955)  # commissioners are mostly in their 60s-70s
            given, _k = (female if rng.random() < 0.6 else male).pick(rng)
            user = User(
                username=f"{self.ward.extra_user_prefix}minsei_{area.code.lower()}",
                display_name=f"{family} {given}（民生委員・{area.name}）",
                password=password,
            )
            users.append(user)
            role = MembershipRole.COMMISSIONER
            memberships.append(
                (Membership(user=user, organisation=minsei, role=role, started_on=started_on), [area])
            )
        for number, (group, _district) in enumerate([*associations, *disaster], start=1):
            if group in (association_by_code["S04"], association_by_code[expired_code]):
                continue
            family, _k = self.family_names.pick(rng)
            user = User(
                username=f"{self.ward.extra_user_prefix}group_{number:02d}",
                display_name=f"{family}（{group.name}）",
                password=password,
            )
            users.append(user)
            memberships.append(
                (Membership(user=user, organisation=group, role=MembershipRole.MANAGER, started_on=started_on), [])
            )
        User.objects.bulk_create(users)  # sets the pks the memberships below refer to
        Membership.objects.bulk_create([m for m, _n in memberships])
        through = Membership.districts.through
        through.objects.bulk_create(
            [through(membership_id=m.pk, district_id=d.pk) for m, narrowed in memberships for d in narrowed]
        )
        return len(organisations), len(agreements), len(users)
