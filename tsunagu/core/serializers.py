"""Input pieces every API shares: query text that refuses control characters, whole numbers, true/false, record
IDs, and the page window.

Each refuses bad input with one Japanese message of ours (compared exactly in the tests), and each accepts
exactly what the OpenAPI schema says it accepts (lengths, ranges, a pattern): a client or a schema-driven test
that follows the schema is not refused, and one that does not is. So a number is ASCII digits (not "１" or
"1.0"), true/false is "true" or "false", and a parameter sent empty (`?page=`) is refused like any other value
its type does not admit, where DRF would take it as absent."""

import re
import unicodedata
from collections.abc import Callable

from django.core.validators import RegexValidator
from django.db.models import Field
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.fields import ChoiceField, empty
from rest_framework.utils import html

from tsunagu.core.ids import MAX_ID
from tsunagu.core.japanese import without_controls

MAX_PAGE = 10000
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

CONTROL_CHARACTER_MESSAGE = gettext_lazy("制御文字（NUL・改行など）や壊れた文字は使えません。")
TEXT_MESSAGE = gettext_lazy("文字列で指定してください。")
PAGE_MESSAGE = gettext_lazy("ページ番号は1から10000までの整数で指定してください。")
PAGE_SIZE_MESSAGE = gettext_lazy("1ページの件数は1から200までの整数で指定してください。")
ID_MESSAGE = gettext_lazy("IDは1以上の整数で指定してください。")
BOOLEAN_MESSAGE = gettext_lazy("true か false で指定してください。")

# What QueryTextField refuses, as the schema's pattern: control characters (Unicode category Cc) and U+FFFD,
# which stands for bytes that were not UTF-8. (Lone surrogates cannot arrive: they are not valid UTF-8.) One or
# more characters: drf-spectacular documents a blank-allowed field with a pattern as oneOf [pattern, blank], and
# the empty string must match only the second.
QUERY_TEXT_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f\ufffd]+$"

_INTEGER_KEYS = ("invalid", "min_value", "max_value", "max_string_length")
_INTEGER_TEXT = re.compile(r"-?[0-9]+")
# A record ID from the path is recorded in the audit log as typed, but no longer than this.
REQUESTED_ID_MAX_LENGTH = 64


def integer_messages(message: str) -> dict[str, str]:
    """The same message for every way an integer parameter can be wrong."""
    return dict.fromkeys(_INTEGER_KEYS, message)


class _EmptyIsAValue:
    """A query parameter sent with an empty value reaches validation as "", so a field that does not take blank
    refuses it (DRF would take it as absent and answer a request its schema calls wrong)."""

    def get_value(self, dictionary: object) -> object:
        value = super().get_value(dictionary)
        if html.is_html_input(dictionary) and self.field_name in dictionary and dictionary.get(self.field_name) == "":
            return ""
        return value


class QueryIntegerField(_EmptyIsAValue, serializers.IntegerField):
    """A whole number in ASCII digits: "１２", "1.0", " 1" and "" are refused with the field's `invalid` message."""

    def to_internal_value(self, data: object) -> int:
        if isinstance(data, str) and len(data) <= self.MAX_STRING_LENGTH and not _INTEGER_TEXT.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class QueryBooleanField(_EmptyIsAValue, serializers.BooleanField):
    """true or false, as the schema writes a boolean in a query string (not "on", "1" or "yes")."""

    TRUE_VALUES = {"true", True}
    FALSE_VALUES = {"false", False}


class QueryChoiceField(_EmptyIsAValue, serializers.ChoiceField):
    """One of the choices; "" only when the field allows blank (and its schema lists "")."""


class QueryTextField(serializers.CharField):
    """Text from a query string. NUL (which PostgreSQL refuses), other control characters and the U+FFFD
    that stands for bytes that were not UTF-8 are refused with one message of ours."""

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        kwargs.setdefault("error_messages", {}).setdefault("invalid", TEXT_MESSAGE)
        super().__init__(**kwargs)
        # DRF's own NUL/surrogate validators would answer in their words; ours below covers both and more.
        self.validators = [v for v in self.validators if "Prohibit" not in type(v).__name__]
        # Never reached (run_validation refuses first); it puts the pattern into the OpenAPI schema.
        self.validators.append(RegexValidator(QUERY_TEXT_PATTERN, message=CONTROL_CHARACTER_MESSAGE))

    def run_validation(self, data: object = empty) -> object:
        # Before DRF trims the ends: "山田\t" or a lone "\n" is refused, as the schema's pattern says, not trimmed
        # into something acceptable.
        if isinstance(data, str) and _has_control_characters(data):
            raise serializers.ValidationError(CONTROL_CHARACTER_MESSAGE)
        return super().run_validation(data)


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cs") or c == "\ufffd" for c in text)


def requested_id(raw: str) -> str:
    """An ID from the path as typed, for the selector and its audit entry: any text reaches the selector, so a
    guessed or malformed ID is answered (404) and logged like any other, and control characters (NUL breaks
    PostgreSQL) become U+FFFD."""
    return without_controls(raw, REQUESTED_ID_MAX_LENGTH)


