from .access import (
    action_or_404,
    can_manage,
    forum_or_404,
    issue_or_404,
    meeting_or_404,
    member_forums,
    member_of,
    public_forum_or_404,
)
from .board import ActionNode, action_tree, progress_of
from .figures import Figure, cases_figures, disaster_figures, figure_by_key, watch_figures, watch_snapshot

__all__ = [
    "ActionNode",
    "Figure",
    "action_or_404",
    "action_tree",
    "can_manage",
    "cases_figures",
    "disaster_figures",
    "figure_by_key",
    "forum_or_404",
    "issue_or_404",
    "meeting_or_404",
    "member_forums",
    "member_of",
    "progress_of",
    "public_forum_or_404",
    "watch_figures",
    "watch_snapshot",
]
