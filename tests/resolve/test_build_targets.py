"""esbuild's target: a bundle for a target without top-level await (es2021 and before, chrome 88,
safari 14, node 14.7, …) fails on any top-level await it bundles ("Top-level await is not
available in the configured target environment") — whatever the format. The target comes from
esbuild's `--target`, its API's `target`, tsup's `--target` or `target`, else the tsconfig's
`target` (tsup takes it where it sets none), or Nx's executor option. Held to esbuild 0.28 and
tsup 9 building each project."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse
from tla_lens.resolve.targets import missing_tla, target_words

TARGETS = ["es2020", "es2021", "es2022", "esnext", "es6", "chrome88", "chrome89", "chrome120", "edge88", "edge89",
           "firefox88", "firefox89", "safari14", "safari14.1", "safari15", "ios14.5", "ios15", "opera74", "opera75",
           "node14", "node14.7", "node14.8", "node16", "node12.22", "deno1.0", "hermes0.12", "rhino1.7",
           "chrome89,safari14", "es2022,node14", "esnext,chrome100,firefox100"]


def test_targets_without_top_level_await_are_esbuilds(engines_node_modules, tmp_path):
    """Each target (and list of them) against esbuild refusing a top-level await for it."""
    (tmp_path / "tla.js").write_text("await Promise.resolve(1);\nexport {};\n")
    esbuild = engines_node_modules / ".bin" / "esbuild"
    for target in TARGETS:
        proc = subprocess.run([str(esbuild), "tla.js", "--format=esm", f"--target={target}", "--log-level=error"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=60)
        refused = "Top-level await is not available in the configured target environment" in proc.stderr
        assert refused == (proc.returncode != 0), (target, proc.stderr)
        assert bool(missing_tla(target_words(target))) == refused, (target, proc.stderr)


def _workspace(tmp_path: Path, engines: Path, script: str, files: dict[str, str]) -> Path:
    root = Path(os.path.realpath(tmp_path)) / "app"
    (root / "src").mkdir(parents=True)
    (root / "node_modules").mkdir()
    (root / "node_modules" / "esbuild").symlink_to(engines / "esbuild")
    (root / "node_modules" / "typescript").symlink_to(engines / "ts5")
    (root / "package.json").write_text(json.dumps({"name": "app", "version": "1.0.0", "type": "module",
                                                   "scripts": {"build": script}}))
    (root / "src/config.ts").write_text("export const config = await Promise.resolve({ port: 1 });\n")
    (root / "src/index.ts").write_text('import { config } from "./config.js";\nconsole.log(config.port);\n')
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def _build(root: Path, node26: Path, engines: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{engines / '.bin'}:{node26.parent}:{os.environ['PATH']}")
    script = json.loads((root / "package.json").read_text())["scripts"]["build"]
    return subprocess.run(["sh", "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=300)


ES2020 = '{"compilerOptions": {"target": "ES2020", "module": "ESNext", "strict": true}}\n'
CASES = {
    # (script, files, refused with these targets (None: built), where the target is set)
    "esbuild-cli": ("esbuild src/index.ts --bundle --format=esm --target=es2020,chrome90 --outdir=dist", {},
                    '"chrome90", "es2020"', "`--target=es2020,chrome90`"),
    "esbuild-cli-es2022": ("esbuild src/index.ts --bundle --format=esm --target=es2022 --outdir=dist", {}, None, None),
    "esbuild-api": ("node build.mjs", {"build.mjs": 'import { build } from "esbuild";\n\nawait build({\n'
                                                    '  entryPoints: ["src/index.ts"], bundle: true, format: "esm",\n'
                                                    '  target: ["chrome88", "firefox90"], outdir: "dist",\n});\n'},
                    '"chrome88", "firefox90"', '`target: ["chrome88", "firefox90"]` of build.mjs'),
    "tsup-tsconfig": ("tsup src/index.ts --format esm", {"tsconfig.json": ES2020}, '"es2020"',
                      "`\"target\": \"ES2020\"` of tsconfig.json, which tsup takes where it sets none"),
    "tsup-cli-over-tsconfig": ("tsup src/index.ts --format esm --target es2022", {"tsconfig.json": ES2020}, None, None),
    "tsup-config": ("tsup", {"tsup.config.ts": 'export default {\n  entry: ["src/index.ts"],\n  format: ["esm"],\n'
                                               '  target: "node14",\n};\n'}, '"node14"', "`target` of tsup.config.ts"),
    "tsup-default": ("tsup src/index.ts --format esm", {}, None, None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_target_without_top_level_await_fails_the_build(case, node26, engines_node_modules, tmp_path):
    script, files, refused, origin = CASES[case]
    root = _workspace(tmp_path, engines_node_modules, script, files)
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    (f,) = [f for f in project.findings if f.code == "top-level-await" and f.path == root / "src/config.ts"]
    if refused is None:
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "that build fails" not in f.message and f.severity == "information", f.message
        return
    assert f.severity == "error"  # (the build fails on it)
    words = f"Top-level await is not available in the configured target environment ({refused})"
    assert proc.returncode != 0 and words in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    tool = "esbuild" if case.startswith("esbuild") else "tsup"
    assert f"{tool}'s build (script `build` of package.json) bundles this module, and esbuild refuses a top-level " \
           f"await for its target ({origin}) (\"{words}\"): that build fails; move the await into an async " \
           f"function, or build for a target with top-level await" in f.message, f.message
    # the importer is async all the same (the build, not Node, fails)
    assert project.modules[root / "src/index.ts"].is_async


def test_a_package_bundled_for_such_a_target(node26, engines_node_modules, tmp_path):
    """The top-level await is a package's: the import of it says the build fails."""
    root = _workspace(tmp_path, engines_node_modules, "esbuild src/main.ts --bundle --format=esm --target=safari14 "
                      "--outdir=dist", {
                          "node_modules/slow-dep/package.json": '{"name": "slow-dep", "type": "module", '
                                                                '"exports": "./i.js"}',
                          "node_modules/slow-dep/i.js": "export const x = await Promise.resolve(1);\n",
                          "src/main.ts": 'import { x } from "slow-dep";\nconsole.log(x);\n'})
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    assert proc.returncode != 0 and "(\"safari14\")" in proc.stderr, proc.stderr
    (f,) = [f for f in project.findings if f.path.name == "main.ts" and f.code == "async-import"]
    assert f.severity == "error"
    assert "esbuild's build (script `build` of package.json) bundles `slow-dep` with its top-level await, and " \
           "esbuild refuses a top-level await for its target (`--target=safari14`)" in f.message, f.message


