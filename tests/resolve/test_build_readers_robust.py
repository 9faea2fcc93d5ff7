"""The readers of npm scripts and build configurations (tsup, esbuild's command line and
JavaScript API, Vite's library mode and target, Rollup, Jest, Babel, swc, Nx, Angular) take any text without failing: a script or
configuration they cannot read is not modelled (or says why), never an exception."""
from __future__ import annotations

import json
import os

from hypothesis import given, settings, strategies as st

from tla_lens.resolve.angular import angular_builds
from tla_lens.resolve.jest import package_jest_runs
from tla_lens.resolve.metro import metro_app
from tla_lens.resolve.nx import nx_builds
from tla_lens.resolve.playwright import package_playwright_runs
from tla_lens.resolve.cdk import cdk_builds
from tla_lens.resolve.sam import sam_builds
from tla_lens.resolve.tshy import package_tshy
from tla_lens.resolve.tsup import package_cjs_builds

WORDS = ["tsup", "tsup-node", "esbuild", "vite", "build", "rollup", "jest", "node", "tsx", "npx", "pnpm", "exec",
         "-c", "--config", "--config=x.json", "-f", "cjs", "--format", "--format=cjs", "-e", "--external", "a,b",
         "--bundle", "--platform=node", "--packages=external", "--external:x", "-o", "-d", "dist", "build.mjs",
         "rollup.config.mjs", "src/a.ts", "--experimental-vm-modules", "NODE_OPTIONS=--experimental-vm-modules",
         "node_modules/jest/bin/jest.js", "&&", ";", "|", "'", '"', "\\", "(", "{", "=", "--", "-", "babel",
         "--out-dir", "-x", ".ts,.tsx", "--ignore", "--no-babelrc", "--config-file", "babel.config.json", "src",
         "--roots", "--testPathIgnorePatterns", "NODE_ENV=production", "--env-name", "playwright", "test",
         "--project", "chromium", "--no-deps", "/e2e/i", "e2e:12", "playwright.config.ts", "swc", "-C",
         "module.type=commonjs", "module.ignoreDynamic=true", "--no-swcrc", "--target=es2020", "--target",
         "es2020,chrome90", "--ssr", "electron-vite", "dev", "preview", "tsdown", "-f", "esm", "bun", "--bytecode",
         "--target=bun", "--no-bundle", "--compile", "--packages", "external", "build.mjs", "run", "pkgroll",
         "unbuild", "--stub", "--src", "--dist=x"]
CONFIG_PIECES = ["export default", "module.exports =", "{", "}", "[", "]", "(", ")", ",", ":", "...", "build",
                 "lib", "entry", "formats", "'es'", '"cjs"', "'umd'", "external", "/^x/", "/[/g", "rollupOptions",
                 "input", "output", "format", "plugins", "nodeResolve()", "import { build } from 'esbuild';",
                 "import * as esbuild from 'esbuild';", "esbuild.build(", "build(", "bundle", "true", "platform",
                 "'node'", "entryPoints", "packages", "testMatch", "testRegex", "projects", "path.join(__dirname,",
                 "`x${y}`", "defineConfig(", "() =>", "const o =", "o", "\n", "\\", "'", '"', "\u2028", "\x00",
                 "presets", "plugins", "'@babel/preset-env'", "modules", "false", "exclude", "env", "overrides",
                 "Object.keys(pkg.dependencies)", "import pkg from './package.json';", "(id) =>", "id.startsWith('.')",
                 "!", "&&", "||", "deps.some((d) =>", "id ===", "d", "roots", "rootDir", "testPathIgnorePatterns",
                 "require('./package.json')", "builtinModules", ".filter(", ".map(", "JSON.parse(readFileSync(",
                 "import { nodeExternalsPlugin } from 'esbuild-node-externals';", "nodeExternalsPlugin(",
                 "allowList", "packagePath", "for (const f of", "formats",
                 "import nodeExternals from 'rollup-plugin-node-externals';", "nodeExternals(", "devDeps", "include",
                 "moduleNameMapper", "'^@/(.*)$'", "'<rootDir>/src/$1'", "extensionsToTreatAsEsm", "preset",
                 "testDir", "testIgnore", "name", "'chromium'", "dependencies", "teardown", "default",
                 "{ command, mode }", "if (command === 'serve')", "return", "else", "?", "mode === 'x'",
                 '"targets"', '"executor"', '"@nx/esbuild:esbuild"', '"options"', '"main"', '"format"',
                 '["cjs"]', '"thirdParty"', '"targetDefaults"', '"configurations"', '"defaultConfiguration"',
                 "function bundle(format)", "bundle('cjs')", "globalSetup", "setupFiles", "target", "'es2020'",
                 "['chrome88', 'node14']", "experiments", "topLevelAwait", '"module"', '"type"', '"commonjs"',
                 '"ignoreDynamic"', '"test"', '"projects"', '"architect"', '"builder"',
                 '"@angular/build:application"', '"polyfills"', '["zone.js"]', '"browser"', '"version": "6.4.6"',
                 "main:", "preload:", "renderer:", "externalizeDeps", "rolldownOptions", "deps", "neverBundle",
                 "Bun.build(", "import { build } from 'bun';", "entrypoints", "bytecode", "'bun'", "await",
                 "defineBuildConfig(", "entries", "input", "emitCJS", "externals", "new NodejsFunction(",
                 "import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';", "bundling",
                 "OutputFormat.ESM", "externalModules", "nodeModules", "esbuildArgs", "'--packages'", "stack",
                 "for (const name of ['a'])", "name", "Resources:", "Type: AWS::Serverless::Function",
                 "Metadata:", "BuildMethod: esbuild", "!Ref", "BuildProperties:", "EntryPoints:", "- app.ts",
                 "Format: esm", "CodeUri:", "Globals:"]
