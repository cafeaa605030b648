"""The synthetic ward's public directory (相談先・居場所): about 80 consultation windows and gathering places across
its 10 小学校区 — the ward office's windows, the 社協, the three care plazas (each for the 小学校区 it serves), the
other consultation centres, a 民生委員 entry per 小学校区 (district and contact route only), salons, 子ども食堂,
cafés, 体操 groups and 空き家 places, and one DV shelter whose location is hidden.

Called by tsunagu.demo.ward.generate_ward for the home ward once its areas and organisations exist. Deterministic
for the seed and the demo's day (its own random stream). Invented names and numbers, plausible at a glance; the
windows' kinds and topics are what a ward's real directory would hold, so the search by need answers as it would.
Most entries were confirmed by a person within the year; a few were not (the staff's 「確認が必要な案内」)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext

from tsunagu.accounts.models import User
from tsunagu.areas.models import District, Municipality, Town
from tsunagu.directory.models import (
    AccessibilityFeature as A,
)
from tsunagu.directory.models import (
    CostKind,
    DirectoryOrganisation,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
)
from tsunagu.directory.models import (
    ServiceKind as K,
)
from tsunagu.directory.models import (
    Topic as T,  # noqa: N817 - short names keep the data table readable
)
from tsunagu.organisations.models import Organisation, OrganisationKind

T_10 = datetime.time(10)
WARD_HOURS = (datetime.time(9, 0), datetime.time(17, 30))
DAYS = ("MO", "TU", "WE", "TH", "FR")


def clear_directory() -> None:
    """Remove the directory (before the towns and organisations it refers to)."""
    Schedule.objects.all().delete()
    ServiceAtLocation.objects.all().delete()
    Service.objects.all().delete()
    Location.objects.all().delete()
    DirectoryOrganisation.objects.all().delete()


class _Builder:
    def __init__(self, *, municipality: Municipality, seed: int, today: datetime.date) -> None:
        # The ward's geography is tsunagu.demo.ward's, which calls this module (imported here, not at the top).
        from tsunagu.demo.ward import _SCHOOLS, CITY_PREFIX, town_centroids

        self.rng = random.Random(f"directory-{seed}")  # noqa: S311 - reproducible demo data
        self.today = today
        self.municipality = municipality
        self.prefix = CITY_PREFIX
        self.schools_spec = _SCHOOLS
        self.centroids = town_centroids()
        self.towns = {t.code[-7:]: t for t in Town.objects.filter(municipality=municipality).order_by("code")}
        self.schools = {
            d.code: d
            for d in District.objects.filter(municipality=municipality, district_type__code="school").order_by("code")
        }
        self.checkers = list(
            User.objects.filter(
                memberships__organisation__municipality=municipality,
                memberships__organisation__kind__in=[OrganisationKind.WARD_WELFARE, OrganisationKind.SHAKYO],
            )
            .distinct()
            .order_by("username")
        )
        self.count = 0

    # -- pieces ---------------------------------------------------------------------------------------------

    def org(
        self, name: str, *, linked: Organisation | None = None, phone: str = "", description: str = ""
    ) -> DirectoryOrganisation:
        return DirectoryOrganisation.objects.create(
            name=name, organisation=linked, phone=phone or (linked.phone if linked else ""), description=description
        )

    def phone(self) -> str:
        return f"06-655{self.rng.randint(1, 5)}-{self.rng.randint(0, 9999):04d}"

    def school_town(self, school_code: str) -> Town:
        spec = next(s for s in self.schools_spec if s[0] == school_code)
        base, chome = self.rng.choice(spec[3])
        return self.towns[f"{base}{chome:03d}"]

    def location(
        self, name: str, town: Town, *, hidden: bool = False, access: tuple[str, ...] = (), **extra: str
    ) -> Location:
        lat, lon = self.centroids[town.code[-7:]]
        lat += self.rng.uniform(-0.0012, 0.0012)
        lon += self.rng.uniform(-0.0012, 0.0012)
        return Location.objects.create(
            name=name,
            town=town,
            address=f"{self.prefix}{town.name}{self.rng.randint(1, 20)}-{self.rng.randint(1, 30)}",
            postal_code=town.postal_code_display,
            latitude=Decimal(f"{lat:.6f}"),
            longitude=Decimal(f"{lon:.6f}"),
            hide_exact_location=hidden,
            accessibility=list(access),
            **extra,
        )

    def checked(self) -> tuple[datetime.date | None, User | None]:
        """Most entries confirmed within the year; about one in eight not for longer, or never."""
        draw = self.rng.random()
        checker = self.rng.choice(self.checkers) if self.checkers else None
        if draw < 0.06:
            return None, None
        if draw < 0.13:
            return self.today - datetime.timedelta(days=self.rng.randint(400, 700)), checker
        return self.today - datetime.timedelta(days=self.rng.randint(3, 330)), checker

    def service(
        self,
        organisation: DirectoryOrganisation,
        kind: str,
        name: str,
        description: str,
        topics: tuple[str, ...],
        *,
        location: Location | None = None,
        schedules: tuple[tuple[str, datetime.time, datetime.time, bool], ...] = (),
        districts: tuple[District, ...] = (),
        cost: tuple[str, str] = (CostKind.FREE, ""),
        **fields: object,
    ) -> Service:
        checked_on, checked_by = self.checked()
        service = Service(
            organisation=organisation,
            kind=kind,
            name=name,
            description=description,
            topics=list(topics),
            cost_kind=cost[0],
            cost_note=cost[1],
            published=True,
            last_checked_on=checked_on,
            last_checked_by=checked_by,
            languages=list(fields.pop("languages", ["ja"])),
            **fields,
        )
        service.refresh_search_key()
        service.save()
        if districts:
            service.service_districts.set(districts)
        if location is not None:
            ServiceAtLocation.objects.create(service=service, location=location)
        for rule, opens, closes, holidays in schedules:
            Schedule.objects.create(
                service=service,
                rrule=rule,
                opens_at=opens,
                closes_at=closes,
                closed_on_holidays=holidays,
                starts_on=datetime.date(self.today.year - 1, 4, 1),
            )
        self.count += 1
        return service

    # -- the directory ----------------------------------------------------------------------------------------

    def build(self) -> int:
        orgs = {o.kind: o for o in Organisation.objects.filter(municipality=self.municipality).order_by("pk")}
        plazas = list(
            Organisation.objects.filter(municipality=self.municipality, kind=OrganisationKind.CARE_PLAZA)
            .prefetch_related("service_districts")
            .order_by("name")
        )
        weekdays = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
        office = (weekdays, *WARD_HOURS, True)
        ward_org = self.org(
            "大正区役所",
            linked=orgs.get(OrganisationKind.WARD_WELFARE),
            description="区民の暮らしを支える区の役所です。",
        )
        ward_town = self.towns.get("0006002") or next(iter(self.towns.values()))
        ward_place = self.location(
            "大正区役所",
            ward_town,
            access=(A.WHEELCHAIR, A.ELEVATOR, A.ACCESSIBLE_TOILET, A.PARKING, A.HEARING_LOOP),
            transportation="大正駅から市バス「大正区役所前」下車すぐ",
        )
        windows = (
            (
                "保健福祉課 福祉の総合相談",
                "どこに相談すればよいかわからない困りごとを、まずお聞きします。担当の窓口におつなぎします。",
                (T.GENERAL, T.ELDERLY, T.DISABILITY, T.MONEY),
            ),
            (
                "保健福祉課 生活支援（生活保護）",
                "生活に困ったときの相談と、生活保護の申請を受け付けます。",
                (T.MONEY, T.HOUSING, T.WORK),
            ),
            (
                "保健福祉課 介護保険",
                "介護保険の申請（要介護認定）や、サービスの利用についての手続きです。",
                (T.CARE, T.ELDERLY),
            ),
            ("保健福祉課 障がい福祉", "障害者手帳、障がい福祉サービスの申請と相談です。", (T.DISABILITY,)),
            (
                "こども相談・子育て支援",
                "子育ての悩み、子どもの不登校やいじめ、発達の心配ごとの相談です。家庭児童相談員がお話を聞きます。",
                (T.CHILD_REARING, T.SCHOOL, T.ABUSE),
            ),
            (
                "こころの健康相談（ひきこもり相談）",
                "ひきこもりやこころの不調について、保健師がご本人やご家族の相談に応じます。",
                (T.HIKIKOMORI, T.DISABILITY, T.HEALTH),
            ),
            (
                "外国人のための相談（やさしい日本語・通訳）",
                "区役所の手続きや暮らしの相談を、やさしい日本語や通訳で受けます。",
                (T.FOREIGN, T.GENERAL),
            ),
        )
        for name, description, topics in windows:
            extra = (
                {"languages": ["ja", "en", "zh", "ko", "vi"], "language_note": "やさしい日本語で話します"}
                if T.FOREIGN in topics
                else {}
            )
            self.service(
                ward_org,
                K.WARD_OFFICE,
                f"大正区役所 {name}",
                description,
                topics,
                location=ward_place,
                schedules=(office,),
                phone=self.phone(),
                phone_note="平日 9:00〜17:30",
                **extra,
            )
        # DV: the consultation window is public, the shelter's address is not.
        dv_org = self.org("大正区配偶者暴力相談（DV相談）")
        self.service(
            dv_org,
            K.WARD_OFFICE,
            "DV相談（配偶者・パートナーからの暴力）",
            "配偶者やパートナーからの暴力に悩む方の相談です。秘密は守ります。必要なときは安全な場所（一時保護）をご案内します。",
            (T.ABUSE,),
            schedules=(office,),
            phone=self.phone(),
            phone_note="平日 9:00〜17:30",
        )
        shelter_town = self.school_town("S06")
        self.service(
            dv_org,
            K.OTHER,
            "女性と子どものための一時避難の場",
            "暴力から逃れてきた女性と子どもが、安全に過ごせる場所です。利用はDV相談の窓口を通してご案内します。",
            (T.ABUSE, T.HOUSING),
            location=self.location("一時避難の場", shelter_town, hidden=True, access=(A.CHILD_FRIENDLY,)),
            how_to_use="DV相談の窓口にお電話ください。場所は直接おたずねいただけません。",
        )

        shakyo = self.org(
            "大正区社会福祉協議会",
            linked=orgs.get(OrganisationKind.SHAKYO),
            description="地域福祉を進める民間の団体です。",
        )
        shakyo_place = self.location(
            "大正区社会福祉協議会", self.towns.get("0001004") or ward_town, access=(A.WHEELCHAIR, A.ACCESSIBLE_TOILET)
        )
        self.service(
            shakyo,
            K.SHAKYO,
            "大正区社会福祉協議会 総合相談",
            "暮らしの困りごと、地域の見守り、ボランティアなど、どんなことでもご相談ください。",
            (T.GENERAL, T.LONELINESS, T.WATCH, T.MONEY),
            location=shakyo_place,
            schedules=(office,),
            phone=self.phone(),
        )
        self.service(
            shakyo,
            K.SELF_RELIANCE,
            "大正区生活自立相談窓口（自立相談支援機関）",
            "仕事や家賃、借金、ひきこもりなど、生活の困りごとを一緒に整理し、支援の計画をつくります。",
            (T.MONEY, T.WORK, T.HOUSING, T.HIKIKOMORI),
            location=shakyo_place,
            schedules=(office,),
            phone=self.phone(),
        )
        self.service(
            shakyo,
            K.GUARDIANSHIP,
            "大正区成年後見支援センター",
            "認知症や障がいでお金の管理や契約が心配な方の、成年後見制度や日常生活自立支援事業の相談です。",
            (T.GUARDIANSHIP, T.DEMENTIA),
            location=shakyo_place,
            schedules=(office,),
            phone=self.phone(),
        )
        disability_org = self.org("大正区障がい者基幹相談支援センター")
        self.service(
            disability_org,
            K.DISABILITY,
            "大正区障がい者基幹相談支援センター",
            "障がいのある方とご家族の暮らしや福祉サービスの相談です。",
            (T.DISABILITY,),
            location=self.location(
                "障がい者基幹相談支援センター",
                self.school_town("S05"),
                access=(A.WHEELCHAIR, A.ACCESSIBLE_TOILET, A.SIGN_LANGUAGE),
            ),
            schedules=(office,),
            phone=self.phone(),
        )
        for number, school in enumerate(("S03", "S08"), start=1):
            hub = self.org(f"子ども・子育てプラザ{number}")
            self.service(
                hub,
                K.CHILDCARE,
                f"子育て支援拠点 ぽかぽかひろば{number}",
                "0〜3歳の子どもと保護者が自由に遊べるひろばです。子育ての相談もできます。",
                (T.CHILD_REARING,),
                location=self.location(
                    f"ぽかぽかひろば{number}", self.school_town(school), access=(A.CHILD_FRIENDLY, A.ACCESSIBLE_TOILET)
                ),
                schedules=(("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA", datetime.time(10, 0), datetime.time(16, 0), True),),
                phone=self.phone(),
            )

        # Care plazas: each serves its 小学校区 (the demo organisations' service districts).
        for plaza in plazas:
            served = tuple(plaza.service_districts.order_by("code"))
            directory_org = self.org(plaza.name, linked=plaza)
            first = served[0].code if served else "S01"
            self.service(
                directory_org,
                K.CARE_PLAZA,
                plaza.name,
                "高齢の方とご家族の総合相談窓口です。介護、認知症、もの忘れ、介護予防、権利擁護の相談に応じます。"
                f"担当：{'、'.join(d.name for d in served)}",
                (T.CARE, T.DEMENTIA, T.ELDERLY, T.HEALTH, T.GUARDIANSHIP),
                location=self.location(
                    plaza.name, self.school_town(first), access=(A.WHEELCHAIR, A.ACCESSIBLE_TOILET, A.PARKING)
                ),
                schedules=(("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA", datetime.time(9, 0), datetime.time(17, 0), True),),
                districts=served,
                phone=plaza.phone or self.phone(),
                phone_note="夜間・休日は留守番電話で受け付けます",
                eligibility="担当地区にお住まいの65歳以上の方とそのご家族",
            )

        # Per 小学校区: the 民生委員 (district and contact route only), salons, 体操, a café or 子ども食堂.
        minsei = self.org("大正区民生委員児童委員協議会", linked=orgs.get(OrganisationKind.MINSEI))
        community = self.org(
            "地域のボランティアグループ（各地域）", description="町会・老人会・ボランティアが運営する集いの場です。"
        )
        salon_days = ("2TU", "1WE", "3TH", "2FR", "4MO", "1TH", "3WE", "2MO", "4TU", "3FR")
        for index, (code, name, _kana, _towns, _branch) in enumerate(self.schools_spec):
            school = self.schools.get(code)
            if school is None:
                continue
            self.service(
                minsei,
                K.COMMISSIONER,
                f"{name}地域の民生委員・児童委員",
                "地域の身近な相談相手です。ひとり暮らしの高齢の方、子育て中の方などの困りごとをお聞きし、必要な窓口につなぎます。"
                "担当の委員は区役所・民生委員児童委員協議会にお問い合わせください（個人の連絡先はここには載せていません）。",
                (T.WATCH, T.ELDERLY, T.CHILD_REARING, T.LONELINESS),
                districts=(school,),
                phone=ward_org.phone or self.phone(),
                phone_note="区役所 保健福祉課が担当の委員におつなぎします",
            )
            hall = self.location(f"{name}会館", self.school_town(code), access=(A.WHEELCHAIR,) if index % 2 else ())
            self.service(
                community,
                K.SALON,
                f"{name}ふれあい喫茶サロン",
                "お茶を飲みながらおしゃべりする集まりです。はじめての方も、おひとりでもどうぞ。",
                (T.LONELINESS, T.ELDERLY),
                location=hall,
                schedules=(
                    (f"FREQ=MONTHLY;BYDAY={salon_days[index]}", datetime.time(13, 30), datetime.time(15, 0), False),
                ),
                cost=(CostKind.PAID, "参加費100円（お茶代）"),
                how_to_use="予約不要。直接会場へお越しください。",
            )
            self.service(
                community,
                K.SALON,
                f"{name}食事会",
                "地域のボランティアが手づくりの昼食を用意する会食会です。",
                (T.LONELINESS, T.FOOD, T.ELDERLY),
                location=hall,
                schedules=(
                    (
                        f"FREQ=MONTHLY;BYDAY={self.rng.choice(('1', '3'))}{self.rng.choice(DAYS)}",
                        datetime.time(11, 30),
                        datetime.time(13, 30),
                        False,
                    ),
                ),
                cost=(CostKind.PAID, "300円"),
                how_to_use="前の週までに会館へお申し込みください。",
                eligibility="おおむね70歳以上の方",
            )
            self.service(
                community,
                K.EXERCISE,
                f"{name}いきいき百歳体操",
                "おもりを使った体操で足腰をきたえる、介護予防の集まりです。",
                (T.HEALTH, T.ELDERLY, T.LONELINESS),
                location=hall,
                schedules=((f"FREQ=WEEKLY;BYDAY={DAYS[index % 5]}", datetime.time(10, 0), datetime.time(11, 0), True),),
            )
            if index % 2 == 0:
                self.service(
                    community,
                    K.KIDS_CAFETERIA,
                    f"{name}こども食堂",
                    "子どもはだれでも無料で食べられる食堂です。保護者や地域の大人もどうぞ。宿題をする場所もあります。",
                    (T.FOOD, T.CHILD_REARING, T.LONELINESS),
                    location=self.location(f"{name}こども食堂", self.school_town(code), access=(A.CHILD_FRIENDLY,)),
                    schedules=(
                        (
                            f"FREQ=MONTHLY;BYDAY=2{DAYS[(index + 2) % 5]},4{DAYS[(index + 2) % 5]}",
                            datetime.time(17, 0),
                            datetime.time(19, 0),
                            False,
                        ),
                    ),
                    cost=(CostKind.PAID, "子ども無料・大人300円"),
                )
            else:
                self.service(
                    community,
                    K.CAFE,
                    f"{name}まちかどカフェ",
                    "だれでも立ち寄れる地域のカフェです。介護や子育ての相談員が来る日もあります。",
                    (T.LONELINESS, T.DEMENTIA),
                    location=self.location(f"{name}まちかどカフェ", self.school_town(code)),
                    schedules=(("FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", datetime.time(13, 0), datetime.time(16, 0), False),),
                    cost=(CostKind.PAID, "飲み物100円"),
                )
            if index % 2 == 1:
                self.service(
                    community, K.SALON, f"{name}子育てサロン",
                    "乳幼児と保護者が集まって遊び、子育ての話ができるサロンです。主任児童委員も来ます。",
                    (T.CHILD_REARING, T.LONELINESS), location=hall,
                    schedules=((f"FREQ=MONTHLY;BYDAY=3{DAYS[index % 5]}", T_10, datetime.time(11, 30), True),),
                )  # fmt: skip
        self.service(
            shakyo, K.SHAKYO, "大正区ボランティア・市民活動センター",
            "ボランティアをしたい方と、ボランティアに来てほしい方をつなぎます。",
            (T.LONELINESS, T.WATCH), location=shakyo_place, schedules=(office,), phone=self.phone(),
        )  # fmt: skip
        for code, name in (("S04", "泉尾"), ("S07", "小林"), ("S09", "南恩加島")):
            self.service(
                community,
                K.VACANT_HOUSE,
                f"{name}の縁側（空き家の居場所）",
                "空き家を地域で手入れした、いつでも立ち寄れる居場所です。子どもの宿題や高齢の方のおしゃべりに。",
                (T.LONELINESS, T.CHILD_REARING),
                location=self.location(f"{name}の縁側", self.school_town(code)),
                schedules=(("FREQ=WEEKLY;BYDAY=MO,WE,FR", datetime.time(13, 0), datetime.time(17, 0), True),),
            )
            self.service(
                community,
                K.KIDS_CAFETERIA,
                f"{name}みんな食堂",
                "子どもからお年寄りまで、みんなで夕ごはんを食べる食堂です。",
                (T.FOOD, T.CHILD_REARING, T.LONELINESS),
                location=self.location(f"{name}みんな食堂", self.school_town(code)),
                schedules=(("FREQ=MONTHLY;BYDAY=-1FR", datetime.time(17, 30), datetime.time(19, 30), False),),
                cost=(CostKind.PAID, "子ども無料・大人300円"),
            )
        return self.count


def generate_directory(
    *, municipality: Municipality, seed: int, today: datetime.date, progress: Callable[[str], None]
) -> int:
    count = _Builder(municipality=municipality, seed=seed, today=today).build()
    progress(gettext("相談先・居場所の案内：{count}件").format(count=count))
    return count
