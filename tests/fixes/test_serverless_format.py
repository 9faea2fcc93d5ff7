"""The quick fix that makes serverless-esbuild bundle a service's functions as ES modules:
`format: esm` and `outputFileExtension: .mjs` in `custom.esbuild` of serverless.yml, in place;
held to the Serverless Framework packaging the edited service and Node 26 running the handler.
Also the YAML edits themselves (fixes/yaml_edit.py), which the SAM fix shares."""
from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from tla_lens.config import Config
from tla_lens.fixes.edits import Fix, Refusal, apply_edits
from tla_lens.fixes.esm_build import esm_build
from tla_lens.fixes.serverless_format import serverless_esm
from tla_lens.fixes.yaml_edit import yaml_set
from tla_lens.project import analyse


def _edited(text: str):
    result = serverless_esm(text.encode(), False)
    return apply_edits(text.encode(), result.edits).decode() if isinstance(result, Fix) else result


@pytest.mark.parametrize("before,after", [
    # no custom: added at the end (a missing last line break supplied)
    ("service: a\nplugins:\n  - serverless-esbuild", "service: a\nplugins:\n  - serverless-esbuild\n"
     "custom:\n  esbuild:\n    format: esm\n    outputFileExtension: .mjs\n"),
    # custom without esbuild: first in it, with its indentation
    ("service: a\ncustom:\n    stage: dev\n", "service: a\ncustom:\n    esbuild:\n      format: esm\n"
     "      outputFileExtension: .mjs\n    stage: dev\n"),
    # the format replaced, the extension added first; comments kept
    ("custom:\n  esbuild:  # bundling\n    bundle: true\n    format: 'cjs'  # Lambda's default\n",
     "custom:\n  esbuild:  # bundling\n    outputFileExtension: .mjs\n    bundle: true\n    format: esm  # Lambda's default\n"),
    # `custom:` and `esbuild:` with nothing under them; CRLF kept
    ("custom:\r\nfunctions: {}\r\n", "custom:\r\n  esbuild:\r\n    format: esm\r\n    outputFileExtension: .mjs\r\n"
     "functions: {}\r\n"),
    ("custom:\n  esbuild:\nfunctions: {}\n", "custom:\n  esbuild:\n    format: esm\n    outputFileExtension: .mjs\n"
     "functions: {}\n"),
])
def test_edits(before, after):
    assert _edited(before) == after
    assert yaml.safe_load(after)["custom"]["esbuild"]["format"] == "esm"


@pytest.mark.parametrize("text,reason", [
    ("custom: { esbuild: { format: cjs } }\n", "`custom` is not a block mapping"),
    ("custom:\n  esbuild:\n    format: !Ref Fmt\n", "its `format` is not a plain value"),
    ("- a\n- b\n", "the file is not a block mapping"),
    ("custom: [\n", "the file is not YAML tla-lens can read"),
])
def test_refusals(text, reason):
    result = _edited(text)
    assert isinstance(result, Refusal) and result.reason == reason, result


def test_nothing_to_do_and_json():
    assert serverless_esm(b"custom:\n  esbuild:\n    format: esm\n    outputFileExtension: .mjs\n", False) is None
    text = json.dumps({"service": "a", "custom": {"esbuild": {"bundle": True}}}, indent=2).encode()
    result = serverless_esm(text, True)
    assert json.loads(apply_edits(text, result.edits))["custom"]["esbuild"] == \
        {"bundle": True, "format": "esm", "outputFileExtension": ".mjs"}


def test_yaml_set_keeps_sequences_and_order():
    """A list value is added only where its key is missing; new keys come first, in order."""
    text = b"a:\n  b:\n    x: 1\n    seq:\n      - old\n"
    new = yaml_set(text, ("a", "b"), [("p", "1"), ("q", "2"), ("seq", ["new"])], "t")
    assert new == b"a:\n  b:\n    p: 1\n    q: 2\n    x: 1\n    seq:\n      - old\n"
    assert yaml_set(b"", ("a",), [("k", "v")], "t") == b"a:\n  k: v\n"


def test_the_edited_service_packages_and_the_handler_waits(serverless_cli, node26, tmp_path):
    """Packaging fails on the handler's top-level await in the CommonJS bundle; the fix edits
    serverless.yml, then the framework packages it, Node runs the handler's ES module (which
    waited), and tla-lens reports no error."""
    from tests.resolve.test_serverless import _bundle, _package, _service

    root = _service(tmp_path)
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.severity == "error"]
    found = esm_build(project.cjs_bundled[f.path], lambda p: p.read_bytes())
    assert found is not None
    path, text, result = found
    assert path == root / "serverless.yml" and isinstance(result, Fix), result
    path.write_bytes(apply_edits(text, result.edits))
    ok, out = _package(root, serverless_cli, node26)
    assert ok, out
    bundle = _bundle(root, tmp_path, "src/app.mjs")
    run = subprocess.run([str(node26), "--input-type=module", "-e",
                          f"const m = await import({json.dumps(bundle.as_uri())}); console.log((await m.handler()).body)"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "s", run.stdout + run.stderr
    assert not [f for f in analyse(root, Config(), cache=False).findings if f.severity == "error"]
