"""json_safe: the characters JSON output must not carry raw (DEL, C1 controls, bidi overrides,
line separators) are escaped; everything else, and the JSON value, stays the same."""
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tla_lens.text import _JSON_SAFE, json_safe

_CHARS = st.one_of(st.characters(), st.sampled_from([chr(c) for c in _JSON_SAFE] + ["a", "é", "\x7f"]))


@settings(max_examples=600, deadline=None)
@given(st.lists(st.text(_CHARS, max_size=12), max_size=6))
def test_escapes_exactly_the_unsafe_characters(values):
    dumped = json.dumps(values, ensure_ascii=False)
    out = json_safe(dumped)
    assert json.loads(out) == values
    assert not any(chr(c) in out for c in _JSON_SAFE)
    assert out == dumped.translate(_JSON_SAFE)


def test_plain_ascii_and_del():
    assert json_safe('["a", "b"]') == '["a", "b"]'
    assert json_safe('["a\x7f"]') == '["a\\u007f"]'
    assert json_safe('["\u202e"]') == '["\\u202e"]'
