from .manage import forum_new, members
from .pages import (
    action_detail,
    board,
    figures,
    forum_list,
    issue_detail,
    issue_new,
    meeting_detail,
    meeting_new,
    public_summary,
)

__all__ = [
    "action_detail",
    "board",
    "figures",
    "forum_list",
    "forum_new",
    "issue_detail",
    "issue_new",
    "meeting_detail",
    "meeting_new",
    "members",
    "public_summary",
]
