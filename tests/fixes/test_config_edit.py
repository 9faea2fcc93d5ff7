"""config_edit.allow_async: a module added to `allowAsync`, comments and layout kept."""
from __future__ import annotations

import json

import json5
import pytest

from tla_lens.fixes import Fix, Refusal, apply_edits
from tla_lens.fixes.config_edit import allow_async, new_config


def add(text: str, inside=None) -> str:
    fix = allow_async(text.encode(), "src/db.ts", inside, "t")
    assert isinstance(fix, Fix), fix
    return apply_edits(text.encode(), fix.edits).decode()


@pytest.mark.parametrize("text, want", [
    ('{\n  // comment\n  "entries": ["src/main.ts"],\n}\n',
     '{\n  // comment\n  "allowAsync": ["src/db.ts"],\n  "entries": ["src/main.ts"],\n}\n'),
    ('{\n  "allowAsync": ["scripts/**", ], // why\n  "entries": []\n}',
     '{\n  "allowAsync": ["scripts/**", "src/db.ts", ], // why\n  "entries": []\n}'),
    ('{ "allowAsync": [] }', '{ "allowAsync": ["src/db.ts"] }'),
    ('{}', '{ "allowAsync": ["src/db.ts"] }'),
    ('{ /* only a comment */ }', '{ "allowAsync": ["src/db.ts"] }'),
    ('{"entries": ["a"]}', '{"allowAsync": ["src/db.ts"], "entries": ["a"]}'),
    ("{ allowAsync: ['x'] }", "{ allowAsync: ['x', \"src/db.ts\"] }"),  # (JSON5 keys and quotes)
])
def test_tla_lens_json(text, want):
    out = add(text)
    assert out == want
    assert "src/db.ts" in json5.loads(out)["allowAsync"]


def test_package_json_stays_strict_json():
    pkg = '{\n  "name": "app",\n  "type": "module"\n}\n'
    assert json.loads(add(pkg, "tlaLens"))["tlaLens"] == {"allowAsync": ["src/db.ts"]}
    pkg = '{\n  "name": "app",\n  "tlaLens": {\n    "entries": ["x"]\n  }\n}\n'
    assert json.loads(add(pkg, "tlaLens"))["tlaLens"] == {"allowAsync": ["src/db.ts"], "entries": ["x"]}


def test_already_there_and_what_cannot_be_edited():
    assert allow_async(b'{ "allowAsync": ["src/db.ts"] }', "src/db.ts", None, "t") is None
    for bad in (b"[1]", b"{ oops", b'{ "allowAsync": "x" }'):
        assert isinstance(allow_async(bad, "src/db.ts", None, "t"), Refusal), bad
    assert isinstance(allow_async(b'{"tlaLens": 3}', "src/db.ts", "tlaLens", "t"), Refusal)
    assert json.loads(new_config("src/db.ts")) == {"allowAsync": ["src/db.ts"]}


def test_crlf_files_keep_their_line_breaks():
    out = add('{\r\n  "entries": ["a"]\r\n}\r\n')
    assert out == '{\r\n  "allowAsync": ["src/db.ts"],\r\n  "entries": ["a"]\r\n}\r\n'