@pytest.mark.parametrize("severity,expected", [("hint", "error"), ("warning", "error"), ("off", None)])
def test_a_failing_build_is_an_error_unless_the_code_is_off(severity, expected, engines_node_modules, tmp_path):
    """The await's finding says the build fails: an error whatever the severity set for
    `top-level-await`, which `"off"` still silences (the build's failure is held to esbuild above)."""
    from tla_lens.config import DEFAULT_SEVERITY

    root = _workspace(tmp_path, engines_node_modules, CASES["esbuild-cli"][0], {})
    project = analyse(root, Config(severity={**DEFAULT_SEVERITY, "top-level-await": severity}), cache=False)
    got = [f.severity for f in project.findings if f.code == "top-level-await"]
    assert got == ([expected] if expected else [])


def test_tsup_before_7_2_does_not_take_the_tsconfig_target(engines_node_modules, tmp_path):
    """tsup took the tsconfig's `target` from 7.2 on (7.0 and 7.1 defaulted to node16, 6 to
    node14; checked in their published code): an older tsup installed keeps its default."""
    root = _workspace(tmp_path, engines_node_modules, CASES["tsup-tsconfig"][0], CASES["tsup-tsconfig"][1])
    (root / "node_modules/tsup").mkdir()
    for version, refused in (("7.1.0", False), ("7.2.0", True), ("9.0.0", True)):
        (root / "node_modules/tsup/package.json").write_text(json.dumps({"name": "tsup", "version": version}))
        project = analyse(root, Config(), cache=False)
        (f,) = [f for f in project.findings if f.code == "top-level-await"]
        assert ("that build fails" in f.message) == refused, (version, f.message)


def test_each_file_compiled_alone_for_such_a_target(node26, engines_node_modules, tmp_path):
    """esbuild without `--bundle` compiles each file alone, in its own format: a file with a
    top-level await fails for a target without it; the files that import it compile."""
    root = _workspace(tmp_path, engines_node_modules, "esbuild src/index.ts src/config.ts --outdir=dist "
                      "--target=es2020", {})
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    assert proc.returncode != 0 and "src/config.ts:1:" in proc.stderr and "src/index.ts:" not in proc.stderr, \
        proc.stderr
    (f,) = [f for f in project.findings if f.code == "top-level-await"]
    assert f.severity == "error" and "esbuild's build (script `build` of package.json) compiles this module, and " \
        "esbuild refuses a top-level await for its target (`--target=es2020`)" in f.message, f.message
    # without a target that refuses, nothing to say (esbuild keeps the await as written)
    (root / "package.json").write_text(json.dumps({"name": "app", "type": "module", "scripts": {
        "build": "esbuild src/index.ts src/config.ts --outdir=dist --target=es2022"}}))
    project = analyse(root, Config(), cache=False)
    assert _build(root, node26, engines_node_modules).returncode == 0
    assert [f.severity for f in project.findings if f.code == "top-level-await"] == ["information"]


@pytest.mark.parametrize("target,fails", [("es2020", True), ("es2022", False)])
def test_tsup_compiling_each_file_alone_for_such_a_target(target, fails, node26, engines_node_modules, tmp_path):
    """tsup's `bundle: false`: each file of the entry glob compiled alone by esbuild for the
    target; the file with the await fails for es2020, the one importing it does not."""
    root = _workspace(tmp_path, engines_node_modules, "tsup", {"tsup.config.js": (
        f'export default {{ entry: ["src/**/*.ts"], format: ["esm"], bundle: false, target: "{target}" }};\n')})
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    out = proc.stdout + proc.stderr
    assert (proc.returncode != 0) == fails, out
    assert ("src/config.ts:1:" in out) == fails and "src/index.ts:1:" not in out, out
    said = [f for f in project.findings if "that build fails" in f.message]
    assert [f.path.name for f in said] == (["config.ts"] if fails else []), [f.message for f in said]
    if fails:
        assert "tsup's build (script `build` of package.json) compiles this module, and esbuild refuses a " \
               "top-level await for its target (`target` of tsup.config.js)" in said[0].message, said[0].message
