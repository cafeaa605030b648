"""The small ward and the named personas every test speaks of.

Every resident below is listed in the current roster build.

District A (小学校区): towns A1, A2.  District B: town B1.
- ward_officer        区役所 福祉課 staff: the whole ward
- ward_clerk          区役所 総務課 (not welfare): nobody
- shakyo_coordinator  区社協, serves district A
- care_plaza_worker   地域包括支援センター, serves district B
- commissioner        民児協 member; the 民児協 agreement covers A and B (opt-out consent), the commissioner's
                      担当区域 narrows it to B
- association_member  町会 with an agreement for district A (consent required)
- unagreed_member     町会 without any agreement: nobody
- outsider            signed in, no membership: nobody
"""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from tsunagu.areas.models import Municipality
from tsunagu.organisations.models import ConsentRequirement, MembershipRole, OrganisationKind
from tsunagu.people.models import ConsentStatus
from tsunagu.roster.models import RosterBuild, RosterEntry
from tsunagu.roster.services import entry_of
from tsunagu.testing.factories import (
    AgreementFactory,
    ConsentFactory,
    DistrictFactory,
    DistrictTypeFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TownFactory,
    UserFactory,
)
from tsunagu.testing.factories.areas import MunicipalityFactory, municipality_code


def list_on_roster(persons, *, number=1, municipality=None):
    """A roster build listing exactly these persons, made directly (the build service, tested on its own in
    tsunagu/roster/tests, would also write an audit entry that tests of "nothing was logged" would see).
    The build is the home ward's unless `municipality` names another."""
    ward = {"municipality": municipality} if municipality is not None else {}
    build = RosterBuild.objects.create(
        number=number,
        built_at=timezone.now(),
        reference_date=datetime.date(2024, 4, 2),
        person_count=len(persons),
        **ward,
    )
    RosterEntry.objects.bulk_create(
        entry_of(build, p) for p in persons
    )
    return build


def build_ward() -> SimpleNamespace:
    """The small ward of the module docstring, with its personas (in the home ward, areas.Municipality.home)."""
    school = DistrictTypeFactory(code="school", name="小学校区")
    district_a = DistrictFactory(district_type=school, code="A", name="泉尾小学校区")
    district_b = DistrictFactory(district_type=school, code="B", name="北恩加島小学校区")
    town_a1 = TownFactory(code="0001001", name="泉尾一丁目", postal_code="5510031", in_districts=[district_a])
    town_a2 = TownFactory(code="0001002", name="泉尾二丁目", postal_code="5510031", in_districts=[district_a])
    town_b1 = TownFactory(code="0002001", name="北恩加島一丁目", postal_code="5510033", in_districts=[district_b])

    def person(town, consent, **kwargs):
        p = PersonFactory(town=town, **kwargs)
        if consent is not None:
            ConsentFactory(person=p, status=consent)
        return p

    people = SimpleNamespace(
        a1_agreed=person(town_a1, ConsentStatus.AGREED, family_name="髙橋", family_name_kana="タカハシ"),
        a1_refused=person(town_a1, ConsentStatus.REFUSED),
        a2_unanswered=person(town_a2, None),
        a2_agreed=person(town_a2, ConsentStatus.AGREED),
        b1_agreed=person(town_b1, ConsentStatus.AGREED),
        b1_unanswered=person(town_b1, None),
        b1_refused=person(town_b1, ConsentStatus.REFUSED),
    )

    roster = list_on_roster(list(vars(people).values()))

    ward_office = OrganisationFactory(name="大正区役所 保健福祉課", kind=OrganisationKind.WARD_WELFARE)
    general_affairs = OrganisationFactory(name="大正区役所 総務課", kind=OrganisationKind.WARD_OTHER)
    shakyo = OrganisationFactory(name="大正区社会福祉協議会", kind=OrganisationKind.SHAKYO)
    shakyo.service_districts.set([district_a])
    care_plaza = OrganisationFactory(name="大正区北部地域包括支援センター", kind=OrganisationKind.CARE_PLAZA)
    care_plaza.service_districts.set([district_b])
    minsei = OrganisationFactory(name="大正区民生委員児童委員協議会", kind=OrganisationKind.MINSEI)
    association = OrganisationFactory(name="泉尾第一町会", kind=OrganisationKind.NEIGHBOURHOOD)
    unagreed = OrganisationFactory(name="北恩加島町会", kind=OrganisationKind.NEIGHBOURHOOD)

    association_agreement = AgreementFactory(
        organisation=association,
        districts=[district_a],
        consent_requirement=ConsentRequirement.REQUIRED,
        valid_from=datetime.date(2024, 4, 1),
        valid_to=datetime.date(2099, 3, 31),
    )
    minsei_agreement = AgreementFactory(
        organisation=minsei,
        districts=[district_a, district_b],
        consent_requirement=ConsentRequirement.OPT_OUT,
        valid_from=datetime.date(2024, 4, 1),
        valid_to=datetime.date(2099, 3, 31),
    )

    def member(username, org, role, districts=()):
        user = UserFactory(username=username)
        m = MembershipFactory(user=user, organisation=org, role=role)
        if districts:
            m.districts.set(districts)
        return user

    return SimpleNamespace(
        districts=SimpleNamespace(a=district_a, b=district_b),
        towns=SimpleNamespace(a1=town_a1, a2=town_a2, b1=town_b1),
        people=people,
        roster=roster,
        orgs=SimpleNamespace(
            ward_office=ward_office,
            general_affairs=general_affairs,
            shakyo=shakyo,
            care_plaza=care_plaza,
            minsei=minsei,
            association=association,
            unagreed=unagreed,
        ),
        agreements=SimpleNamespace(association=association_agreement, minsei=minsei_agreement),
        ward_officer=member("ward_officer", ward_office, MembershipRole.STAFF),
        ward_clerk=member("ward_clerk", general_affairs, MembershipRole.STAFF),
        shakyo_coordinator=member("shakyo_coordinator", shakyo, MembershipRole.STAFF),
        care_plaza_worker=member("care_plaza_worker", care_plaza, MembershipRole.STAFF),
        commissioner=member("commissioner", minsei, MembershipRole.COMMISSIONER, districts=[district_b]),
        association_member=member("association_member", association, MembershipRole.MANAGER),
        unagreed_member=member("unagreed_member", unagreed, MembershipRole.MANAGER),
        outsider=UserFactory(username="outsider"),
    )


