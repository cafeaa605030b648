"""Reads of the volunteer centre: every page, fragment and API call goes through these."""

from .matching import Candidate, candidates_for, fitting_needs, score_fit
from .needs import RequesterView, need_list, need_or_404, need_requester, volunteer_match_or_404, volunteer_matches
from .reports import district_report, volunteer_report
from .volunteers import insurance_lapsing, volunteer_list, volunteer_or_404

__all__ = [
    "Candidate",
    "RequesterView",
    "candidates_for",
    "district_report",
    "fitting_needs",
    "insurance_lapsing",
    "need_list",
    "need_or_404",
    "need_requester",
    "score_fit",
    "volunteer_list",
    "volunteer_match_or_404",
    "volunteer_matches",
    "volunteer_or_404",
    "volunteer_report",
]
