"""React Native apps: Metro bundles every module the app's entry reaches (packages and import()ed
modules too), each compiled into a function of its module system, and a top-level await stays
in that function — the bundle is written but does not parse, so the app fails to start. Held to
Metro 0.87 (with @react-native/babel-preset) building the app and Node 26 parsing the bundle."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

BUILD = """\
import Metro from 'metro';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const config = await Metro.loadConfig({ cwd: process.cwd() }, {
  projectRoot: process.cwd(),
  resolver: { useWatchman: false },
  transformer: { babelTransformerPath: require.resolve('@react-native/metro-babel-transformer') },
});
await Metro.runBuild(config, { entry: './index.js', platform: process.argv[3], minify: false, dev: true,
                               out: process.argv[2] });
"""
# (the packages Metro puts in every bundle live in the test engines: watched as well)
METRO_CONFIG = """\
const fs = require('fs');
const path = require('path');
const real = (name) => fs.realpathSync(path.join(__dirname, 'node_modules', name));
module.exports = { watchFolders: [real('metro-runtime'), real('@babel/runtime')] };
"""
CASES = {
    "own": ('import { db } from "./src/db";\nconsole.log(db);\n', "src/db.js", "top-level-await"),
    "package": ('import { w } from "waits";\nconsole.log(w);\n', "index.js", "async-import"),
    "lazy": ('import("./src/db").then((m) => console.log(m.db));\n', "src/db.js", "top-level-await"),
    "clean": ('import { p } from "./src/plain";\nconsole.log(p);\n', None, None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_metro_bundles_as_metro_bundles(case, node26, engines_node_modules, tmp_path):
    index, where, code = CASES[case]
    root = Path(os.path.realpath(tmp_path)) / "app"
    files = {
        "package.json": json.dumps({"name": "app", "private": True, "main": "index.js",
                                    "dependencies": {"react-native": "0.87.0", "waits": "1.0.0"}}),
        "babel.config.json": '{"presets": ["module:@react-native/babel-preset"]}',
        "metro.config.js": METRO_CONFIG,
        "build.mjs": BUILD,
        "index.js": index,
        "src/db.js": "export const db = await Promise.resolve(1);\n",
        "src/plain.js": "export const p = 1;\n",
        "node_modules/waits/package.json": '{"name": "waits", "type": "module", "exports": "./index.js"}',
        "node_modules/waits/index.js": "export const w = await Promise.resolve(2);\n",
    }
    _write_app(root, files, engines_node_modules)
    parse = _bundle_parses(node26, root, "ios")
    project = analyse(root, Config(), cache=False)
    said = [f for f in project.findings if "Metro bundles" in f.message and "the app fails to start" in f.message]
    if where is None:
        assert parse.returncode == 0, parse.stderr
        assert not said
        return
    assert "await is only valid in async functions and the top level bodies of modules" in parse.stderr, parse.stderr
    assert {(str(f.path.relative_to(root)), f.code) for f in said if f.code != "async-entry"} == {(where, code)}
    (f,) = [f for f in said if f.code == code]
    assert "into the React Native app of package.json, each module a function of its module system: a top-level " \
           "await there does not parse" in f.message, f.message
    from tla_lens.report.explain import explain

    assert "Metro bundles it into the React Native app of package.json, with " in \
        explain(project, root / ("src/db.js" if where == "src/db.js" else "index.js"))
    if case != "lazy":  # (the app's entry waits for it: its async-entry finding says the app fails)
        (entry,) = [f for f in project.findings if f.code == "async-entry"]
        assert entry.message.startswith("this entry of the React Native app of package.json is an async module")


def _write_app(root: Path, files: dict, engines: Path) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "node_modules").mkdir(exist_ok=True)
    for name in ("metro", "metro-runtime", "@react-native", "@babel"):
        (root / "node_modules" / name).symlink_to(engines / name)


def _bundle_parses(node26: Path, root: Path, platform: str) -> subprocess.CompletedProcess:
    """Metro's bundle of the app for ``platform``, parsed by Node."""
    out = root.parent / f"bundle.{platform}.js"
    build = subprocess.run([str(node26), "build.mjs", str(out), platform], cwd=root, capture_output=True, text=True,
                           timeout=300)
    assert build.returncode == 0 and out.exists(), build.stdout + build.stderr
    return subprocess.run([str(node26), "-e", "new Function(require('fs').readFileSync(process.argv[1], 'utf8'))",
                           str(out)], capture_output=True, text=True, timeout=60)


