"""The quick fix that builds an AWS SAM function as an ES module: `Format: esm`, a `Target`
with top-level await and `OutExtension: [.js=.mjs]` in its `Metadata.BuildProperties`, the
template edited in place; held to SAM CLI 1.170 building the edited template and Node 26
running the handler."""
from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from tla_lens.config import Config
from tla_lens.fixes.edits import Fix, Refusal, apply_edits
from tla_lens.fixes.esm_build import esm_build
from tla_lens.fixes.sam_format import sam_esm
from tla_lens.project import analyse

HEAD = "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: fn/\n" \
       "      Handler: app.handler\n"


def _edited(text: str, target=True, fmt=True, ext=True, json_file=False):
    result = sam_esm(text.encode(), "Fn", json_file, target, fmt, ext)
    if not isinstance(result, Fix):
        return result
    return apply_edits(text.encode(), result.edits).decode()


@pytest.mark.parametrize("meta,after", [
    # no BuildProperties: added first under Metadata
    ("    Metadata:\n      BuildMethod: esbuild\n",
     "    Metadata:\n      BuildProperties:\n        Target: es2022\n        Format: esm\n        OutExtension:\n"
     "          - .js=.mjs\n      BuildMethod: esbuild\n"),
    # values replaced (quoted too), the missing ones added first, comments kept
    ("    Metadata:\n      BuildMethod: esbuild\n      BuildProperties:  # esbuild's options\n        Minify: true\n"
     "        Target: \"es2020\"\n        Format: cjs\n        EntryPoints:\n          - app.ts\n",
     "    Metadata:\n      BuildMethod: esbuild\n      BuildProperties:  # esbuild's options\n        OutExtension:\n"
     "          - .js=.mjs\n        Minify: true\n        Target: es2022\n        Format: esm\n        EntryPoints:\n"
     "          - app.ts\n"),
    # both missing: added in that order
    ("    Metadata:\n      BuildMethod: esbuild\n      BuildProperties:\n        Minify: true\n",
     "    Metadata:\n      BuildMethod: esbuild\n      BuildProperties:\n        Target: es2022\n        Format: esm\n"
     "        OutExtension:\n          - .js=.mjs\n        Minify: true\n"),
    # `BuildProperties:` with nothing under it
    ("    Metadata:\n      BuildMethod: esbuild\n      BuildProperties:\n",
     "    Metadata:\n      BuildMethod: esbuild\n      BuildProperties:\n        Target: es2022\n        Format: esm\n"
     "        OutExtension:\n          - .js=.mjs\n"),
])
def test_yaml_edits(meta, after):
    tail = "Outputs:\n  Url:\n    Value: !Sub \"https://${ServerlessRestApi}.example/\"\n"
    assert _edited(HEAD + meta + tail) == HEAD + after + tail


def test_only_what_is_needed_and_line_breaks_kept():
    before = (HEAD + "    Metadata:\n      BuildMethod: esbuild\n      BuildProperties:\n        Target: es2022\n"
              "        OutExtension:\n          - .js=.cjs\n").replace("\n", "\r\n")
    after = _edited(before, target=False)
    assert after == before.replace("        Target: es2022\r\n", "        Format: esm\r\n        Target: es2022\r\n")
    assert _edited(HEAD + "    Metadata:\n      BuildProperties:\n        Target: es2022\n        Format: esm\n"
                   "        OutExtension:\n          - .js=.mjs\n") is None


@pytest.mark.parametrize("meta,reason", [
    ("    Metadata: { BuildMethod: esbuild }\n", "`Resources.Fn.Metadata` is not a block mapping"),
    ("    Metadata:\n      BuildMethod: esbuild\n      BuildProperties: { Format: cjs }\n",
     "`Resources.Fn.Metadata.BuildProperties` is not a block mapping"),
    ("    Metadata:\n      BuildMethod: esbuild\n      BuildProperties:\n        Format: !Ref Fmt\n",
     "its `Format` is not a plain value"),
])
def test_yaml_refusals(meta, reason):
    result = _edited(HEAD + meta)
    assert isinstance(result, Refusal) and result.reason == reason, result


