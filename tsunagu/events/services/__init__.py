from .publications import article_save, event_save, translation_save
from .signups import SignupClosed, signup_cancel, signup_create

__all__ = ["SignupClosed", "article_save", "event_save", "signup_cancel", "signup_create", "translation_save"]