def test_platform_files_as_metro_resolves_them(node26, engines_node_modules, tmp_path):
    """`./src/db` is src/db.ios.js in the iOS bundle, src/db.android.js in the Android one, and
    `./src/ui` src/ui.native.js in both (Metro 0.87's platform files): tla-lens follows the iOS
    file (the Android one where iOS has none) — the await of db.ios.js fails the app, ui.js is
    not in it."""
    root = Path(os.path.realpath(tmp_path)) / "app"
    _write_app(root, {
        "package.json": json.dumps({"name": "app", "private": True, "main": "index.js",
                                    "dependencies": {"react-native": "0.87.0"}}),
        "babel.config.json": '{"presets": ["module:@react-native/babel-preset"]}',
        "metro.config.js": METRO_CONFIG, "build.mjs": BUILD,
        "index.js": 'import { db } from "./src/db";\nimport { ui } from "./src/ui";\nimport { t } from "./src/tablet";\n'
                    "console.log(db, ui, t);\n",
        "src/db.ios.js": "export const db = await Promise.resolve(1);\n",
        "src/db.android.js": "export const db = 2;\n",
        "src/ui.native.js": "export const ui = 1;\n",
        "src/ui.js": "export const ui = await Promise.resolve(1);\n",
        "src/tablet.android.js": "export const t = 1;\n",
        "src/tablet.ios.js": "export const t = 2;\n",
    }, engines_node_modules)
    ios, android = _bundle_parses(node26, root, "ios"), _bundle_parses(node26, root, "android")
    assert "await is only valid in async functions" in ios.stderr, ios.stderr
    assert android.returncode == 0, android.stderr
    project = analyse(root, Config(), cache=False)
    edges = {e.specifier: e.target.relative_to(root).as_posix() for e in project.modules[root / "index.js"].edges}
    assert edges == {"./src/db": "src/db.ios.js", "./src/ui": "src/ui.native.js", "./src/tablet": "src/tablet.ios.js"}
    errors = {(f.path.relative_to(root).as_posix(), f.code) for f in project.findings if f.severity == "error"}
    assert errors == {("src/db.ios.js", "top-level-await"), ("index.js", "async-entry")}
    assert not [f for f in project.findings if f.code == "unresolved-import" and f.path.name != "build.mjs"]
    # a library (react-native among its peer dependencies): no platform files, as TypeScript without moduleSuffixes
    (root / "package.json").write_text(json.dumps({"name": "lib", "peerDependencies": {"react-native": "*"}}))
    project = analyse(root, Config(), cache=False)
    assert {f.message.split("`")[1] for f in project.findings if f.code == "unresolved-import"
            and f.path.name == "index.js"} == {"./src/db", "./src/tablet"}


@pytest.mark.parametrize("manifest,files,entries", [
    ({"main": "expo-router/entry", "dependencies": {"expo": "57.0.0"}}, ["src/app/index.tsx"],
     ("src/app/**/*.{js,jsx,ts,tsx}",)),
    ({"main": "expo-router/entry", "dependencies": {"expo": "57.0.0"}}, ["app/index.tsx"],
     ("app/**/*.{js,jsx,ts,tsx}",)),
    ({"dependencies": {"expo": "57.0.0"}}, ["App.tsx"], ("App.tsx",)),
    ({"dependencies": {"react-native": "0.87.0"}}, ["index.ts", "index.js"], ("index.js",)),
    ({"main": "src/main.tsx", "dependencies": {"react-native": "0.87.0"}}, ["src/main.tsx"], ("src/main.tsx",)),
    # a library: react-native among its peer and dev dependencies, not an app
    ({"main": "src/index.ts", "peerDependencies": {"react-native": "*"}, "devDependencies": {"react-native": "0.87.0"}},
     ["src/index.ts"], None),
    ({"dependencies": {"react": "19.0.0"}}, ["index.js"], None),
])
def test_the_apps_entries(manifest, files, entries, tmp_path):
    from tla_lens.resolve.metro import metro_app

    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    app = metro_app(manifest, str(tmp_path), os.path.isfile, os.path.isdir)
    assert (app.entries if app is not None else None) == entries


