"""The JSON schema the VS Code extension gives the editor for tla-lens.json (and package.json's
"tlaLens" key) says exactly what the configuration reader accepts: a configuration is valid for
the schema if and only if tla-lens reads it without a problem."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from hypothesis import given, settings, strategies as st

from tla_lens.config import CODES, DEFAULT_SEVERITY, SEVERITIES, from_dict

SCHEMAS = Path(__file__).resolve().parents[2] / "vscode-extension" / "schemas"
SCHEMA = json.loads((SCHEMAS / "tla-lens.schema.json").read_text())
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)
KEYS = ["severity", "include", "exclude", "entries", "allowAsync", "conditions", "alias", "skipDirs", "maxFileSize"]


def _reader_accepts(data) -> bool:
    _, problems = from_dict(data, None)
    return not problems


def test_schema_names_every_key_and_code():
    props = SCHEMA["properties"]
    assert set(props) == set(KEYS) | {"$schema"}
    sev = props["severity"]["properties"]
    assert list(sev) == list(CODES)
    assert all(sev[c]["enum"] == list(SEVERITIES) and sev[c]["default"] == DEFAULT_SEVERITY[c] for c in CODES)
    jsonschema.Draft7Validator.check_schema(SCHEMA)


def test_package_json_schema_points_at_it():
    pkg = json.loads((SCHEMAS / "package.schema.json").read_text())
    assert pkg["properties"]["tlaLens"]["$ref"] == "./tla-lens.schema.json"
    ext = json.loads((SCHEMAS.parent / "package.json").read_text())
    assert {v["fileMatch"]: v["url"] for v in ext["contributes"]["jsonValidation"]} == {
        "tla-lens.json": "./schemas/tla-lens.schema.json", "package.json": "./schemas/package.schema.json"}


CASES = [
    {},
    {"$schema": "./x.json"},
    {"severity": {"async-import": "error", "unresolved-import": "off"}},
    {"severity": {"async-import": "loud"}},
    {"severity": {"no-such-code": "error"}},
    {"severity": "error"},
    {"include": "src/**"},
    {"include": ["src/**", "lib/**"]},
    {"include": ["src/**", 3]},
    {"exclude": None},
    {"maxFileSize": 1000},
    {"maxFileSize": 0},
    {"maxFileSize": -5},
    {"maxFileSize": True},
    {"maxFileSize": 1.5},
    {"maxFileSize": 1000.0},
    {"maxFileSize": 8e6},
    {"maxFileSize": "8MB"},
    {"skipDirs": []},
    {"severty": {}},
    {"entries": {"a": "b"}},
    {"alias": {"@": "./src", "lodash": "lodash-es", "~lib/*": ["./a/*.js", "./b/*"], "exact$": "/abs/x.js"}},
    {"alias": {}},
    {"alias": "./src"},
    {"alias": ["@", "./src"]},
    {"alias": {"@/": "./src/"}},
    {"alias": {"./x": "./y"}},
    {"alias": {"": "./y"}},
    {"alias": {"$": "./y"}},
    {"alias": {"*": "./y"}},
    {"alias": {"a*b*": "./y"}},
    {"alias": {"a*$": "./y"}},
    {"alias": {"a$": "./y"}},
    {"alias": {"a": "./y*"}},
    {"alias": {"a*": "./y**"}},
    {"alias": {"a*": "./y*"}},
    {"alias": {"a": []}},
    {"alias": {"a": [""]}},
    {"alias": {"a": ""}},
    {"alias": {"a": 3}},
    {"alias": {"a": {"b": "c"}}},
    {"alias": {"fs": False, "x$": False, "p/*": False}},
    {"alias": {"a": True}},
    {"alias": {"./a": False}},
]


def test_schema_and_reader_agree_on_cases():
    for data in CASES:
        assert VALIDATOR.is_valid(data) == _reader_accepts(data), data


_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 10**9), st.floats(allow_nan=False, width=32),
              st.sampled_from(["", "src/**", "error", "warning", "hint", "off", "loud"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from([*CODES, "x"]), inner, max_size=3)),
    max_leaves=6)


_alias_names = st.one_of(
    st.sampled_from(["@", "@/", "a$", "$", "*", "", "./a", "/a", "a*", "a*b", "a**", "*$", "a*$", "a/", "~lib/*", "x$y"]),
    st.text(alphabet="a*$/.@", max_size=4))
_alias_targets = st.one_of(st.sampled_from(["./src", "", "*", "./a/*.js", "**", "lodash-es", "/x"]),
                           st.text(alphabet="./*a", max_size=4))
_aliases = st.one_of(
    st.dictionaries(_alias_names, st.one_of(_alias_targets, st.lists(_alias_targets, max_size=2), st.integers(),
                                            st.booleans(), st.lists(st.booleans(), max_size=1)),
                    max_size=3),
    _values)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(_aliases)
def test_schema_and_reader_agree_on_generated_aliases(alias):
    data = {"alias": alias}
    assert VALIDATOR.is_valid(data) == _reader_accepts(data), data


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.dictionaries(st.sampled_from([*KEYS, "$schema", "other"]), _values, max_size=4))
def test_schema_and_reader_agree_on_generated_configs(data):
    assert VALIDATOR.is_valid(data) == _reader_accepts(data)
