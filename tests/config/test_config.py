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
