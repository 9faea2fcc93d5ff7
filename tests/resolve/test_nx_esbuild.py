"""Nx's esbuild executor (`@nx/esbuild:esbuild` in a project.json), read without running Nx:
a CommonJS build keeps the npm packages the project uses external (unless `thirdParty`), so an
ES module package with top-level await is a `require()` that throws ERR_REQUIRE_ASYNC_MODULE when
the app runs, and a top-level await it bundles fails the build. Held to Nx 23 (`nx build`, no
daemon, no cloud) and Node 26 running the output, in a workspace whose package.json says
`"type": "commonjs"` (what `npm init` writes), where esbuild still reads ES module syntax."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

PACKAGES = {"waits": "export const w = await Promise.resolve(2);\n", "calm": "export const c = 3;\n"}
TARGET = {"executor": "@nx/esbuild:esbuild", "outputs": ["{options.outputPath}"],
          "options": {"platform": "node", "outputPath": "dist/apps/api", "main": "apps/api/src/main.ts",
                      "tsConfig": "apps/api/tsconfig.app.json"}}


def _workspace(root: Path, engines: Path, main: str, options: dict, defaults: dict) -> None:
    files = {
        "nx.json": json.dumps({"targetDefaults": defaults} if defaults else {}),
        # (with @nx/js among its packages, as in every Nx workspace: Nx then reads the npm
        # packages the sources import)
        "package.json": json.dumps({"name": "ws", "version": "1.0.0", "type": "commonjs",
                                    "dependencies": {n: "1.0.0" for n in PACKAGES},
                                    "devDependencies": {"@nx/js": "23.2.1", "@nx/esbuild": "23.2.1",
                                                        "nx": "23.2.1"}}),
        # (Nx keeps external the packages its lockfile knows)
        "package-lock.json": json.dumps({"name": "ws", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
                                         "packages": {"": {"name": "ws", "version": "1.0.0",
                                                           "dependencies": {n: "1.0.0" for n in PACKAGES}},
                                                      **{f"node_modules/{n}": {
                                                          "version": "1.0.0",
                                                          "resolved": f"https://registry.npmjs.org/{n}/-/{n}-1.0.0.tgz",
                                                          "integrity": "sha512-AAAA"} for n in PACKAGES}}}),
        "apps/api/project.json": json.dumps({"name": "api", "sourceRoot": "apps/api/src",
                                             "projectType": "application",
                                             "targets": {"build": {**TARGET, "options": {**TARGET["options"],
                                                                                         **options}}}}),
        "apps/api/tsconfig.app.json": json.dumps({"compilerOptions": {"module": "esnext", "target": "es2022",
                                                                      "moduleResolution": "bundler"},
                                                  "include": ["src/**/*.ts"]}),
        "apps/api/src/main.ts": main,
        "apps/api/src/db.ts": "export const db = await Promise.resolve(1);\n",
        "apps/api/src/plain.ts": "export const p = 1;\n",
    }
    for n, text in PACKAGES.items():
        files[f"node_modules/{n}/package.json"] = json.dumps({"name": n, "version": "1.0.0", "type": "module",
                                                               "exports": "./index.js"})
        files[f"node_modules/{n}/index.js"] = text
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    for name in ("nx", "@nx", "typescript"):
        (root / "node_modules" / name).symlink_to(engines / name)


CASES = {
    # the package is kept external: require("waits") throws when the app runs
    "external": ('import { w } from "waits";\nconsole.log(w);\n', {"format": ["cjs"]}, {}, "throws"),
    # the same, its format from nx.json's targetDefaults (by executor)
    "target-defaults": ('import { w } from "waits";\nconsole.log(w);\n', {},
                        {"@nx/esbuild:esbuild": {"options": {"format": ["cjs"]}}}, "throws"),
    # a top-level await of the project, bundled into CommonJS: the build fails
    "bundled": ('import { db } from "./db";\nconsole.log(db);\n', {"format": ["cjs"]}, {}, "fails"),
    # `thirdParty`: the package is bundled, and its top-level await fails the build
    "third-party": ('import { w } from "waits";\nconsole.log(w);\n', {"format": ["cjs"], "thirdParty": True}, {},
                    "fails"),
    # ES modules: nothing fails
    "esm": ('import { w } from "waits";\nimport { db } from "./db";\nconsole.log(w, db);\n', {"format": ["esm"]},
            {}, "runs"),
    # a package without await: runs
    "calm": ('import { c } from "calm";\nimport { p } from "./plain";\nconsole.log(c, p);\n', {"format": ["cjs"]},
             {}, "runs"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_nx_esbuild_builds_as_nx_builds_them(case, node26, engines_node_modules, tmp_path):
    main, options, defaults, outcome = CASES[case]
    root = Path(os.path.realpath(tmp_path)) / "ws"
    _workspace(root, engines_node_modules, main, options, defaults)
    env = dict(os.environ, PATH=f"{node26.parent}:{os.environ['PATH']}", NX_DAEMON="false", NX_NO_CLOUD="true",
               NX_SKIP_NX_CACHE="true", NX_TUI="false")
    build = subprocess.run([str(node26), str(engines_node_modules / "nx/dist/bin/nx.js"), "build", "api",
                            "--skip-nx-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    out = build.stdout + build.stderr
    project = analyse(root, Config(), cache=False)
    errors = [f for f in project.findings if f.code == "require-async"]
    notes = [f for f in project.findings if "that build fails" in f.message]
    if outcome == "fails":
        assert build.returncode != 0 and 'Top-level await is currently not supported with the "cjs" output format' \
            in out, out
        (note,) = notes
        from tla_lens.report.explain import explain

        assert "Nx's CommonJS build (target `build` of apps/api/project.json) bundles it, with " in \
            explain(project, root / "apps/api/src/main.ts")
        if case == "bundled":  # (the await's own finding)
            assert note.path == root / "apps/api/src/db.ts" and note.code == "top-level-await"
            assert "Nx's CommonJS build (target `build` of apps/api/project.json) bundles this module" in note.message
        else:  # (a package's: at the import of it)
            assert note.path == root / "apps/api/src/main.ts" and note.code == "async-import"
            assert "Nx's CommonJS build (target `build` of apps/api/project.json) bundles `waits` with its top-level " \
                   "await" in note.message
        assert not errors
        return
    assert build.returncode == 0, out
    (output,) = [p for p in (root / "dist/apps/api").iterdir() if p.name.startswith("main.")]
    if outcome == "throws":
        run = subprocess.run([str(node26), str(output)], cwd=root, capture_output=True, text=True, timeout=60)
        assert "ERR_REQUIRE_ASYNC_MODULE" in run.stderr, run.stderr
        (error,) = errors
        assert error.path == root / "apps/api/src/main.ts"
        assert error.message.startswith("`waits` is a package that Nx's CommonJS build (target `build` of "
                                        "apps/api/project.json) keeps external: the bundle loads it with "
                                        "`require(\"waits\")`"), error.message
        assert "(esbuild keeps import() as it is), or build ES modules only (`\"format\": [\"esm\"]`)" in error.message
    else:
        if output.suffix in (".js", ".cjs") and "cjs" in options.get("format", []):
            run = subprocess.run([str(node26), str(output)], cwd=root, capture_output=True, text=True, timeout=60)
            assert run.returncode == 0, run.stderr
        assert not errors and not notes


def test_the_targets_options_as_nx_merges_them(tmp_path):
    """nx.json's `targetDefaults` (by target name, then by executor), the target's options, then
    its default configuration's; a package.json's `"nx"`; what is not modelled says why."""
    from tla_lens.resolve.nx import nx_builds

    (tmp_path / "nx.json").write_text(json.dumps({"targetDefaults": {
        "build": {"options": {"format": ["esm"], "external": ["a"]}},
        "@nx/esbuild:esbuild": {"options": {"format": ["cjs"], "main": "{projectRoot}/src/main.ts"}}}}))
    app = tmp_path / "apps/app"
    app.mkdir(parents=True)
    (app / "project.json").write_text(json.dumps({"targets": {
        "build": {"executor": "@nx/esbuild:esbuild", "defaultConfiguration": "production",
                  "options": {"additionalEntryPoints": ["{projectRoot}/src/worker.ts"], "thirdParty": True},
                  "configurations": {"production": {"excludeFromExternal": ["b"], "external": ["c", "@aws-sdk/*"]},
                                     "development": {"format": ["esm"]}}},
        "bundle-off": {"executor": "@nx/esbuild:esbuild", "options": {"main": "x.ts", "bundle": False}},
        "scripted": {"executor": "@nx/esbuild:esbuild", "options": {"main": "x.ts", "esbuildConfig": "b.mjs"}},
        "serve": {"executor": "@nx/js:node", "options": {"buildTarget": "app:build"}}}}))
    lib = tmp_path / "libs/lib"
    lib.mkdir(parents=True)
    (lib / "package.json").write_text(json.dumps({"name": "lib", "nx": {"targets": {"pack": {
        "executor": "@nx/esbuild:esbuild", "options": {"main": "libs/lib/index.ts", "format": ["cjs", "esm"]}}}}}))

    def read(p):
        return Path(p).read_text() if os.path.isfile(p) else None

    build, off, scripted = nx_builds(str(tmp_path), str(app), os.path.isfile, read)
    assert build.entries == ("apps/app/src/main.ts", "apps/app/src/worker.ts") and build.formats == ("cjs",)
    assert build.external == (("name", "c"), ("wildcard", "@aws-sdk/*")) and build.no_external == (("name", "b"),)
    assert not build.every_package and build.unread is None and build.tool == "Nx"
    # (each file compiled alone: the entry and the files the project's tsconfig includes, none here)
    assert off.unread is None and not off.bundle and off.entries == ("x.ts",) and off.formats == ("cjs",)
    assert scripted.unread == "its `esbuildConfig` is a JavaScript file (not read)"
    (pack,) = nx_builds(str(tmp_path), str(lib), os.path.isfile, read)
    assert pack.entries == ("libs/lib/index.ts",) and pack.formats == ("cjs", "esm") and pack.every_package
    assert pack.external == ()  # (targetDefaults by the target's name: "pack" has none)


@pytest.mark.parametrize("fmt,await_in_db", [("cjs", True), ("cjs", False), ("esm", True)])
def test_each_file_compiled_alone(fmt, await_in_db, node26, engines_node_modules, tmp_path):
    """`bundle: false`: esbuild compiles the entry and every file the project's tsconfig includes,
    each alone — in CommonJS a top-level await in any of them fails the build, and an import of an
    async package is a require() that throws when the app runs; ES modules: nothing to say."""
    root = Path(os.path.realpath(tmp_path)) / "ws"
    _workspace(root, engines_node_modules, 'import { w } from "waits";\nimport { p } from "./plain";\nconsole.log(w, p);\n',
               {"format": [fmt], "bundle": False}, {})
    if not await_in_db:
        (root / "apps/api/src/db.ts").write_text("export const db = 1;\n")
    project = analyse(root, Config(), cache=False)
    env = dict(os.environ, PATH=f"{node26.parent}:{os.environ['PATH']}", NX_DAEMON="false", NX_NO_CLOUD="true",
               NX_SKIP_NX_CACHE="true", NX_TUI="false")
    build = subprocess.run([str(node26), str(engines_node_modules / "nx/dist/bin/nx.js"), "build", "api",
                            "--skip-nx-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    out = build.stdout + build.stderr
    fails = fmt == "cjs" and await_in_db
    assert (build.returncode != 0) == fails, out
    said = [f for f in project.findings if f.severity == "error"]
    if fmt == "esm":
        assert not said, [f.message for f in said]
        return
    if fails:
        assert 'Top-level await is currently not supported with the "cjs" output format' in out and \
            "apps/api/src/db.ts:1:" in out, out
        (f,) = [f for f in said if f.code == "top-level-await"]
        assert f.path == root / "apps/api/src/db.ts" and f.message.startswith(
            "top-level await in a file Nx compiles into CommonJS (target `build` of apps/api/project.json compiles "
            "it alone into CommonJS, `bundle: false`), where it is not allowed: Nx fails the build with"), f.message
        return
    run = subprocess.run([str(node26), "dist/apps/api/main.cjs"], cwd=root, capture_output=True, text=True, timeout=60)
    assert "ERR_REQUIRE_ASYNC_MODULE" in run.stderr, run.stderr
    (f,) = said
    assert f.code == "require-async" and f.path == root / "apps/api/src/main.ts", f.message
    assert f.message.startswith("Nx compiles this import to `require(\"waits\")` (target `build` of "
                                "apps/api/project.json compiles it alone into CommonJS, `bundle: false`)"), f.message
    assert "(Nx keeps import() as it is), or build ES modules" in f.message, f.message
