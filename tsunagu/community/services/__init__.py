from .actions import action_create, action_update
from .errors import CommunityError
from .forums import forum_create, meeting_create, meeting_update, member_add, member_end
from .issues import issue_create, issue_from_figure, issue_link_meeting, issue_merge, issue_split
from .privacy import Finding, find_personal_data, personal_data_message

__all__ = [
    "CommunityError",
    "Finding",
    "action_create",
    "action_update",
    "find_personal_data",
    "forum_create",
    "issue_create",
    "issue_from_figure",
    "issue_link_meeting",
    "issue_merge",
    "issue_split",
    "meeting_create",
    "meeting_update",
    "member_add",
    "member_end",
    "personal_data_message",
]