FILES = ["build.mjs", "vite.config.js", "rollup.config.mjs", "jest.config.js", "tsup.config.ts", "x.json",
         "jest.config.json", "babel.config.json", "babel.config.js", ".babelrc", "package.json",
         "playwright.config.ts", "project.json", "nx.json", ".swcrc", "angular.json", "tsconfig.json",
         "node_modules/vite/package.json", "electron.vite.config.mjs", "tsdown.config.ts", "build.config.ts",
         "build.config.json", "src/index.ts", "src/a.cts",
         "template.yaml", "template.json"]


_NX_KEYS = st.sampled_from(["targets", "build", "executor", "options", "main", "format", "thirdParty", "external",
                            "configurations", "defaultConfiguration", "production", "additionalEntryPoints",
                            "esbuildOptions", "bundle", "excludeFromExternal", "plugins", "plugin", "include",
                            "exclude", "buildTargetName", "configFile", "target", "buildTarget", "name", "swcrc",
                            "sourceRoot", "outputPath"])
_NX = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5)
                   | st.sampled_from(["@nx/esbuild:esbuild", "cjs", "esm", "src/main.ts", "production",
                                    "@nx/vite:build", "@nx/vite:dev-server", "@nx/vite/plugin", "pkg:build", "**",
                                    "vite.config.js", "es2020", "@nx/js:swc", ".swcrc", "src", "dist"]),
                   lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_NX_KEYS, inner, max_size=4),
                   max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(scripts=st.dictionaries(st.sampled_from(["build", "test", "dev", ""]),
                               st.lists(st.sampled_from(WORDS), max_size=10).map(" ".join) | st.text(max_size=30)
                               | st.integers() | st.none(), max_size=3),
       configs=st.dictionaries(st.sampled_from(FILES),
                               st.lists(st.sampled_from(CONFIG_PIECES), max_size=30).map(" ".join)
                               | st.text(max_size=60), max_size=4),
       tsup=st.none() | st.text(max_size=5) | st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
       jest=st.none() | st.integers() | st.dictionaries(
           st.sampled_from(["testMatch", "testRegex", "projects", "moduleNameMapper", "extensionsToTreatAsEsm",
                            "preset"]),
           st.text(max_size=8) | st.lists(st.text(max_size=5)) | st.dictionaries(st.text(max_size=5), st.text(max_size=5),
                                                                                 max_size=2), max_size=2),
       nx=_NX)
