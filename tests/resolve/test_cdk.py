"""AWS CDK's NodejsFunction: the Lambda handlers CDK bundles with esbuild as it synthesizes the
app, CommonJS unless `bundling.format` says ES modules. Held to aws-cdk-lib 2.276 synthesizing
each app (tsx running it, esbuild 0.28 bundling) and Node 26 requiring the bundles it made."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

PACKAGES = {
    "slow-dep/package.json": '{"name": "slow-dep", "version": "1.0.0", "type": "module", "exports": "./i.js"}',
    "slow-dep/i.js": "export const x = await Promise.resolve('A');\n",
}
HANDLERS = {
    # reads a secret at cold start: a top-level await
    "lambda/secret.ts": 'const secret = await Promise.resolve("s");\n\n'
                        'export const handler = async () => ({ statusCode: 200, body: secret });\n',
    "lambda/plain.ts": 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n',
    "lambda/uses-dep.ts": 'import { x } from "slow-dep";\n\nexport const handler = async () => ({ body: x });\n',
}
HEAD = ('import * as path from "node:path";\nimport { App, Stack } from "aws-cdk-lib";\n'
        'import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";\n\n'
        'const app = new App({ outdir: "cdk.out" });\nconst stack = new Stack(app, "Api");\n')


def _app(tmp_path: Path, body: str, extra: "dict | None" = None) -> Path:
    root = Path(os.path.realpath(tmp_path)) / "infra"
    for rel, text in PACKAGES.items():
        (root / "node_modules" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "node_modules" / rel).write_text(text)
    for rel, text in {**HANDLERS, **(extra or {})}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "lib").mkdir(exist_ok=True)
    (root / "lib/stack.ts").write_text(HEAD + body + "app.synth();\n")
    (root / "cdk.json").write_text(json.dumps({"app": "npx tsx lib/stack.ts"}))
    # (CDK finds the project's root by its lock file)
    (root / "package-lock.json").write_text(json.dumps({"name": "infra", "lockfileVersion": 3, "packages": {}}))
    (root / "package.json").write_text(json.dumps({"name": "infra", "version": "1.0.0",
                                                   "dependencies": {"aws-cdk-lib": "2.276.0", "slow-dep": "1.0.0"},
                                                   "devDependencies": {"esbuild": "0.28.2"}}))
    return root


def _synth(root: Path, node26: Path, engines: Path) -> subprocess.CompletedProcess:
    """What `cdk synth` runs (cdk.json's app), with the engines' aws-cdk-lib and esbuild (a
    devDependency of the app: CDK looks for it there)."""
    (root / "node_modules/esbuild").symlink_to(engines / "esbuild")
    env = dict(os.environ, PATH=f"{engines / '.bin'}:{node26.parent}:{os.environ['PATH']}", NODE_PATH=str(engines))
    return subprocess.run([str(engines / ".bin/tsx"), "lib/stack.ts"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)


def _bundles(root: Path) -> list[Path]:
    return sorted(p for p in (root / "cdk.out").glob("asset.*/index.*js"))


def test_default_commonjs_bundle_refuses_a_top_level_await(node26, engines_node_modules, tmp_path):
    root = _app(tmp_path, 'new NodejsFunction(stack, "Secret", { entry: path.join(__dirname, "../lambda/secret.ts") });\n'
                          'new NodejsFunction(stack, "Plain", { entry: "lambda/plain.ts" });\n')
    project = analyse(root, Config(), cache=False)
    proc = _synth(root, node26, engines_node_modules)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and 'Top-level await is currently not supported with the "cjs" output format' in out \
        and "lambda/secret.ts" in out, out
    (f,) = [f for f in project.findings if f.severity == "error"]
    assert f.path == root / "lambda/secret.ts" and f.code == "top-level-await"
    assert "NodejsFunction's CommonJS build (`Secret` in lib/stack.ts, line 7) bundles this module, and esbuild " \
           "refuses a top-level await in CommonJS (\"Top-level await is currently not supported with the \"cjs\" " \
           "output format\"): that build fails; move the await into an async function, or bundle an ES module " \
           "(`bundling: { format: OutputFormat.ESM }` in its props)" in f.message, f.message


def test_es_module_bundle_waits(node26, engines_node_modules, tmp_path):
    """`bundling: { format: OutputFormat.ESM }` (the fix the message names): the synth bundles
    it, and the handler's module waits."""
    root = _app(tmp_path, 'new NodejsFunction(stack, "Secret", {\n  entry: path.join(__dirname, "../lambda/secret.ts"),\n'
                          '  bundling: { format: OutputFormat.ESM },\n});\n')
    project = analyse(root, Config(), cache=False)
    proc = _synth(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (bundle,) = _bundles(root)
    assert bundle.name == "index.mjs"
    assert not [f for f in project.findings if f.severity == "error"], [f.message for f in project.findings]
    assert project.modules[root / "lambda/secret.ts"].is_async


def test_external_module_is_required_by_the_bundle(node26, engines_node_modules, tmp_path):
    """A package `bundling.externalModules` keeps external is a require() in the CommonJS
    bundle: an async one throws when Lambda loads the handler; a loop makes one function
    for each of its strings."""
    root = _app(tmp_path,
                'for (const name of ["uses-dep", "plain"]) {\n'
                '  new NodejsFunction(stack, name, {\n    entry: path.join(__dirname, `../lambda/${name}.ts`),\n'
                '    bundling: { externalModules: ["@aws-sdk/*", "slow-dep"] },\n  });\n}\n')
    project = analyse(root, Config(), cache=False)
    proc = _synth(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs: dict[bool, list[str]] = {}
    for bundle in _bundles(root):
        run = subprocess.run([str(node26), "-e", f"require({json.dumps(str(bundle))}); console.log('ok')"],
                             cwd=root, capture_output=True, text=True, timeout=60,
                             env=dict(os.environ, NODE_PATH=str(root / "node_modules")))
        runs.setdefault("slow-dep" in bundle.read_text(), []).append(run.stdout + run.stderr)
    assert len(runs[True]) == 1 and "ERR_REQUIRE_ASYNC_MODULE" in runs[True][0], runs
    assert len(runs[False]) == 1 and "ok" in runs[False][0], runs
    errors = {f.path.relative_to(root).as_posix(): f for f in project.findings if f.severity == "error"}
    assert set(errors) == {"lambda/uses-dep.ts"}, [f.message for f in project.findings]
    f = errors["lambda/uses-dep.ts"]
    assert f.code == "require-async" and f.message.startswith(
        "`slow-dep` is a package that NodejsFunction's CommonJS build (`uses-dep` in lib/stack.ts, line 8) keeps "
        "external: the bundle loads it with `require(\"slow-dep\")`"), f.message
    assert f.message.endswith("(esbuild keeps import() as it is), or build ES modules only (`bundling: { format: "
                              "OutputFormat.ESM }` in its props)"), f.message


def test_default_entry_bundles_a_package_with_its_await(node26, engines_node_modules, tmp_path):
    """No `entry`: the stack file's name and the construct's id (lib/stack.Default.ts); it
    imports slow-dep, which the bundle includes (not an external) with its await: the synth
    fails, and the import says so."""
    root = _app(tmp_path, 'new NodejsFunction(stack, "Default");\n',
                {"lib/stack.Default.ts": 'import { x } from "slow-dep";\nexport const handler = async () => x;\n'})
    project = analyse(root, Config(), cache=False)
    proc = _synth(root, node26, engines_node_modules)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "lib/stack.Default.ts" in out and \
        'Top-level await is currently not supported with the "cjs" output format' in out, out
    (d,) = [f for f in project.findings if f.severity == "error"]
    assert d.path == root / "lib/stack.Default.ts" and d.code == "async-import"
    assert "NodejsFunction's CommonJS build (`Default` in lib/stack.ts, line 7) bundles `slow-dep` with its " \
           "top-level await" in d.message, d.message


@pytest.mark.parametrize("body,expected", [
    ('new NodejsFunction(stack, "A", { entry: "lambda/plain.ts", bundling: { target: "es2020", '
     'format: OutputFormat.ESM } });\n',
     [{"construct": "A", "entries": ["./lambda/plain.ts"], "formats": ["esm"], "esbuildTarget": ["es2020"]}]),
    ('new NodejsFunction(stack, "B", { entry: "lambda/plain.ts", bundling: { esbuildArgs: { "--packages": '
     '"external" } } });\n', [{"construct": "B", "entries": ["./lambda/plain.ts"], "formats": ["cjs"],
                               "everyPackage": True}]),
    # a helper's parameters: the id is read from its call, props passed through are not
    ('function make(id: string, props: object) {\n  return new NodejsFunction(stack, id, props);\n}\n'
     'make("Fn", { entry: "lambda/plain.ts" });\n',
     [{"construct": "", "entries": [], "formats": ["cjs"], "notRead": "lib/stack.ts: the NodejsFunction at line 8 is not read: its props are not an "
                                   "object literal"}]),
])
def test_print_config_lists_the_functions(body, expected, tmp_path):
    import sys

    root = _app(tmp_path, body)
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    got = json.loads(r.stdout)["tsupBuilds"]
    assert [{k: v for k, v in b.items() if k in ("construct", "entries", "formats", "esbuildTarget", "everyPackage",
                                                  "notRead")} for b in got] == expected, got


def test_the_example_fails_to_synthesize_as_tla_lens_says(node26, engines_node_modules, tmp_path):
    """examples/cdk-lambda (in `make run`), its stand-in aws-cdk-lib replaced by the real one:
    the synth fails bundling ListOrders, on the await tla-lens reports as the one error; with
    that function bundled as an ES module (the fix the message names), it synthesizes."""
    import shutil

    example = Path(__file__).resolve().parents[2] / "examples" / "cdk-lambda"
    root = Path(os.path.realpath(tmp_path)) / "cdk-lambda"
    shutil.copytree(example, root, symlinks=True)
    project = analyse(root, Config(), cache=False)
    assert [(f.path.relative_to(root).as_posix(), f.code) for f in project.findings if f.severity == "error"] == \
        [("shared/config.ts", "top-level-await")]
    shutil.rmtree(root / "node_modules")
    (root / "node_modules").mkdir()
    for name in ("aws-cdk-lib", "constructs"):
        (root / "node_modules" / name).symlink_to(engines_node_modules / name)
    env = dict(os.environ, PATH=f"{engines_node_modules / '.bin'}:{node26.parent}:{os.environ['PATH']}")

    def synth() -> subprocess.CompletedProcess:
        if not (root / "node_modules/esbuild").exists():
            (root / "node_modules/esbuild").symlink_to(engines_node_modules / "esbuild")
        return subprocess.run([str(engines_node_modules / ".bin/tsx"), "bin/app.ts"], cwd=root, env=env,
                              capture_output=True, text=True, timeout=300)

    proc = synth()
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Orders/ListOrders" in out and "shared/config.ts" in out and \
        'Top-level await is currently not supported with the "cjs" output format' in out, out
    stack = root / "lib/orders-stack.ts"
    stack.write_text(stack.read_text().replace('"../lambda/list-orders.ts"),\n',
                                               '"../lambda/list-orders.ts"),\n      bundling: { format: OutputFormat.ESM },\n'))
    proc = synth()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    project = analyse(root, Config(), cache=False)
    assert not [f for f in project.findings if f.severity == "error"], [f.message for f in project.findings]
