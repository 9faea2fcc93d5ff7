"""`bun build` in an npm script (Bun 1.4's bundler), held to Bun building each package as npm
runs the script, and to Node 26 or Bun running every bundle it made:

- a CommonJS bundle (`--format=cjs`, or the default of `--bytecode`) keeps external what
  `--packages=external` and `-e`/`--external` say and loads it with `require()` when it runs:
  a package with top-level await there throws (Node's ERR_REQUIRE_ASYNC_MODULE; with
  `--target=bun` Bun runs it and throws its TypeError); import() stays import();
- a top-level await the CommonJS (or IIFE) bundle includes fails the build;
- ES modules (the default) and `--no-bundle` (each file transpiled alone, in its own syntax)
  are not such builds.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse
from tla_lens.resolve.tsup import package_cjs_builds

# (an await of a timer: Bun's require() throws only while the await is still waiting)
PACKAGES = {
    "slow-dep/package.json": '{"name": "slow-dep", "version": "1.0.0", "type": "module", "exports": '
                             '{".": "./i.js", "./sub": "./sub.js"}}',
    "slow-dep/i.js": "export const x = await new Promise((r) => setTimeout(() => r('A'), 5));\n",
    "slow-dep/sub.js": "export const y = await new Promise((r) => setTimeout(() => r('B'), 5));\n",
    "sync-dep/package.json": '{"name": "sync-dep", "version": "1.0.0", "type": "module", "exports": "./i.js"}',
    "sync-dep/i.js": "export const x = 'S';\n",
}
SOURCES = {
    "index": 'import { x } from "slow-dep";\n\nexport function show() {\n  console.log(x);\n}\nshow();\n',
    "sub": 'import { y } from "slow-dep/sub";\nconsole.log(y);\n',
    "sync": 'import { x } from "sync-dep";\nconsole.log(x);\n',
    "lazy": 'export async function go() {\n  const { x } = await import("slow-dep");\n  console.log(x);\n}\ngo();\n',
    # no build takes it: its import of slow-dep is no build's
    "other": 'import { x } from "slow-dep";\nconsole.log(x);\n',
}
ENTRIES = "src/index.ts src/sub.ts src/sync.ts src/lazy.ts"
OUT = "--outdir dist --entry-naming '[name].cjs'"


def _project(tmp_path: Path, script: str) -> Path:
    root = Path(os.path.realpath(tmp_path)) / "svc"
    for rel, text in PACKAGES.items():
        (root / "node_modules" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "node_modules" / rel).write_text(text)
    (root / "src").mkdir(parents=True)
    for name, text in SOURCES.items():
        (root / "src" / f"{name}.ts").write_text(text)
    (root / "package.json").write_text(json.dumps({
        "name": "svc", "version": "1.0.0", "scripts": {"build": script},
        "dependencies": {"slow-dep": "1.0.0", "sync-dep": "1.0.0"}}, indent=2))
    return root


def _build(root: Path, bun: Path) -> subprocess.CompletedProcess:
    """npm's way: the script run by a shell in the package folder, bun on the PATH."""
    env = dict(os.environ, PATH=f"{bun.parent}:{os.environ['PATH']}", BUN_RUNTIME_TRANSPILER_CACHE_PATH="0")
    script = json.loads((root / "package.json").read_text())["scripts"]["build"]
    return subprocess.run(["sh", "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=300)


def _run_outputs(root: Path, runtime: Path) -> dict[str, str]:
    out = {}
    for file in sorted((root / "dist").glob("*.cjs")):
        run = subprocess.run([str(runtime), str(file)], cwd=root, capture_output=True, text=True, timeout=60,
                             env=dict(os.environ, BUN_RUNTIME_TRANSPILER_CACHE_PATH="0"))
        out[file.stem] = run.stdout + run.stderr
    return out


# (script, runtime of the bundles: "node" or "bun", the words of its throw)
RUNS = {
    "packages-external": (f"bun build {ENTRIES} {OUT} --format=cjs --target=node --packages=external", "node",
                          "ERR_REQUIRE_ASYNC_MODULE"),
    # one package named (its subpaths too), Bun running the bundles
    "external-flag": (f"bun build {ENTRIES} {OUT} --format cjs --target=bun -e slow-dep", "bun",
                      "require() async module"),
    "wildcard": (f"bun build {ENTRIES} {OUT} --format=cjs --target=node --external 'slow-*'", "node",
                 "ERR_REQUIRE_ASYNC_MODULE"),
    # --bytecode: CommonJS unless told otherwise
    "bytecode": (f"bun build {ENTRIES} {OUT} --bytecode --target=bun --packages external", "bun",
                 "require() async module"),
}


@pytest.mark.parametrize("case", list(RUNS))
def test_cjs_bundles_throw_where_tla_lens_says(case, bun, node26, tmp_path):
    script, runtime, words = RUNS[case]
    root = _project(tmp_path, script)
    project = analyse(root, Config(), cache=False)
    proc = _build(root, bun)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = _run_outputs(root, node26 if runtime == "node" else bun)
    assert set(runs) == {"index", "sub", "sync", "lazy"}, runs
    throws = {name for name, out in runs.items() if words in out}
    assert throws == {"index", "sub"}, runs
    assert "A" in runs["lazy"] and "S" in runs["sync"]
    errors = {f.path.stem: f for f in project.findings if f.code == "require-async"}
    assert set(errors) == throws, [f.message for f in project.findings]
    msg = errors["index"].message
    assert msg.startswith("`slow-dep` is a package that Bun's CommonJS build (script `build` of package.json) keeps "
                          "external: the bundle loads it with `require(\"slow-dep\")`, and it is an async module"), msg
    thrower = "Bun throws \"TypeError: require() async module … is unsupported\"" if runtime == "bun" \
        else "Node throws ERR_REQUIRE_ASYNC_MODULE"
    assert f"when the bundle runs, {thrower} at this import" in msg, msg
    assert msg.endswith("(Bun keeps import() as it is), or build ES modules only (`--format=esm`" +
                        (", without `--bytecode`)" if case == "bytecode" else ")")), msg
    # what the bundle loads lazily, or a file no build takes, waits as an ES module
    assert not project.modules[root / "src/index.ts"].is_async
    assert project.modules[root / "src/other.ts"].is_async


@pytest.mark.parametrize("flags", ["--format=cjs --target=node", "--format=iife"])
def test_a_bundled_top_level_await_fails_the_build(flags, bun, tmp_path):
    """Bun refuses a top-level await in a CommonJS or IIFE bundle — the app's own, or a
    package's it bundles; the errors are on the await and on the bundled import, not on the
    import of a file no build takes."""
    root = _project(tmp_path, f"bun build src/index.ts src/main.ts {OUT} {flags}")
    (root / "src/config.ts").write_text("export const config = await new Promise((r) => r({ port: 1 }));\n")
    (root / "src/main.ts").write_text('import { config } from "./config";\nconsole.log(config);\n')
    project = analyse(root, Config(), cache=False)
    proc = _build(root, bun)
    assert proc.returncode != 0 and '"await" can only be used inside an "async" function' in proc.stderr, \
        proc.stdout + proc.stderr
    kind = "IIFE" if "iife" in flags else "CommonJS"
    (tla,) = [f for f in project.findings if f.code == "top-level-await" and f.path.stem == "config"]
    assert tla.severity == "error" and (
        f"Bun's {kind} build (script `build` of package.json) bundles this module, and Bun refuses a top-level "
        f"await in {kind} (\"\"await\" can only be used inside an \"async\" function\"): that build fails"
        in tla.message), tla.message
    failing = {f.path.stem for f in project.findings if f.code == "async-import" and f.severity == "error"}
    assert failing == {"index"}, [f.message for f in project.findings]
    (f,) = [f for f in project.findings if f.path.stem == "index" and f.code == "async-import"]
    assert "Bun's " + kind + " build (script `build` of package.json) bundles `slow-dep` with its top-level " \
        "await" in f.message, f.message


@pytest.mark.parametrize("flags", ["", "--format=esm --target=node --packages=external", "--no-bundle --format=cjs",
                                   "--compile --bytecode --format=esm"])
def test_es_module_builds_wait(flags, bun, tmp_path):
    """ES modules (Bun's default; also `--compile --bytecode --format=esm`) and `--no-bundle`
    (its output keeps the module syntax whatever `--format` says): the build takes the awaits,
    and the app waits for them."""
    out = "--outfile dist/app" if "--compile" in flags else "--outdir dist"
    root = _project(tmp_path, f"bun build src/index.ts {out} {flags}")
    project = analyse(root, Config(), cache=False)
    proc = _build(root, bun)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not [f for f in project.findings if f.severity == "error"], [f.message for f in project.findings]
    assert project.modules[root / "src/index.ts"].is_async
    if "--no-bundle" in flags:
        assert 'from "slow-dep"' in (root / "dist/index.js").read_text()
        return
    if "--compile" in flags:
        run = subprocess.run([str(root / "dist/app")], cwd=root, capture_output=True, text=True, timeout=60)
    else:
        run = subprocess.run([str(bun), str(root / "dist/index.js")], cwd=root, capture_output=True, text=True,
                             timeout=60, env=dict(os.environ, BUN_RUNTIME_TRANSPILER_CACHE_PATH="0"))
    assert run.returncode == 0 and run.stdout.strip() == "A", run.stdout + run.stderr


@pytest.mark.parametrize("script,expected", [
    # (entries, formats, external, every package, Bun runs it)
    ("bun build ./src/a.ts --outdir=out --format=cjs", (("./src/a.ts",), ("cjs",), (), False, False)),
    ("bunx bun build --sourcemap src/a.ts --format iife -e react --external=@aws-sdk/*",
     (("src/a.ts",), ("iife",), (("name", "react"), ("wildcard", "@aws-sdk/*")), False, False)),
    ("NODE_ENV=production bun build --define X=1 src/a.ts --compile --bytecode --outfile app",
     (("src/a.ts",), ("cjs",), (), False, True)),
    ("bun build src/a.ts src/b.ts --target bun --format=cjs --packages=external",
     (("src/a.ts", "src/b.ts"), ("cjs",), (), True, True)),
])
def test_bun_build_commands_read(script, expected, tmp_path):
    manifest = {"name": "x", "scripts": {"build": script}}
    (b,) = package_cjs_builds(manifest, str(tmp_path), os.path.isfile, lambda p: None, every_format=True)
    assert (b.entries, b.formats, b.external, b.every_package, b.runtime == "bun") == expected
    assert b.tool == "Bun"


@pytest.mark.parametrize("script", ["bun build src/a.ts", "bun build src/a.ts --format=esm --target=node",
                                    "bun build src/a.ts --no-bundle --format=cjs", "bun run build",
                                    "bun src/a.ts --format=cjs", "bun test", "echo bun build x.ts --format=cjs",
                                    "bun build --format=cjs"])
def test_other_bun_commands_are_no_build(script, tmp_path):
    manifest = {"name": "x", "scripts": {"build": script, "other": "tsc"}}
    assert package_cjs_builds(manifest, str(tmp_path), os.path.isfile, lambda p: None, every_format=True) == []


# Bun's bundler API in a build script the npm script runs with bun (read, never run)
API = {
    "global": ('await Bun.build({\n  entrypoints: ["./src/index.ts", "./src/sub.ts", "./src/sync.ts", "./src/lazy.ts"],\n'
               '  outdir: "dist",\n  naming: "[name].cjs",\n  format: "cjs",\n  target: "node",\n'
               '  packages: "external",\n});\n', "node", "ERR_REQUIRE_ASYNC_MODULE"),
    "imported": ('import { build } from "bun";\n\nconst entrypoints = ["src/index.ts", "src/sub.ts", "src/sync.ts", '
                 '"src/lazy.ts"];\nawait build({ entrypoints, outdir: "dist", naming: "[name].cjs", target: "bun", '
                 'bytecode: true, external: ["slow-dep"] });\n', "bun", "require() async module"),
    "loop": ('for (const format of ["esm", "cjs"] as const) {\n  await Bun.build({\n'
             '    entrypoints: ["./src/index.ts", "./src/sub.ts", "./src/sync.ts", "./src/lazy.ts"],\n'
             '    outdir: "dist",\n    naming: format === "cjs" ? "[name].cjs" : "[name].mjs",\n    format,\n'
             '    target: "node",\n    external: ["slow-*"],\n  });\n}\n', "node", "ERR_REQUIRE_ASYNC_MODULE"),
}


@pytest.mark.parametrize("case", list(API))
def test_bun_build_api_bundles_throw_where_tla_lens_says(case, bun, node26, tmp_path):
    text, runtime, words = API[case]
    root = _project(tmp_path, "bun run scripts/build.ts")
    (root / "scripts").mkdir()
    (root / "scripts/build.ts").write_text(text)
    project = analyse(root, Config(), cache=False)
    proc = _build(root, bun)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = _run_outputs(root, node26 if runtime == "node" else bun)
    assert {n for n, out in runs.items() if words in out} == {"index", "sub"}, runs
    errors = {f.path.stem: f for f in project.findings if f.code == "require-async"}
    assert set(errors) == {"index", "sub"}, [f.message for f in project.findings]
    msg = errors["index"].message
    assert msg.startswith("`slow-dep` is a package that Bun's CommonJS build (script `build` of package.json) keeps "
                          "external"), msg
    assert ("Bun throws \"TypeError: require() async module" if runtime == "bun" else
            "Node throws ERR_REQUIRE_ASYNC_MODULE") in msg, msg
    assert msg.endswith("or build ES modules only (`format: \"esm\"`" +
                        (", without `bytecode: true`)" if case == "imported" else ")")), msg


def test_bun_build_api_refusal_and_unread_options(bun, tmp_path):
    """A CommonJS `Bun.build` that bundles a top-level await fails (Bun throws the build's
    error); a call whose format is computed is listed unread by `--print-config`."""
    import sys

    root = _project(tmp_path, "bun scripts/build.ts")
    (root / "scripts").mkdir()
    (root / "scripts/build.ts").write_text(
        'await Bun.build({ entrypoints: ["./src/index.ts"], outdir: "dist", format: "cjs" });\n'
        'await Bun.build({ entrypoints: ["./src/sync.ts"], outdir: "out", format: process.env.FORMAT });\n')
    project = analyse(root, Config(), cache=False)
    proc = _build(root, bun)
    assert proc.returncode != 0 and '"await" can only be used inside an "async" function' in proc.stderr, \
        proc.stdout + proc.stderr
    (f,) = [f for f in project.findings if f.path.stem == "index" and f.code == "async-import"]
    assert f.severity == "error" and "Bun's CommonJS build (script `build` of package.json) bundles `slow-dep` " \
        "with its top-level await, and Bun refuses a top-level await in CommonJS" in f.message, f.message
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    builds = json.loads(r.stdout)["tsupBuilds"]
    assert [b.get("notRead") for b in builds] == [
        None, "scripts/build.ts: the options of the call at line 2 are not read: `format` is not a string"], builds