# The second ward of a city (大阪市港区), beside the home ward of build_ward (大正区), and the city itself.
CITY_CODE = municipality_code("27100")  # 大阪市 271004
OTHER_WARD_CODE = municipality_code("27107")  # 港区 271071
OTHER_WARD_FAMILY_NAME = "港野"  # every resident of the other ward carries it, so a page that shows one is caught


def build_city(ward: SimpleNamespace) -> SimpleNamespace:
    """A city of two wards: `ward` (build_ward's, the home ward) and a second ward with the same shape — its own
    towns, districts, residents (all named 港野), roster build, organisations, agreements and personas (b_…) —
    plus the city's welfare bureau (city_welfare) and crisis management office (city_crisis)."""
    city = MunicipalityFactory(code=CITY_CODE, name="大阪市", full_name="大阪府大阪市")
    home = Municipality.home()
    home.parent = city
    home.save(update_fields=["parent"])
    other = MunicipalityFactory(code=OTHER_WARD_CODE, name="港区", full_name="大阪府大阪市港区", parent=city)

    school = DistrictTypeFactory(code="school", name="小学校区")
    district_a = DistrictFactory(municipality=other, district_type=school, code="A", name="市岡小学校区")
    district_b = DistrictFactory(municipality=other, district_type=school, code="B", name="築港小学校区")
    town_a1 = TownFactory(
        municipality=other, code="2710701", name="市岡一丁目", postal_code="5520002", in_districts=[district_a]
    )
    town_b1 = TownFactory(
        municipality=other, code="2710702", name="築港一丁目", postal_code="5520021", in_districts=[district_b]
    )

    def person(town, consent, given):
        p = PersonFactory(town=town, family_name=OTHER_WARD_FAMILY_NAME, family_name_kana="ミナトノ", given_name=given)
        if consent is not None:
            ConsentFactory(person=p, status=consent)
        return p

    people = SimpleNamespace(
        a1_agreed=person(town_a1, ConsentStatus.AGREED, "一郎"),
        a1_refused=person(town_a1, ConsentStatus.REFUSED, "二郎"),
        a1_unanswered=person(town_a1, None, "三郎"),
        b1_agreed=person(town_b1, ConsentStatus.AGREED, "四郎"),
        b1_unanswered=person(town_b1, None, "五郎"),
    )
    roster = list_on_roster(list(vars(people).values()), municipality=other)

    def org(name, kind, municipality=other):
        return OrganisationFactory(name=name, kind=kind, municipality=municipality)

    ward_office = org("港区役所 保健福祉課", OrganisationKind.WARD_WELFARE)
    shakyo = org("港区社会福祉協議会", OrganisationKind.SHAKYO)
    shakyo.service_districts.set([district_a, district_b])
    minsei = org("港区民生委員児童委員協議会", OrganisationKind.MINSEI)
    association = org("市岡町会", OrganisationKind.NEIGHBOURHOOD)
    city_welfare = org("大阪市 福祉局", OrganisationKind.CITY_WELFARE, city)
    city_crisis = org("大阪市 危機管理室", OrganisationKind.CITY_CRISIS, city)
    period = {"valid_from": datetime.date(2024, 4, 1), "valid_to": datetime.date(2099, 3, 31)}
    association_agreement = AgreementFactory(
        organisation=association, districts=[district_a], consent_requirement=ConsentRequirement.REQUIRED, **period
    )
    minsei_agreement = AgreementFactory(
        organisation=minsei,
        districts=[district_a, district_b],
        consent_requirement=ConsentRequirement.OPT_OUT,
        **period,
    )

    def member(username, organisation, role):
        user = UserFactory(username=username)
        MembershipFactory(user=user, organisation=organisation, role=role)
        return user

    return SimpleNamespace(
        city=city,
        home=home,
        other=other,
        districts=SimpleNamespace(a=district_a, b=district_b),
        towns=SimpleNamespace(a1=town_a1, b1=town_b1),
        people=people,
        roster=roster,
        orgs=SimpleNamespace(
            ward_office=ward_office,
            shakyo=shakyo,
            minsei=minsei,
            association=association,
            city_welfare=city_welfare,
            city_crisis=city_crisis,
        ),
        agreements=SimpleNamespace(association=association_agreement, minsei=minsei_agreement),
        ward_officer=member("b_ward_officer", ward_office, MembershipRole.STAFF),
        shakyo_coordinator=member("b_shakyo_coordinator", shakyo, MembershipRole.STAFF),
        commissioner=member("b_commissioner", minsei, MembershipRole.COMMISSIONER),
        association_member=member("b_association_member", association, MembershipRole.MANAGER),
        city_welfare_officer=member("city_welfare_officer", city_welfare, MembershipRole.STAFF),
        city_crisis_officer=member("city_crisis_officer", city_crisis, MembershipRole.STAFF),
    )
