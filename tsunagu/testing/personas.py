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

from tsunagu.organisations.models import ConsentRequirement, MembershipRole, OrganisationKind
from tsunagu.people.models import ConsentStatus
from tsunagu.roster.models import RosterBuild, RosterEntry
from tsunagu.roster.services import SNAPSHOT_FIELDS
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


def list_on_roster(persons, *, number=1):
    """A roster build listing exactly these persons, made directly (the build service, tested on its own in
    tsunagu/roster/tests, would also write an audit entry that tests of "nothing was logged" would see)."""
    build = RosterBuild.objects.create(
        number=number, built_at=timezone.now(), reference_date=datetime.date(2024, 4, 2), person_count=len(persons)
    )
    RosterEntry.objects.bulk_create(
        RosterEntry(build=build, person=p, **{f: getattr(p, f) for f in SNAPSHOT_FIELDS}) for p in persons
    )
    return build


def build_ward() -> SimpleNamespace:
    """The small ward of the module docstring, with its personas."""
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