def test_json_template():
    text = json.dumps({"Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "fn/"},
                                            "Metadata": {"BuildMethod": "esbuild"}}}}, indent=2)
    after = json.loads(_edited(text, json_file=True))
    assert after["Resources"]["Fn"]["Metadata"] == {"BuildMethod": "esbuild", "BuildProperties": {
        "OutExtension": [".js=.mjs"], "Format": "esm", "Target": "es2022"}}


@pytest.mark.parametrize("props", [
    "",  # (SAM's defaults)
    "      BuildProperties:\n        Format: esm\n        Target: es2020\n        OutExtension:\n"
    "          - .js=.mjs\n        EntryPoints:\n          - app.ts\n",
])
def test_the_edited_template_builds_and_the_handler_waits(props, sam_cli, node26, engines_node_modules, tmp_path):
    """`sam build` fails on the handler's top-level await; the fix edits the template, then SAM
    builds it, Node runs the handler's ES module (which waited) and tla-lens reports no error."""
    from tests.resolve.test_sam import _app, _sam_build

    root = _app(tmp_path, props)
    project = analyse(root, Config(), cache=False)
    assert _sam_build(root, sam_cli, node26, engines_node_modules).returncode != 0
    (f,) = [f for f in project.findings if f.severity == "error"]
    found = esm_build(project.cjs_bundled[f.path], lambda p: p.read_bytes())
    assert found is not None
    path, text, result = found
    assert path == root / "template.yaml" and isinstance(result, Fix), result
    path.write_bytes(apply_edits(text, result.edits))
    yaml.compose(path.read_text())  # (still YAML)
    proc = _sam_build(root, sam_cli, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bundle = root / ".aws-sam/build/HelloFunction/app.mjs"
    run = subprocess.run([str(node26), "--input-type=module", "-e",
                          f"const m = await import({json.dumps(bundle.as_uri())}); console.log((await m.handler()).body)"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "s", run.stdout + run.stderr
    assert not [f for f in analyse(root, Config(), cache=False).findings if f.severity == "error"]


_KEYS = ["Resources", "Fn", "Metadata", "BuildMethod", "esbuild", "BuildProperties", "Format", "Target",
         "OutExtension", "EntryPoints"]


def test_any_template_gets_an_edit_or_a_reason():
    """Whatever a template holds (YAML in block or flow style, JSON), the fix is an edit whose
    result is still YAML (JSON), a refusal, or nothing to do; never an exception."""
    from hypothesis import given, settings, strategies as st

    values = st.recursive(st.none() | st.booleans() | st.integers() | st.sampled_from(_KEYS + ["cjs", "es2020"]),
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYS), inner,
                                                                                      max_size=4), max_leaves=20)

    @settings(max_examples=300, deadline=None)
    @given(data=values, flow=st.booleans(), as_json=st.booleans(), flags=st.tuples(st.booleans(), st.booleans(),
                                                                                    st.booleans()),
           wrap=st.booleans())
    def check(data, flow, as_json, flags, wrap):
        if wrap:  # (most often, a function's Metadata)
            data = {"Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Metadata": data}}}
        text = (json.dumps(data, indent=2) if as_json else yaml.safe_dump(data, default_flow_style=flow)).encode()
        result = sam_esm(text, "Fn", as_json, *flags)
        assert result is None or isinstance(result, (Fix, Refusal))
        if isinstance(result, Fix):
            after = (json.loads if as_json else yaml.safe_load)(apply_edits(text, result.edits))
            props = after["Resources"]["Fn"]["Metadata"]["BuildProperties"]
            assert props.get("Target") == ("es2022" if flags[0] else (props.get("Target")))
            assert props.get("Format") == ("esm" if flags[1] else props.get("Format"))

    check()
