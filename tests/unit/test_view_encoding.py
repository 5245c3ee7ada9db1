"""How the views encode rows: two JSON objects joined without encoding one again."""

from __future__ import annotations

import json

from projections.encoding import dumps, joined


def test_two_encoded_objects_join_into_the_object_of_both_keys() -> None:
    first, second = {"intensity": 3, "visibility": "shared"}, {"need": {"c": "x", "v": 2}}
    assert json.loads(joined(dumps(first), dumps(second))) == {**first, **second}


def test_an_empty_object_on_either_side_leaves_the_other_as_it_was() -> None:
    assert joined(dumps({"a": 1}), "{}") == '{"a":1}'
    assert joined("{}", dumps({"b": [1, 2]})) == '{"b":[1,2]}'
    assert json.loads(joined("{}", "{}")) == {}
