import json

from tla_lens.config import DEFAULT_SEVERITY, find_config, load_file


def test_jsonc_file_with_comments_and_trailing_commas(tmp_path):
    f = tmp_path / "tla-lens.json"
    f.write_text('{\n  // mine\n  "severity": {"async-import": "error", "top-level-await": "off",},\n'
                 '  "allowAsync": "scripts/**",\n  "conditions": ["browser"],\n}\n')
    config, problems = load_file(f)
    assert problems == []
    assert config.severity_of("async-import") == "error"
    assert config.severity_of("top-level-await") == "off"
    assert config.severity_of("require-async") == DEFAULT_SEVERITY["require-async"]
    assert config.allow_async == ("scripts/**",)
    assert config.conditions == ("browser",)


def test_syntax_error_is_reported_with_position_and_defaults_used(tmp_path):
    f = tmp_path / "tla-lens.json"
    f.write_text('{\n  "severity": {\n    "async-import": ,\n  }\n}\n')
    config, problems = load_file(f)
    assert len(problems) == 1
    p = problems[0]
    assert p.path == f and p.line == 3 and p.column is not None and p.severity == "error"
    assert "using the defaults" in p.message
    assert config.severity == DEFAULT_SEVERITY


def test_bad_values_are_reported_at_their_key(tmp_path):
    f = tmp_path / "tla-lens.json"
    f.write_text('{\n  "severity": {"async-import": "loud", "no-such-code": "error"},\n'
                 '  "include": 3,\n  "maxFileSize": -1,\n  "colour": true\n}\n')
    config, problems = load_file(f)
    msgs = {p.message.split(":")[0]: p for p in problems}
    assert msgs["async-import"].line == 2
    assert msgs["no-such-code"].line == 2
    assert msgs["include"].line == 3
    assert msgs["maxFileSize"].line == 4
    assert any("unknown key 'colour'" in p.message and p.line == 5 for p in problems)
    assert config.severity_of("async-import") == "warning"
    assert config.include == ()


def test_package_json_tlalens_key_and_lookup_upward(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "package.json").write_text(json.dumps({"name": "x", "tlaLens": {"entries": ["src/main.ts"]}}))
    sub = tmp_path / "src" / "deep"
    sub.mkdir(parents=True)
    found = find_config(sub)
    assert found == tmp_path / "package.json"
    config, problems = load_file(found)
    assert config.entries == ("src/main.ts",) and problems == []


def test_tla_lens_json_wins_over_package_json(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"tlaLens": {}}))
    (tmp_path / "tla-lens.json").write_text("{}")
    assert find_config(tmp_path) == tmp_path / "tla-lens.json"


def test_problems_in_package_json_point_into_the_tlalens_key(tmp_path):
    # the same key names elsewhere in package.json (and a longer key ending with one) come first
    f = tmp_path / "package.json"
    f.write_text('{\n  "name": "app",\n  "xinclude": 1,\n  "jest": {"include": ["a"]},\n'
                 '  "tlaLens": {\n    "include": 5,\n    "severity": {"async-import": "loud"}\n  }\n}\n')
    _, problems = load_file(f)
    at = {p.message.split(":")[0]: (p.line, p.column) for p in problems}
    assert at == {"include": (6, 5), "async-import": (7, 18)}


def test_aliases_are_read_in_order_and_bad_entries_left_out_at_their_name(tmp_path):
    f = tmp_path / "tla-lens.json"
    f.write_text('{\n  "alias": {\n    "@": "./src",\n    "@/": "./src/",\n    "lodash": ["lodash-es", "./vendor/lodash"],\n'
                 '    "~*": "./a/**",\n    "x$": "./x.js"\n  }\n}\n')
    config, problems = load_file(f)
    assert config.alias == (("@", ("./src",)), ("lodash", ("lodash-es", "./vendor/lodash")), ("x$", ("./x.js",)))
    by_name = {p.message.split(":")[0]: p for p in problems}
    assert set(by_name) == {"@/", "~*"}
    assert by_name["@/"].line == 4 and "write '@'" in by_name["@/"].message
    assert by_name["~*"].line == 6 and "this alias is left out" in by_name["~*"].message
    assert all(p.severity == "error" for p in problems)


def test_alias_that_is_not_an_object_uses_none(tmp_path):
    f = tmp_path / "tla-lens.json"
    f.write_text('{"alias": ["@", "./src"]}')
    config, problems = load_file(f)
    assert config.alias == ()
    assert len(problems) == 1 and problems[0].message.startswith("alias: expected an object")


def test_print_config_round_trip_keeps_aliases(tmp_path):
    from tla_lens.config import from_dict, to_dict

    config, problems = from_dict({"alias": {"@": "./src", "l": ["a", "./b"]}}, None)
    assert problems == []
    assert to_dict(config)["alias"] == {"@": "./src", "l": ["a", "./b"]}
    again, _ = from_dict(to_dict(config), None)
    assert again.alias == config.alias
