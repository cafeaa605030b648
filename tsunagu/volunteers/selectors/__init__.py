"""Reads of the volunteer centre: every page, fragment and API call goes through these."""

from .matching import Candidate, candidates_for, fitting_needs, score_fit
from .needs import RequesterView, need_list, need_or_404, need_requester, volunteer_match_or_404, volunteer_matches
from .reports import district_report, volunteer_report
from .training import (
    completion_choices,
    completion_list,
    course_list,
    course_or_404,
    course_sessions,
    enrolable_volunteers,
    lacking_volunteers,
    session_attendances,
    session_or_404,
    training_badges,
    users_lacking_training,
    volunteer_completions,
)
from .volunteers import insurance_lapsing, volunteer_list, volunteer_or_404

__all__ = [
    "Candidate",
    "RequesterView",
    "candidates_for",
    "completion_choices",
    "completion_list",
    "course_list",
    "course_or_404",
    "course_sessions",
    "district_report",
    "enrolable_volunteers",
    "fitting_needs",
    "insurance_lapsing",
    "lacking_volunteers",
    "need_list",
    "need_or_404",
    "need_requester",
    "score_fit",
    "session_attendances",
    "session_or_404",
    "training_badges",
    "users_lacking_training",
    "volunteer_completions",
    "volunteer_list",
    "volunteer_match_or_404",
    "volunteer_matches",
    "volunteer_or_404",
    "volunteer_report",
]