def test_platform_files_only_in_the_apps_folder(tmp_path):
    """In a monorepo, platform files are the React Native app's alone: a web app beside it (its
    own package.json, even under a root whose package.json names react-native) resolves
    `./Button` to Button.tsx, the app to Button.native.tsx (Metro's, held above)."""
    files = {
        "package.json": json.dumps({"name": "root", "private": True, "workspaces": ["apps/*"],
                                    "dependencies": {"react-native": "0.87.0"}}),
        "apps/mobile/package.json": json.dumps({"name": "mobile", "main": "index.js",
                                                "dependencies": {"react-native": "0.87.0"}}),
        "apps/web/package.json": json.dumps({"name": "web", "type": "module"}),
    }
    for app in ("mobile", "web"):
        files[f"apps/{app}/index.js"] = "import { Button } from './Button';\nconsole.log(Button);\n"
        files[f"apps/{app}/Button.native.tsx"] = "export const Button = await Promise.resolve('native');\n"
        files[f"apps/{app}/Button.tsx"] = "export const Button = 'web';\n"
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    project = analyse(tmp_path, Config(), cache=False)
    targets = {app: [e.target.name for e in project.modules[tmp_path / f"apps/{app}/index.js"].edges]
               for app in ("mobile", "web")}
    assert targets == {"mobile": ["Button.native.tsx"], "web": ["Button.tsx"]}
    assert project.modules[tmp_path / "apps/mobile/index.js"].is_async
    assert not project.modules[tmp_path / "apps/web/index.js"].is_async


# a React Native app's Metro configuration (@react-native/metro-config's resolver settings:
# `resolverMainFields`, `unstable_conditionNames`), as `npx react-native init` writes it
BUILD_RN = BUILD.replace("""  resolver: { useWatchman: false },""", """  resolver: { ...require('@react-native/metro-config').getDefaultConfig(process.cwd()).resolver,
              useWatchman: false },""")
TLA = "export const v = await Promise.resolve('x');\n"
PLAIN = "export const v = 'x';\n"
# case: (the package's files, does Metro bundle the await (the bundle does not parse))
PACKAGE_CASES = {
    "node-condition": ({"package.json": {"exports": {"node": "./node.js", "default": "./index.js"}},
                        "node.js": TLA, "index.js": PLAIN}, False),
    "import-condition": ({"package.json": {"exports": {"import": "./index.mjs", "require": "./index.cjs"}},
                          "index.mjs": TLA, "index.cjs": "exports.v = 'x';\n"}, True),
    "require-build-not-taken": ({"package.json": {"exports": {"import": "./index.mjs", "require": "./index.cjs"}},
                           "index.mjs": "exports.v = 'x';\n", "index.cjs": TLA}, False),
    "react-native-condition": ({"package.json": {"exports": {"react-native": "./rn.js", "default": "./index.js"}},
                                "rn.js": TLA, "index.js": PLAIN}, True),
    "react-native-field": ({"package.json": {"main": "index.js", "react-native": "rn.js"}, "rn.js": TLA,
                            "index.js": PLAIN}, True),
    "browser-field": ({"package.json": {"main": "index.js", "browser": "browser.js"}, "browser.js": TLA,
                       "index.js": PLAIN}, True),
    "main-field": ({"package.json": {"main": "index.js", "module": "esm.js"}, "esm.js": TLA, "index.js": PLAIN},
                   False),
}


