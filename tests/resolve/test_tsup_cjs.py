"""tsup's CommonJS builds (its default format): the packages in `dependencies` and
`peerDependencies` stay external, and the bundle loads them with `require()` when it runs — an
ES module with top-level await there throws ERR_REQUIRE_ASYNC_MODULE (a `require-async` error
at the import), also through a bundled package that imports one; `import()` is kept as it is.
Held to tsup 9 building each package (its npm script run as npm runs it) and Node 26 running
every bundle it made."""
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
    "sync-dep/package.json": '{"name": "sync-dep", "version": "1.0.0", "type": "module", "exports": "./i.js"}',
    "sync-dep/i.js": "export const x = 'S';\n",
    # require() finds its CommonJS build
    "dual-dep/package.json": '{"name": "dual-dep", "version": "1.0.0", '
                             '"exports": {"import": "./i.mjs", "require": "./i.cjs"}}',
    "dual-dep/i.mjs": "export const x = await Promise.resolve('D');\n",
    "dual-dep/i.cjs": "exports.x = 'Dc';\n",
    # a devDependency: bundled, with its import of slow-dep (a dependency: external)
    "dev-lib/package.json": '{"name": "dev-lib", "version": "1.0.0", "type": "module", "exports": "./i.js"}',
    "dev-lib/i.js": "export { x } from 'slow-dep';\n",
}
SOURCES = {
    "index": 'import { x } from "slow-dep";\n\nexport function show() {\n  console.log(x);\n}\nshow();\n',
    "sync": 'import { x } from "sync-dep";\nconsole.log(x);\n',
    "dual": 'import { x } from "dual-dep";\nconsole.log(x);\n',
    "lazy": 'export async function go() {\n  const { x } = await import("slow-dep");\n  console.log(x);\n}\ngo();\n',
    "via": 'import { y } from "./helper.js";\nconsole.log(y);\n',
    "helper": 'import { x } from "slow-dep";\nexport const y = x;\n',
    "types": 'import type { x } from "slow-dep";\nexport const t: typeof x | null = null;\nconsole.log(t);\n',
    "devlib": 'import { x } from "dev-lib";\nconsole.log(x);\n',
}
ENTRIES = [n for n in SOURCES if n != "helper"]
CASES = {
    "cli": ("tsup " + " ".join(f"src/{n}.ts" for n in ENTRIES) + " --format cjs", None),
    # the entries from tsup.config.ts (a glob: helper.ts is one too), both formats
    "config": ("tsup", 'export default {\n'
                       '  entry: ["src/*.ts"],\n  format: ["cjs", "esm"],\n  noExternal: ["sync-dep"],\n};\n'),
}


def _project(tmp_path: Path, script: str, config) -> Path:
    root = Path(os.path.realpath(tmp_path)) / "svc"
    for rel, text in PACKAGES.items():
        (root / "node_modules" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "node_modules" / rel).write_text(text)
    (root / "src").mkdir(parents=True)
    for name, text in SOURCES.items():
        (root / "src" / f"{name}.ts").write_text(text)
    (root / "package.json").write_text(json.dumps({
        "name": "svc", "version": "1.0.0", "type": "module", "scripts": {"build": script},
        "dependencies": {"slow-dep": "1.0.0", "sync-dep": "1.0.0", "dual-dep": "1.0.0"},
        "devDependencies": {"dev-lib": "1.0.0"}}, indent=2))
    if config is not None:
        (root / "tsup.config.ts").write_text(config)
    return root


