"""Factories of every app's models. Tests share helpers through tsunagu.testing, never by importing each other."""

from .accounts import (
    PASSWORD,
    UserFactory,
)
from .areas import (
    DistrictFactory,
    DistrictTypeFactory,
    MunicipalityFactory,
    TownFactory,
)
from .organisations import (
    AgreementFactory,
    MembershipFactory,
    OrganisationFactory,
)
from .people import (
    ConsentFactory,
    ConsentRequestFactory,
    HouseholdFactory,
    PersonFactory,
)

__all__ = [
    "PASSWORD",
    "AgreementFactory",
    "ConsentFactory",
    "ConsentRequestFactory",
    "DistrictFactory",
    "DistrictTypeFactory",
    "HouseholdFactory",
    "MembershipFactory",
    "MunicipalityFactory",
    "OrganisationFactory",
    "PersonFactory",
    "TownFactory",
    "UserFactory",
]
