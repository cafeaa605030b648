"""The input pieces every API shares (tsunagu.core.serializers): they refuse what their schema forbids, and the
schema says what they accept."""

import re

import pytest
from django.http import QueryDict

from tsunagu.core.serializers import (
    BOOLEAN_MESSAGE,
    CONTROL_CHARACTER_MESSAGE,
    ID_MESSAGE,
    PAGE_MESSAGE,
    QUERY_TEXT_PATTERN,
    PageParamsSerializer,
    QueryBooleanField,
    QueryChoiceField,
    QueryTextField,
    id_field,
    requested_id,
)

CHOICE_MESSAGE = "a か b。"


class Params(PageParamsSerializer):
    q = QueryTextField(required=False, allow_blank=True, default="", max_length=10)
    known = id_field("ID。", exists=lambda pk: pk == 7, unknown_message="ない。")
    flag = QueryBooleanField(required=False, default=False, error_messages={"invalid": BOOLEAN_MESSAGE})
    kind = QueryChoiceField(
        choices=["a", "b"],
        required=False,
        allow_null=True,
        default=None,
        error_messages={"invalid_choice": CHOICE_MESSAGE},
    )
    blank_kind = QueryChoiceField(choices=["a", "b"], required=False, allow_blank=True, default="")


def query(text: str) -> Params:
    return Params(data=QueryDict(text))


@pytest.mark.parametrize("text", ["山田\t", "\n", "\x00", "a\x7fb", "\x85", "\ufffd"])
def test_control_characters_are_refused_even_at_the_ends(text):
    params = Params(data={"q": text})

    assert not params.is_valid()
    assert params.errors == {"q": [CONTROL_CHARACTER_MESSAGE]}
    assert not re.fullmatch(QUERY_TEXT_PATTERN, text)


@pytest.mark.parametrize(("text", "value"), [("", ""), ("  ", ""), (" 山田 ", "山田"), ("𠮷田", "𠮷田")])
def test_text_without_control_characters_is_accepted_and_trimmed(text, value):
    params = Params(data={"q": text})

    assert params.is_valid()
    assert params.validated_data["q"] == value
    assert text == "" or re.fullmatch(QUERY_TEXT_PATTERN, text)


@pytest.mark.parametrize(
    ("raw", "errors"), [("7", None), ("8", ["ない。"]), (str(2**64), [ID_MESSAGE]), ("0", [ID_MESSAGE])]
)
def test_an_id_that_must_exist(raw, errors):
    # An ID out of range is left to the range check: the existence check never sees a number the database cannot hold.
    params = Params(data={"known": raw})

    assert params.is_valid() is (errors is None)
    assert params.errors.get("known") == errors


def test_requested_ids_keep_what_was_typed_without_control_characters():
    assert requested_id("12\x0034") == "12\ufffd34"
    assert requested_id("x" * 100) == "x" * 64


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("page=", {"page": [PAGE_MESSAGE]}),
        ("page=１", {"page": [PAGE_MESSAGE]}),
        ("page=1.0", {"page": [PAGE_MESSAGE]}),
        ("page=+1", {"page": [PAGE_MESSAGE]}),
        ("page=%201", {"page": [PAGE_MESSAGE]}),
        ("known=", {"known": [ID_MESSAGE]}),
        ("flag=", {"flag": [BOOLEAN_MESSAGE]}),
        ("flag=on", {"flag": [BOOLEAN_MESSAGE]}),
        ("flag=1", {"flag": [BOOLEAN_MESSAGE]}),
        ("kind=", {"kind": [CHOICE_MESSAGE]}),
        ("kind=c", {"kind": [CHOICE_MESSAGE]}),
    ],
)
def test_query_values_the_schema_does_not_admit_are_refused(text, errors):
    """What DRF would take as absent ("") or read loosely ("１", "1.0", "on") is refused, as the schema says."""
    params = query(text)

    assert not params.is_valid()
    assert params.errors == errors


def test_query_values_the_schema_admits_are_accepted():
    params = query("page=2&page_size=10&known=7&flag=true&kind=a&blank_kind=&q=")

    assert params.is_valid(), params.errors
    assert params.validated_data == {
        "page": 2,
        "page_size": 10,
        "known": 7,
        "flag": True,
        "kind": "a",
        "blank_kind": "",
        "q": "",
    }


def test_absent_parameters_take_their_defaults():
    params = query("")

    assert params.is_valid()
    assert params.validated_data == {"page": 1, "page_size": 50, "flag": False, "kind": None, "blank_kind": "", "q": ""}