@pytest.mark.parametrize("case", list(PACKAGE_CASES))
def test_packages_as_metro_resolves_them(case, node26, engines_node_modules, tmp_path):
    """A package's entry in a React Native app is the one Metro takes with React Native's
    configuration (its "react-native" condition and field, "browser", never "node" or "import"):
    its await fails the app where Metro bundles it, and only there."""
    files, fails = PACKAGE_CASES[case]
    root = Path(os.path.realpath(tmp_path)) / "app"
    app = {
        "package.json": json.dumps({"name": "app", "private": True, "main": "index.js",
                                    "dependencies": {"react-native": "0.87.0", "pkg": "1.0.0"}}),
        "babel.config.json": '{"presets": ["module:@react-native/babel-preset"]}',
        "metro.config.js": METRO_CONFIG, "build.mjs": BUILD_RN,
        "index.js": 'import { v } from "pkg";\nconsole.log(v);\n',
    }
    for rel, text in files.items():
        app[f"node_modules/pkg/{rel}"] = json.dumps({"name": "pkg", "version": "1.0.0", **text}) \
            if rel == "package.json" else text
    _write_app(root, app, engines_node_modules)
    parse = _bundle_parses(node26, root, "ios")
    project = analyse(root, Config(), cache=False)
    errors = [(f.path.name, f.code) for f in project.findings if f.severity == "error"]
    if not fails:
        assert parse.returncode == 0, parse.stderr
        assert errors == [], errors
        return
    assert "await is only valid in async functions" in parse.stderr, parse.stderr
    assert ("index.js", "async-entry") in errors, errors


def test_shared_package_of_a_monorepo(node26, engines_node_modules, tmp_path):
    """A monorepo's shared package outside the app's folder (linked into the app's node_modules)
    is bundled by Metro with Metro's rules too: its `./Button` is Button.native.js, whose await
    fails the app (said at the await and at the app's entry)."""
    root = Path(os.path.realpath(tmp_path)) / "repo"
    metro_config = METRO_CONFIG.replace("module.exports = { watchFolders: [",
                                        "module.exports = { watchFolders: [path.resolve(__dirname, '../../packages'), ")
    _write_app(root / "apps/mobile", {
        "package.json": json.dumps({"name": "mobile", "private": True, "main": "index.js",
                                    "dependencies": {"react-native": "0.87.0", "@acme/ui": "*"}}),
        "babel.config.json": '{"presets": ["module:@react-native/babel-preset"]}',
        "metro.config.js": metro_config, "build.mjs": BUILD_RN,
        "index.js": 'import { Button } from "@acme/ui";\nconsole.log(Button);\n',
    }, engines_node_modules)
    files = {
        "package.json": json.dumps({"name": "repo", "private": True, "workspaces": ["apps/*", "packages/*"]}),
        "packages/ui/package.json": json.dumps({"name": "@acme/ui", "main": "src/index.js",
                                                "peerDependencies": {"react-native": "*"}}),
        "packages/ui/src/index.js": "export { Button } from './Button';\n",
        "packages/ui/src/Button.native.js": "export const Button = await Promise.resolve('native');\n",
        "packages/ui/src/Button.js": "export const Button = 'web';\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "apps/mobile/node_modules/@acme").mkdir(parents=True)
    (root / "apps/mobile/node_modules/@acme/ui").symlink_to(root / "packages/ui")
    parse = _bundle_parses(node26, root / "apps/mobile", "ios")
    assert "await is only valid in async functions" in parse.stderr, parse.stderr
    project = analyse(root, Config(), cache=False)
    (edge,) = project.modules[root / "packages/ui/src/index.js"].edges
    assert edge.target == root / "packages/ui/src/Button.native.js"
    errors = {(f.path.relative_to(root).as_posix(), f.code): f.message for f in project.findings
              if f.severity == "error"}
    assert set(errors) == {("apps/mobile/index.js", "async-entry"),
                           ("packages/ui/src/Button.native.js", "top-level-await")}, errors
    assert "Metro bundles this module into the React Native app of apps/mobile/package.json" in \
        errors[("packages/ui/src/Button.native.js", "top-level-await")]