def _build_and_run(root: Path, tmp_path: Path, node26: Path, engines: Path) -> dict[str, str]:
    """npm's way: the script run by a shell in the package folder, tsup on the PATH; then
    every CommonJS bundle run: its output."""
    np = tmp_path / "np"  # (tsup loads `typescript`: the engines have it as ts5)
    np.mkdir()
    (np / "typescript").symlink_to(engines / "ts5")
    env = dict(os.environ, PATH=f"{engines / '.bin'}:{node26.parent}:{os.environ['PATH']}", NODE_PATH=str(np))
    script = json.loads((root / "package.json").read_text())["scripts"]["build"]
    proc = subprocess.run(["sh", "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return run_outputs(root, "dist/*.cjs", node26)


def run_outputs(root: Path, pattern: str, node26: Path) -> dict[str, str]:
    """Every output file ``pattern`` matches under ``root`` run by Node 26 (from ``root``):
    its name without the extension -> what it printed."""
    out = {}
    for file in sorted(root.glob(pattern)):
        run = subprocess.run([str(node26), str(file)], cwd=root, capture_output=True, text=True, timeout=60)
        out[file.stem] = run.stdout + run.stderr
    return out


def errors_where_it_throws(project, runs: dict[str, str], expected: set[str]) -> set[str]:
    """The bundles that throw ERR_REQUIRE_ASYNC_MODULE are ``expected``, and each has a
    `require-async` error among its modules (via.ts: in helper.ts, which it bundles), the others
    none; the stems of the files with errors."""
    throws = {name for name, out in runs.items() if "ERR_REQUIRE_ASYNC_MODULE" in out}
    assert throws == expected, runs
    errors = {f.path.stem for f in project.findings if f.code == "require-async"}
    closure = {"via": {"via", "helper"}}
    for name in runs:
        assert bool(errors & closure.get(name, {name})) is (name in throws), (name, runs[name], errors)
    return errors


@pytest.mark.parametrize("case", list(CASES))
def test_tsup_cjs_bundles_as_node_runs_them(case, node26, engines_node_modules, tmp_path):
    root = _project(tmp_path, *CASES[case])
    project = analyse(root, Config(), cache=False)
    runs = _build_and_run(root, tmp_path, node26, engines_node_modules)
    assert set(runs) == set(ENTRIES) | ({"helper"} if case == "config" else set())
    throws = {name for name, out in runs.items() if "ERR_REQUIRE_ASYNC_MODULE" in out}
    assert throws == {"index", "via", "devlib"} | ({"helper"} if case == "config" else set())  # (the cases)
    errors = {f.path.stem for f in project.findings if f.code == "require-async"}
    # where each bundle throws, the import that makes it throw is an error, in the bundle's modules
    closure = {"via": {"via", "helper"}}
    for name in runs:
        assert bool(errors & closure.get(name, {name})) is (name in throws), (name, runs[name], errors)
    (f,) = [f for f in project.findings if f.path.stem == "index"]
    assert f.message.startswith("`slow-dep` is a package that tsup's CommonJS build (script `build` of "
                                "package.json) keeps external: the bundle loads it with `require(\"slow-dep\")`, "
                                "and it is an async module"), f.message
    assert "load it with `await import(\"slow-dep\")` where it is used" in f.message
    (f,) = [f for f in project.findings if f.path.stem == "devlib"]
    assert f.message.startswith("`dev-lib` is bundled, and it imports `slow-dep` (dev-lib/i.js, line 1), "
                                "an async module"), f.message
    # the import waits for nothing in the CommonJS bundle: not an async module
    assert not project.modules[root / "src/index.ts"].is_async


def test_esm_build_keeps_static_imports(node26, engines_node_modules, tmp_path):
    """`--format esm` only: no CommonJS bundle; the import of slow-dep stays an import, and
    the module is async (Node runs the bundle, which waits)."""
    root = _project(tmp_path, "tsup src/index.ts --format esm", None)
    project = analyse(root, Config(), cache=False)
    assert not [f for f in project.findings if f.code == "require-async"]
    assert project.modules[root / "src/index.ts"].is_async
    runs = _build_and_run(root, tmp_path, node26, engines_node_modules)
    assert runs == {}
    run = subprocess.run([str(node26), str(root / "dist/index.js")], cwd=root, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "A", run.stderr


def test_lazy_import_fix_makes_the_bundle_run(node26, engines_node_modules, tmp_path):
    """The quick fix offered on the error (the import turned into `await import()` where the
    binding is used) gives a CommonJS bundle that runs."""
    from tla_lens.fixes import lazy_import
    from tla_lens.fixes.edits import apply_edits

    root = _project(tmp_path, "tsup src/index.ts --format cjs", None)
    project = analyse(root, Config(), cache=False)
    mod = project.modules[root / "src/index.ts"]
    fix = lazy_import(mod.source, mod.facts.dialect, 0)
    (root / "src/index.ts").write_bytes(apply_edits(mod.source, fix.edits))
    project = analyse(root, Config(), cache=False)
    assert not [f for f in project.findings if f.code == "require-async"]
    runs = _build_and_run(root, tmp_path, node26, engines_node_modules)
    assert "ERR_REQUIRE_ASYNC_MODULE" not in runs["index"] and "A" in runs["index"], runs


@pytest.mark.parametrize("script,config,expected", [
    # (entries, formats, every package external, unread)
    ("tsup src/a.ts --dts --format esm,cjs", None, (("src/a.ts",), ("esm", "cjs"), False, None)),
    # an option with an optional value takes the next word (as tsup's argument parser does)
    ("tsup --dts src/types.ts src/a.ts", None, (("src/a.ts",), ("cjs",), False, None)),
    ("npx --yes tsup-node --entry.main=src/m.ts", None, (("src/m.ts",), ("cjs",), True, None)),
    # named entries win over the files (as tsup takes them); one --external is a list
    ("tsup src/a.ts --entry.main src/m.ts --external @aws-sdk/client-s3,sharp", None,
     (("src/m.ts",), ("cjs",), False, None)),
    ("pnpm exec tsup --no-config src/a.ts", "export default { entry: ['x.ts'], format: 'esm' }",
     (("src/a.ts",), ("cjs",), False, None)),
    ("tsup", "import { defineConfig } from 'tsup'\nexport default defineConfig({ entry: { main: 'src/m.ts' }, "
             "format: ['cjs'], skipNodeModulesBundle: true })", (("src/m.ts",), ("cjs",), True, None)),
    ("tsup src/a.ts", "module.exports = { format: ['cjs', 'esm'], external: [/^@aws-sdk\\//] }",
     (("src/a.ts",), ("cjs", "esm"), False, None)),
    ("tsup", "export default defineConfig((options) => ({ entry: ['src/a.ts'] }))",
     ((), ("cjs",), False, "tsup.config.ts: its options are not an object literal (a list of builds, or a function)")),
    ("tsup", "export default { entry: entries }",
     ((), ("cjs",), False, "tsup.config.ts: its `entry` is not written as literals")),
])
def test_tsup_commands_and_configuration_read(script, config, expected, tmp_path):
    from tla_lens.resolve.tsup import package_cjs_builds

    if config is not None:
        (tmp_path / "tsup.config.ts").write_text(config)
    manifest = {"name": "x", "scripts": {"build": script}, "dependencies": {"lodash": "4"}}
    read = lambda p: Path(p).read_text() if Path(p).is_file() else None  # noqa: E731
    (b,) = package_cjs_builds(manifest, str(tmp_path), os.path.isfile, read)
    assert (b.entries, b.formats, b.every_package, b.unread) == expected
    assert b.keeps_external("lodash/get") and not b.keeps_external("./lodash")
    assert b.keeps_external("@aws-sdk/client-s3") is ("aws" in (config or script) or b.every_package)


def test_esm_only_builds_and_other_programs_are_not_cjs_builds(tmp_path):
    from tla_lens.resolve.tsup import package_cjs_builds

    manifest = {"scripts": {"a": "tsup src/a.ts --format esm", "b": "echo tsup", "c": "vite build",
                            "d": "tsc && tsup src/d.ts"}}
    builds = package_cjs_builds(manifest, str(tmp_path), os.path.isfile, lambda p: None)
    assert [(b.script, b.entries) for b in builds] == [("d", ("src/d.ts",))]


def test_print_config_lists_the_builds(tmp_path):
    import sys

    root = _project(tmp_path, "tsup src/index.ts --format cjs,esm", None)
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    assert json.loads(r.stdout)["tsupBuilds"] == [
        {"file": "package.json", "script": "build", "tool": "tsup", "entries": ["src/index.ts"],
         "formats": ["cjs", "esm"],
         "external": ["slow-dep", "sync-dep", "dual-dep"]}]


ESBUILD = {
    # (script, the bundles expected to throw)
    "packages-external": ("esbuild src/index.ts src/sync.ts src/dual.ts src/lazy.ts src/via.ts src/types.ts "
                          "--bundle --platform=node --packages=external --outdir=dist --out-extension:.js=.cjs",
                          {"index", "via"}),
    # one package named (its subpaths too; a wildcard): the others are bundled
    "external-flag": ("esbuild src/index.ts src/sync.ts src/lazy.ts src/via.ts --bundle --platform=node "
                      "'--external:slow-*' --outdir=dist --out-extension:.js=.cjs", {"index", "via"}),
    # ES modules: no require()
    "esm": ("esbuild src/index.ts --bundle --platform=node --format=esm --packages=external --outdir=dist "
            "--out-extension:.js=.mjs", set()),
}


@pytest.mark.parametrize("case", list(ESBUILD))
def test_esbuild_cjs_bundles_as_node_runs_them(case, node26, engines_node_modules, tmp_path):
    """esbuild's command line in an npm script: a CommonJS bundle (`--platform=node`) keeps the
    packages `--external:` and `--packages=external` name, and require()s them when it runs."""
    script, expected = ESBUILD[case]
    root = _project(tmp_path, script, None)
    project = analyse(root, Config(), cache=False)
    runs = _build_and_run(root, tmp_path, node26, engines_node_modules)
    errors = errors_where_it_throws(project, runs, expected)
    if case == "esm":
        assert runs == {} and project.modules[root / "src/index.ts"].is_async and not errors
        return
    (f,) = [f for f in project.findings if f.path.stem == "index"]
    assert f.message.startswith("`slow-dep` is a package that esbuild's CommonJS build (script `build` of "
                                "package.json) keeps external"), f.message
    assert f.message.endswith("(esbuild keeps import() as it is), or build ES modules only (`--format=esm`)")


@pytest.mark.parametrize("script", ["tsup src/index.ts --format cjs", "esbuild src/index.ts --bundle --platform=node "
                                    "--packages=external --outdir=dist"])
def test_top_level_await_in_a_cjs_build_fails_it(script, node26, engines_node_modules, tmp_path):
    """A module a CommonJS build bundles has a top-level await: esbuild refuses it, and the
    top-level-await finding says that build fails."""
    root = _project(tmp_path, script, None)
    (root / "src/config.ts").write_text("export const config = await Promise.resolve({ port: 1 });\n")
    (root / "src/index.ts").write_text('import { config } from "./config.js";\nconsole.log(config);\n')
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.code == "top-level-await"]
    assert f.path == root / "src/config.ts"
    assert "CommonJS build (script `build` of package.json) bundles this module, and esbuild refuses a " \
           "top-level await in CommonJS" in f.message and f.message.endswith("that build fails"), f.message
    with pytest.raises(AssertionError, match='Top-level await is currently not supported with the "cjs" output format'):
        _build_and_run(root, tmp_path, node26, engines_node_modules)


def test_the_example_throws_as_tla_lens_says(node26, engines_node_modules, tmp_path):
    """examples/tsup-service (what `make run` shows): built by its own script with tsup and
    started as its `start` script starts it, Node throws ERR_REQUIRE_ASYNC_MODULE, and the error
    tla-lens reports is at the import that makes it throw."""
    import shutil

    example = Path(__file__).resolve().parents[2] / "examples" / "tsup-service"
    root = tmp_path / "tsup-service"
    shutil.copytree(example, root, symlinks=True)
    project = analyse(root, Config(), cache=False)
    assert [(f.path.relative_to(root).as_posix(), f.code) for f in project.findings
            if f.severity == "error"] == [("src/routes.ts", "require-async")]
    runs = _build_and_run(root, tmp_path, node26, engines_node_modules)
    assert "ERR_REQUIRE_ASYNC_MODULE" in runs["main"], runs
