"""The input pieces every API shares (tsunagu.core.serializers): they refuse what their schema forbids, and the
schema says what they accept."""

import re

import pytest
from rest_framework import serializers

from tsunagu.core.serializers import (
    CONTROL_CHARACTER_MESSAGE,
    ID_MESSAGE,
    QUERY_TEXT_PATTERN,
    QueryTextField,
    id_field,
    requested_id,
)


class Params(serializers.Serializer):
    q = QueryTextField(required=False, allow_blank=True, default="", max_length=10)
    known = id_field("ID。", exists=lambda pk: pk == 7, unknown_message="ない。")


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