def id_field(
    help_text: str, *, exists: Callable[[int], bool] | None = None, unknown_message: str = ""
) -> QueryIntegerField:
    """An optional record ID parameter (町丁目, 地区 …): 1 or more, within a database integer. With `exists`, an
    ID for which it answers False is refused with `unknown_message`."""
    validators = []
    if exists is not None:

        def known(value: int) -> None:
            # DRF runs every validator even when the range check failed: an ID out of range is left to that
            # check's message and never reaches the database (a 64-bit column cannot take it).
            if 1 <= value <= MAX_ID and not exists(value):
                raise serializers.ValidationError(unknown_message)

        validators.append(known)
    return QueryIntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        error_messages=integer_messages(ID_MESSAGE),
        help_text=help_text,
        # Passed to the constructor, not appended later: DRF copies declared fields by constructing them again.
        validators=validators,
    )


def read_only_choice_field(model_field: Field, *, source: str | None = None, help_text: str = "") -> ChoiceField:
    """A coded value in a response, with the choices, blank ("") and null of its model field, so the schema's enum
    admits every value the field can hold. (A ModelSerializer's read-only field loses allow_blank, and its enum
    would then refuse the "" that a blank field holds.)"""
    kwargs = {"source": source} if source else {}
    return serializers.ChoiceField(
        choices=model_field.choices,
        allow_blank=model_field.blank and not model_field.null,
        allow_null=model_field.null,
        read_only=True,
        help_text=help_text or str(model_field.verbose_name),
        **kwargs,
    )


class ModelResponseSerializer(serializers.ModelSerializer):
    """A ModelSerializer for responses. DRF drops allow_blank from a read-only field, so a coded field that may be
    blank (要介護度 "" for none) would be documented with an enum that refuses "": here such a field keeps it, and
    the schema's enum admits the "" the field can hold."""

    def include_extra_kwargs(self, kwargs: dict, extra_kwargs: dict) -> dict:
        blank_choices = bool(kwargs.get("allow_blank")) and "choices" in kwargs
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank_choices:
            kwargs["allow_blank"] = True
        return kwargs


class PageParamsSerializer(serializers.Serializer):
    """`page` and `page_size`, shared by every list. A page past the end answers with no rows (not an error),
    so a client reading pages until one comes back empty stops."""

    page = QueryIntegerField(
        required=False,
        default=1,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages=integer_messages(PAGE_MESSAGE),
        help_text="ページ番号（1から）。",
    )
    page_size = QueryIntegerField(
        required=False,
        default=DEFAULT_PAGE_SIZE,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        error_messages=integer_messages(PAGE_SIZE_MESSAGE),
        help_text="1ページの件数（1〜200、既定50）。",
    )


class PageSerializer(serializers.Serializer):
    """The envelope of every list: subclasses declare `results` (documentation only; views build the dict)."""

    count = serializers.IntegerField(help_text="条件に合い、閲覧できる件数の合計。")
    page = serializers.IntegerField()
    pages = serializers.IntegerField(help_text="総ページ数（0件でも1）。")
    page_size = serializers.IntegerField()


# -- Free text and times sent from phones ------------------------------------------------------------------

TEXT_CHARACTER_MESSAGE = gettext_lazy("NUL などの制御文字や壊れた文字は使えません（改行とタブは使えます）。")
# What free text refuses, as the schema's pattern: control characters other than tab, line feed and carriage
# return, and U+FFFD (bytes that were not UTF-8). One or more characters: drf-spectacular documents a
# blank-allowed field with a pattern as oneOf [pattern, blank], and "" must match only the second.
BODY_TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]+$"
_BODY_TEXT_CONTROLS = frozenset("\t\n\r")


class BodyTextField(serializers.CharField):
    """Free text typed by a person (a note, a place): line breaks and tabs are kept; NUL (which PostgreSQL
    refuses), other control characters and U+FFFD are refused with one message of ours. Optional, blank allowed;
    `length_message` says the limit in words."""

    def __init__(self, *, length_message: str, **kwargs) -> None:  # noqa: ANN003
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("default", "")
        messages = kwargs.setdefault("error_messages", {})
        messages.setdefault("invalid", TEXT_CHARACTER_MESSAGE)
        messages.setdefault("max_length", length_message)
        super().__init__(**kwargs)
        # DRF's own NUL/surrogate validators would answer in their words; ours below covers both and more.
        self.validators = [v for v in self.validators if "Prohibit" not in type(v).__name__]
        # Never reached (run_validation refuses first); it puts the pattern into the OpenAPI schema.
        self.validators.append(RegexValidator(BODY_TEXT_PATTERN, message=TEXT_CHARACTER_MESSAGE))

    def run_validation(self, data: object = empty) -> object:
        if isinstance(data, str) and any(_refused_in_body_text(c) for c in data):
            raise serializers.ValidationError(TEXT_CHARACTER_MESSAGE)
        return super().run_validation(data)


def _refused_in_body_text(c: str) -> bool:
    return (
        (unicodedata.category(c) == "Cc" and c not in _BODY_TEXT_CONTROLS)
        or unicodedata.category(c) == "Cs"
        or c == "\ufffd"
    )


class AwareDateTimeField(serializers.DateTimeField):
    """A date and time with its offset from UTC (as a phone's toISOString() sends it): a time without one would be
    read in the server's time zone, which may not be the phone's, so it is refused. Subclasses set `message`."""

    message: str = ""

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        messages = kwargs.setdefault("error_messages", {})
        for key in ("invalid", "date", "make_aware", "overflow", "null", "naive", "required"):
            messages.setdefault(key, self.message)
        super().__init__(**kwargs)

    def enforce_timezone(self, value):  # noqa: ANN001, ANN201
        if value.tzinfo is None or value.utcoffset() is None:
            self.fail("naive")
        return super().enforce_timezone(value)
