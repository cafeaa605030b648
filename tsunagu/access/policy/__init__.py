"""The one access policy for personal data.

Every page, search, export and API call asks this package which residents a user may see, at which detail
level, and what else the user may do. Nothing else decides it. The rules (docs/access-policy.md):

- 区役所の福祉部門 (ward welfare staff): the whole ward, including moved-out and deceased residents.
- 社会福祉協議会 and 地域包括支援センター／地域ケアプラザ staff: current residents of their service districts.
- An organisation with an agreement (協定) covering a data scope: current residents of the agreement's
  districts, only while the agreement is valid and not revoked, only with the consent the agreement requires,
  and as the scope's rule narrows it (the roster: persons listed in the current build).
- A membership may narrow its organisation's scope to some districts (a commissioner's 担当区域).
- Anyone else: nobody.

Parts: grants (one reason to see someone), scopes (a ScopeRule per kind of personal data, registered by the
app that owns it), the Viewer (computed once per request), persons (the querysets and person_or_deny),
capabilities (named things a role may do) and refusals (one exception, one audit row, one 403 page)."""

from .capabilities import (
    CAPABILITIES,
    Capability,
    CapabilityDenied,
    can,
    capability_required,
    require_capability,
)
from .grants import DETAIL_FIELDS, DetailLevel, Grant, today
from .persons import (
    consent_annotations,
    detail_level,
    full_level_ids,
    grants_explaining,
    person_or_deny,
    persons_under,
    presumed_consent_q,
    rows_of_visible_persons,
    sees_everyone,
    visible_persons,
)
from .publishing import (
    manages_publication,
    organising_organisation_ids,
    publishes_anything,
    ward_publisher_municipality_ids,
)
from .refusals import Refused, refusal_message, refusal_record
from .scopes import ScopeRule, register_scope, scope_rule
from .viewer import Viewer, attach_viewer, viewer_for

__all__ = [
    "CAPABILITIES",
    "DETAIL_FIELDS",
    "Capability",
    "CapabilityDenied",
    "DetailLevel",
    "Grant",
    "Refused",
    "ScopeRule",
    "Viewer",
    "attach_viewer",
    "can",
    "capability_required",
    "consent_annotations",
    "detail_level",
    "full_level_ids",
    "grants_explaining",
    "manages_publication",
    "organising_organisation_ids",
    "person_or_deny",
    "persons_under",
    "presumed_consent_q",
    "publishes_anything",
    "refusal_message",
    "refusal_record",
    "register_scope",
    "require_capability",
    "rows_of_visible_persons",
    "scope_rule",
    "sees_everyone",
    "today",
    "viewer_for",
    "visible_persons",
    "ward_publisher_municipality_ids",
]
