"""AWS SAM's esbuild builds (`Metadata: BuildMethod: esbuild`): held to SAM CLI 1.170 running
`sam build` on each template (esbuild 0.28 from the engines) and Node 26 requiring what it
built. SAM's defaults — `--target=es2020`, `--format=cjs` — refuse a top-level await, the target
first, so `Format: esm` alone is not enough."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse
from tla_lens.resolve.sam import sam_builds

PACKAGES = {
    "slow-dep/package.json": '{"name": "slow-dep", "version": "1.0.0", "type": "module", "exports": "./i.js"}',
    "slow-dep/i.js": "export const x = await Promise.resolve('A');\n",
}
SECRET = 'const secret = await Promise.resolve("s");\n\nexport const handler = async () => ({ body: secret });\n'
USES_DEP = 'import { x } from "slow-dep";\n\nexport const handler = async () => ({ body: x });\n'


def _template(props: str, handler: str = "app.handler") -> str:
    return ("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
            "Globals:\n  Function:\n    Timeout: 3\n    Runtime: nodejs22.x\n"
            "Resources:\n  HelloFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            f"      CodeUri: hello/\n      Handler: {handler}\n"
            "      Events:\n        Api:\n          Type: Api\n          Properties:\n            Path: /hello\n"
            "            Method: get\n    Metadata:\n      BuildMethod: esbuild\n"
            f"{props}"
            "Outputs:\n  Url:\n    Value: !Sub \"https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com/\"\n")


def _app(tmp_path: Path, props: str, app: str = SECRET, handler: str = "app.handler") -> Path:
    root = Path(os.path.realpath(tmp_path)) / "sam-app"
    (root / "hello").mkdir(parents=True)
    (root / "template.yaml").write_text(_template(props, handler))
    (root / "hello/app.ts").write_text(app)
    # (a dependency npm installs from a folder: `sam build` runs npm, with no registry needed)
    (root / "hello/package.json").write_text(json.dumps({"name": "hello", "version": "1.0.0",
                                                          "dependencies": {"slow-dep": "file:./vendor/slow-dep"}}))
    for rel, text in PACKAGES.items():
        (root / "hello/vendor" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "hello/vendor" / rel).write_text(text)
    (root / "hello/node_modules").mkdir()
    (root / "hello/node_modules/slow-dep").symlink_to("../vendor/slow-dep")
    return root


def _sam_build(root: Path, sam: Path, node26: Path, engines: Path) -> subprocess.CompletedProcess:
    """`sam build` in the app's folder, in source (the dependencies are there already), with the
    engines' esbuild and Node 26 on the PATH."""
    env = dict(os.environ, PATH=f"{engines / '.bin'}:{node26.parent}:{os.environ['PATH']}", SAM_CLI_TELEMETRY="0",
               SAM_CLI_CONTACT_US="0")
    return subprocess.run([str(sam), "build", "--build-in-source"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)


PROPS = {
    # SAM's defaults: es2020 (no top-level await), CommonJS
    "defaults": "      BuildProperties:\n        EntryPoints:\n          - app.ts\n",
    # what AWS's examples of ES modules write: the target still refuses it
    "esm-es2020": "      BuildProperties:\n        Format: esm\n        Target: es2020\n        OutExtension:\n"
                  "          - .js=.mjs\n        EntryPoints:\n          - app.ts\n",
    "cjs-es2022": "      BuildProperties:\n        Target: es2022\n        EntryPoints:\n          - app.ts\n",
}


@pytest.mark.parametrize("case", list(PROPS))
def test_default_builds_refuse_a_top_level_await(case, sam_cli, node26, engines_node_modules, tmp_path):
    root = _app(tmp_path, PROPS[case])
    project = analyse(root, Config(), cache=False)
    proc = _sam_build(root, sam_cli, node26, engines_node_modules)
    out = proc.stdout + proc.stderr
    words = ('Top-level await is currently not supported with the "cjs" output format' if case == "cjs-es2022"
             else 'Top-level await is not available in the configured target environment ("es2020")')
    assert proc.returncode != 0 and words in out, out
    (f,) = [f for f in project.findings if f.severity == "error"]
    assert f.path == root / "hello/app.ts" and f.code == "top-level-await"
    assert "function `HelloFunction` of template.yaml) bundles this module, and esbuild refuses a top-level " \
           "await" in f.message and f"(\"{words}\"): that build fails" in f.message, f.message
    fix = {"defaults": "set `Target: es2022` (or later, or node18 and later) and `Format: esm` in the function's "
                       "`Metadata.BuildProperties`",
           "esm-es2020": "set `Target: es2022` (or later, or node18 and later) in the function's "
                         "`Metadata.BuildProperties`",
           "cjs-es2022": "set `Format: esm` in the function's `Metadata.BuildProperties`"}[case]
    assert f.message.endswith(fix), f.message


def test_es_module_for_a_target_with_top_level_await_builds(sam_cli, node26, engines_node_modules, tmp_path):
    """`Format: esm` with `Target: es2022` (the fix the messages name): SAM builds it, Node runs
    the handler's module (which waits), and tla-lens reports no error; the handler's module is
    found by `Handler` where there are no EntryPoints."""
    root = _app(tmp_path, "      BuildProperties:\n        Format: esm\n        Target: es2022\n        OutExtension:\n"
                          "          - .js=.mjs\n")
    project = analyse(root, Config(), cache=False)
    assert [b.entries for b in sam_builds(str(root), os.path.isfile, lambda p: Path(p).read_text())] == [("app.ts",)]
    proc = _sam_build(root, sam_cli, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (bundle,) = list((root / ".aws-sam/build/HelloFunction").glob("app.mjs"))
    run = subprocess.run([str(node26), "--input-type=module", "-e",
                          f"const m = await import({json.dumps(bundle.as_uri())}); console.log((await m.handler()).body)"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "s", run.stdout + run.stderr
    assert not [f for f in project.findings if f.severity == "error"], [f.message for f in project.findings]


def test_external_package_is_required(sam_cli, node26, engines_node_modules, tmp_path):
    """`External: [slow-dep]` in a CommonJS build for a target with top-level await: the bundle
    require()s the package, which throws; the import is a require-async error."""
    root = _app(tmp_path, "      BuildProperties:\n        Target: es2022\n        External:\n          - slow-dep\n"
                          "        EntryPoints:\n          - app.ts\n", app=USES_DEP)
    project = analyse(root, Config(), cache=False)
    proc = _sam_build(root, sam_cli, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bundle = root / ".aws-sam/build/HelloFunction/app.js"
    run = subprocess.run([str(node26), "-e", f"require({json.dumps(str(bundle))})"], capture_output=True, text=True,
                         timeout=60, env=dict(os.environ, NODE_PATH=str(root / "hello/node_modules")))
    assert "ERR_REQUIRE_ASYNC_MODULE" in run.stderr, run.stdout + run.stderr
    (f,) = [f for f in project.findings if f.severity == "error"]
    assert f.code == "require-async" and f.message.startswith(
        "`slow-dep` is a package that SAM's CommonJS build (function `HelloFunction` of template.yaml) keeps "
        "external"), f.message
    assert f.message.endswith("(esbuild keeps import() as it is), or build ES modules only (`Format: esm` in the "
                              "function's `Metadata.BuildProperties`, with a `Target` that has top-level await "
                              "(es2022 or later))"), f.message


LAMBDA_FUNCTION = ("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  PlainFunction:\n"
                   "    Type: AWS::Lambda::Function\n    Properties:\n      Code: %s\n      Handler: app.handler\n"
                   "      Runtime: nodejs22.x\n      Role: arn:aws:iam::123456789012:role/lambda\n"
                   "    Metadata:\n      BuildMethod: esbuild\n")


@pytest.mark.parametrize("how", ["samconfig", "script", "config-env"])
def test_template_named_elsewhere(how, sam_cli, node26, engines_node_modules, tmp_path):
    """A template that is not template.yaml, named by samconfig.toml's `template_file`, by a
    package.json script's `sam build -t`, or by a samconfig environment a script picks
    (`--config-env`): `sam build` reads it (run as the script says), its `Code` is relative to
    the template (`../hello/`), and its plain `AWS::Lambda::Function` is bundled as a
    `Serverless::Function` is: with SAM's defaults, the await fails the build."""
    root = _app(tmp_path, "")
    (root / "template.yaml").unlink()
    (root / "infra").mkdir()
    (root / "infra/app.yaml").write_text(LAMBDA_FUNCTION % "../hello/")
    args = ["build", "--build-in-source"]
    if how == "samconfig":
        (root / "samconfig.toml").write_text('version = 0.1\n[default.build.parameters]\ntemplate_file = "infra/app.yaml"\n')
    elif how == "script":
        args += ["-t", "infra/app.yaml"]
        (root / "package.json").write_text(json.dumps({"scripts": {"build": "sam " + " ".join(args)}}))
    else:
        (root / "samconfig.toml").write_text('version = 0.1\n[prod.global.parameters]\ntemplate_file = "infra/app.yaml"\n')
        args += ["--config-env", "prod"]
        (root / "package.json").write_text(json.dumps({"scripts": {"build": "npx sam " + " ".join(args)}}))
    project = analyse(root, Config(), cache=False)
    env = dict(os.environ, PATH=f"{engines_node_modules / '.bin'}:{node26.parent}:{os.environ['PATH']}",
               SAM_CLI_TELEMETRY="0")
    proc = subprocess.run([str(sam_cli), *args], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Top-level await is not available in the configured target environment " \
        '("es2020")' in out and "PlainFunction" in out, out
    (f,) = [f for f in project.findings if f.severity == "error"]
    assert f.path == root / "hello/app.ts" and f.code == "top-level-await"
    assert "SAM's build (function `PlainFunction` of infra/app.yaml) bundles this module" in f.message, f.message


@pytest.mark.parametrize("kind", ["AWS::Serverless::Application", "AWS::CloudFormation::Stack"])
def test_a_nested_stack_is_built_too(kind, sam_cli, node26, engines_node_modules, tmp_path):
    """A template naming a local template as a nested stack: `sam build` builds the nested
    functions as well (their `CodeUri` relative to the nested template), and fails on the
    handler's await there."""
    root = _app(tmp_path, "      BuildProperties:\n        EntryPoints:\n          - app.ts\n")
    (root / "child").mkdir()
    (root / "template.yaml").rename(root / "child/template.yaml")
    (root / "hello").rename(root / "child/hello")
    prop = "Location" if kind.startswith("AWS::Serverless") else "TemplateURL"
    (root / "template.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
                                        f"Resources:\n  Child:\n    Type: {kind}\n    Properties:\n"
                                        f"      {prop}: child/template.yaml\n")
    project = analyse(root, Config(), cache=False)
    proc = _sam_build(root, sam_cli, node26, engines_node_modules)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Child/HelloFunction" in out and \
        'Top-level await is not available in the configured target environment ("es2020")' in out, out
    (f,) = [f for f in project.findings if f.severity == "error"]
    assert f.path == root / "child/hello/app.ts" and f.code == "top-level-await"
    assert "SAM's build (function `HelloFunction` of child/template.yaml) bundles this module" in f.message, f.message


@pytest.mark.parametrize("text,expected", [
    # (JSON templates; CodeUri from Globals; a function not built by esbuild; a template not read)
    (json.dumps({"Globals": {"Function": {"CodeUri": "src/"}}, "Resources": {
        "A": {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "x.handler"},
              "Metadata": {"BuildMethod": "esbuild", "BuildProperties": {"EntryPoints": ["x.ts"], "Format": "esm"}}},
        "B": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "b/"}}}}),
     [("A", "src", ("x.ts",), ("esm",), ("es2020",))]),
    ("Resources: [esbuild", []),
    # a nested stack naming the template itself: read once
    (json.dumps({"Resources": {"Self": {"Type": "AWS::Serverless::Application",
                                        "Properties": {"Location": "./template.json"}}}}), []),
    # (a plain Lambda function: `Code` is its folder, the Globals are not its; S3 code is not local)
    (json.dumps({"Globals": {"Function": {"CodeUri": "src/"}}, "Resources": {
        "A": {"Type": "AWS::Lambda::Function", "Properties": {"Code": "fn", "Handler": "x.handler"},
              "Metadata": {"BuildMethod": "esbuild", "BuildProperties": {"EntryPoints": ["x.ts"]}}},
        "B": {"Type": "AWS::Lambda::Function", "Properties": {"Code": {"S3Bucket": "b", "S3Key": "k"}},
              "Metadata": {"BuildMethod": "esbuild"}}}}),
     [("A", "fn", ("x.ts",), ("cjs",), ("es2020",)), ("B", ".", (), ("cjs",), ())]),
])
def test_templates_read(text, expected, tmp_path):
    (tmp_path / "template.json").write_text(text)
    got = sam_builds(str(tmp_path), os.path.isfile, lambda p: Path(p).read_text())
    assert [(b.script, os.path.relpath(b.package_dir, tmp_path), b.entries, b.formats, b.target) for b in got] == \
        expected


def test_print_config_lists_the_functions(tmp_path):
    import sys

    root = _app(tmp_path, PROPS["esm-es2020"])
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    assert json.loads(r.stdout)["tsupBuilds"] == [
        {"file": "template.yaml", "function": "HelloFunction", "tool": "SAM", "entries": ["./hello/app.ts"],
         "formats": ["esm"], "external": [], "esbuildTarget": ["es2020"]}]


_KEYS = ["Resources", "Globals", "Function", "Type", "AWS::Serverless::Function", "AWS::Lambda::Function", "Code",
         "AWS::Serverless::Application", "Location", "template.json",
         "Properties", "CodeUri",
         "Handler", "Metadata", "BuildMethod", "esbuild", "BuildProperties", "EntryPoints", "Format", "Target",
         "External", "HelloFunction"]


def test_any_template_is_read_without_failing(tmp_path):
    """Whatever a template holds (a mapping, a list, strings where maps are expected), reading
    it gives builds or none, never an exception."""
    from hypothesis import given, settings, strategies as st

    values = st.recursive(st.none() | st.booleans() | st.integers() | st.sampled_from(_KEYS + ["./node_modules/*",
                                                                                               "es2022", "cjs"]),
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYS), inner,
                                                                                      max_size=4), max_leaves=20)

    @settings(max_examples=200, deadline=None)
    @given(data=values)
    def check(data):
        files = {str(tmp_path / "template.json"): json.dumps(data), str(tmp_path / "hello/package.json"): "{"}
        for b in sam_builds(str(tmp_path), files.__contains__, files.get):
            assert isinstance(b.entries, tuple) and (b.unread is None or isinstance(b.unread, str))
            assert isinstance(b.refusal_fix, str) and isinstance(b.esm_flag, str)

    check()