def test_any_script_and_configuration(scripts, configs, tsup, jest, nx):
    folder = "/nonexistent/pkg"
    files = {os.path.join(folder, n): t for n, t in configs.items()}
    files.setdefault(os.path.join(folder, "project.json"), json.dumps(nx))
    files.setdefault(os.path.join(folder, "nx.json"), json.dumps(nx))
    files.setdefault(os.path.join(folder, "vite.config.js"), "export default { build: { target: 'es2020' } };")
    manifest = {"scripts": scripts, "tsup": tsup, "jest": jest, "babel": jest, "exports": nx, "main": tsup,
                "bin": jest, "unbuild": nx, "type": tsup}
    builds = package_cjs_builds(manifest, folder, files.__contains__, files.get, every_format=True)
    for b in builds:
        assert isinstance(b.entries, tuple) and isinstance(b.formats, tuple)
        assert b.unread is None or isinstance(b.unread, str)
        b.keeps_external("lodash/get")
    for run in package_jest_runs(manifest, folder, files.__contains__, files.get):
        assert run.unread is None or isinstance(run.unread, str)
        run.tests(folder + "/src/a.test.js")
        run.mapped("@/x")
    for build in nx_builds(folder, folder, files.__contains__, files.get):
        assert build.unread is None or isinstance(build.unread, str)
        build.keeps_external("lodash")
    metro_app({**manifest, "dependencies": {"react-native": "1"}, "main": tsup}, folder, files.__contains__,
              lambda p: False)
    for run in package_playwright_runs(manifest, folder, files.__contains__, files.get):
        assert run.unread is None or isinstance(run.unread, str)
        run.tests(folder + "/e2e/a.spec.ts")
    for build in angular_builds(folder, files.__contains__, files.get):
        assert build.unread is None or isinstance(build.unread, str)
        assert isinstance(build.entries, tuple) and build.refuses_tla in ("", "target")
    for b in sam_builds(folder, files.__contains__, files.get):
        assert b.unread is None or isinstance(b.unread, str)
        assert isinstance(b.entries, tuple) and b.origin(str) and isinstance(b.refusal_fix, str)
    for b in cdk_builds(folder, sorted(files), files.__contains__, files.get):
        assert b.unread is None or isinstance(b.unread, str)
        assert isinstance(b.entries, tuple) and b.origin(str)
    for tshy in (tsup, jest, {"dialects": tsup, "exclude": jest}, {"exclude": [tsup]}):
        t = package_tshy({**manifest, "tshy": tshy}, folder)
        assert t is None or isinstance(t.compiles_cjs(folder + "/src/a.ts", files.__contains__), bool)
    for b in builds:
        assert b.refuses_tla in ("", "target", "cjs", "iife", "umd", "amd") and isinstance(b.tla_refusal, str)
        assert isinstance(b.refusal, str) and isinstance(b.refusal_fix, str)


RUN_WORDS = ["bun", "bunx", "run", "test", "build", "x", "--watch", "--hot", "--cwd", "src", "-r", "--preload",
             "./setup.ts", "src/a.ts", "./src", "a", "-e", "--eval", "node", "tsx", "watch", "-C", "--conditions",
             "--conditions=dev", "NODE_OPTIONS=--conditions=x", "NODE_OPTIONS='-C", "y'", "cross-env", "env",
             "--test", "test/*.test.js", "&&", ";", "|", "'", '"', "\\", "(", "=", "--", "-", "spec", "./test/i.ts"]


@settings(max_examples=300, deadline=None)
@given(scripts=st.dictionaries(st.sampled_from(["a", "test", "dev", "src/a.ts", ""]),
                               st.lists(st.sampled_from(RUN_WORDS), max_size=10).map(" ".join) | st.text(max_size=30)
                               | st.integers() | st.none(), max_size=3),
       fields=st.dictionaries(st.sampled_from(["module", "main", "bin", "devDependencies", "dependencies"]),
                              st.none() | st.text(max_size=8) | st.integers()
                              | st.dictionaries(st.sampled_from(["@types/bun", "bun-types", "tool"]),
                                                st.text(max_size=8) | st.integers(), max_size=2), max_size=4),
       rel=st.text(max_size=20), line=st.text(max_size=40))
def test_any_bun_and_node_run(scripts, fields, rel, line):
    """The readers of what Bun and node run (scripts, `#!` lines, a bun init package's fields,
    `bun test` filters, node's export conditions) take any manifest without failing."""
    from tla_lens.resolve.scripts import (bun_test_runs, node_conditions, package_bun_runs, package_node_runs,
                                          script_conditions)
    folder = "/nonexistent/pkg"
    files = {folder + "/src/a.ts", folder + "/setup.ts", folder + "/src/index.ts"}
    manifest = {"scripts": scripts, **fields}
    for run in package_bun_runs(manifest, folder, files.__contains__, lambda p: line):
        assert run.file is None or run.file in files or run.how == "bin"
        if run.test is not None:
            assert isinstance(bun_test_runs(rel, run.test), bool)
    runs, _ = package_node_runs(manifest, folder, files.__contains__, lambda p: line)
    for run in runs:
        assert all(isinstance(c, str) and c for c in run.conditions)
    for conds in script_conditions(scripts).values():
        assert all(isinstance(c, str) and c for c in conds)
    assert isinstance(node_conditions(line.split()), tuple)
