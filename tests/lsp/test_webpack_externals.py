"""An async webpack external in the editor: the squiggle, the hover's chain ending at its key in
the configuration, and the Async Modules view's site there (webpack's verdicts are held to
webpack in tests/resolve/test_bundler_entries.py)."""
from __future__ import annotations

import re

from lsprotocol import types as T

from .conftest import apply_workspace_edit, wait_for
from .test_actions import _actions, _by_title
from .test_allow_async import _apply_to_disk

CONFIG = """\
module.exports = {
  entry: "./src/index.js",
  externals: {
    lodash: "import lodash",
    jquery: "jQuery",
  },
};
"""
FILES = {
    "package.json": '{"name": "app", "type": "module"}',
    "webpack.config.cjs": CONFIG,
    "src/a.js": 'import _ from "lodash";\nexport const a = _;\n',
    "src/b.js": 'import $ from "jquery";\nexport const b = $;\n',
    "src/index.js": 'import { a } from "./a.js";\nimport { b } from "./b.js";\nconsole.log(a, b);\n',
    # (jquery is taken from outside the bundle: this await is never reached)
    "node_modules/jquery/package.json": '{"name": "jquery", "type": "module", "exports": "./j.js"}',
    "node_modules/jquery/j.js": "export default await Promise.resolve(1);\n",
}


async def test_async_external_in_the_editor(lsp):
    s = await lsp(FILES)
    s.open("src/a.js")
    s.open("src/b.js")
    assert await wait_for(lambda: s.diagnostics("src/a.js", "async-import"))
    (d,) = s.diagnostics("src/a.js", "async-import")
    assert d.message.startswith("`lodash` is an async module: it is a webpack external of type `import` "
                                "(webpack.config.cjs, line 4), which webpack loads asynchronously")
    # the related location is the external's key in the configuration
    (rel,) = d.related_information[-1:]
    assert rel.location.uri == s.uri("webpack.config.cjs") and rel.location.range.start.line == 3
    assert await s.settle_async("src/b.js", False)
    h = await s.hover("src/a.js", 0, 3)
    md = h.contents.value
    assert "**async module** — `lodash` is a webpack external of type 'import'" in md
    links = re.findall(r"\[([^\]]+)\]\(([^)]+)\)", md)
    assert links[-1] == ("webpack.config.cjs:4", s.uri("webpack.config.cjs") + "#L4")
    assert '```js\nlodash: "import lodash",\n```' in md
    sites = await s.client.protocol.send_request_async("tla-lens/asyncModules", {})
    (site,) = [x for x in sites if x["kind"] == "async-external"]
    assert site["uri"] == s.uri("webpack.config.cjs") and site["name"] == "lodash"
    assert site["range"]["start"]["line"] == 3
    assert sorted(site["infects"]) == sorted([s.uri("src/a.js"), s.uri("src/index.js")])
    r = await s.explain("src/index.js")
    assert r["async"] and r["cause"] == s.uri("webpack.config.cjs")
    # the configuration changes: lodash is no longer an external, nothing is async
    s.disk({"webpack.config.cjs": CONFIG.replace('lodash: "import lodash",', "")})
    assert await s.settle_async("src/a.js", False)
    assert await wait_for(lambda: not s.diagnostics("src/a.js", "async-import"))


NODE_EXTERNALS = """\
const nodeExternals = require("webpack-node-externals");
module.exports = {
  entry: "./src/server.js",
  target: "node",
  externals: [nodeExternals()],
};
"""
SERVER_FILES = {
    "package.json": '{"name": "api", "type": "module"}',
    "webpack.config.cjs": NODE_EXTERNALS,
    "src/server.js": 'import { pool } from "db-pool";\nexport const start = () => pool;\n',
    "node_modules/db-pool/package.json": '{"name": "db-pool", "type": "module", "exports": "./pool.js"}',
    "node_modules/db-pool/pool.js": "export const pool = await Promise.resolve({});\n",
}


async def test_external_the_bundle_requires_in_the_editor(lsp):
    """webpack-node-externals makes every package a `commonjs` external: the bundle require()s
    db-pool, an ES module with top-level await: the import is an error (what the bundle would
    throw when it runs is held to webpack and Node in tests/resolve/test_webpack_require_externals.py);
    the allowlist added in the configuration bundles it, and the error goes."""
    s = await lsp(SERVER_FILES)
    s.open("src/server.js")
    assert await wait_for(lambda: s.diagnostics("src/server.js", "require-async"))
    (d,) = s.diagnostics("src/server.js", "require-async")
    assert d.message.startswith("`db-pool` is a webpack external of type `commonjs` (webpack.config.cjs, line 5, "
                                "by webpack-node-externals): the bundle loads it with `require(\"db-pool\")`")
    assert d.severity == 1 and "add it to nodeExternals' `allowlist`" in d.message
    assert d.related_information[-1].location.uri == s.uri("node_modules/db-pool/pool.js")
    assert await s.settle_async("src/server.js", False)  # (a require: the importer does not wait)
    md = (await s.hover("src/server.js", 0, 3)).contents.value
    assert "**async module** — `db-pool` has a top-level `await`" in md
    assert "`db-pool` is a webpack external of type `commonjs` (webpack.config.cjs, line 5, by " \
           "webpack-node-externals): the bundle loads it with `require(\"db-pool\")`: Node throws " \
           "`ERR_REQUIRE_ASYNC_MODULE` there when the bundle runs." in md, md
    # the quick fix: the webpack configuration edited to bundle it
    fix = _by_title(await _actions(s, "src/server.js", d.range, [d]),
                    "Bundle `db-pool`: add it to nodeExternals' allowlist (webpack.config.cjs)")
    assert fix.kind == T.CodeActionKind.QuickFix and fix.is_preferred
    written = _apply_to_disk(s, fix.edit)
    assert 'nodeExternals({ allowlist: ["db-pool"] })' in written["webpack.config.cjs"]
    assert await s.settle_async("src/server.js", True)  # (bundled: an async module in the bundle)
    assert await wait_for(lambda: not s.diagnostics("src/server.js", "require-async"))
    assert s.diagnostics("src/server.js", "async-import")


TSUP_FILES = {
    "package.json": '{"name": "svc", "type": "module", "scripts": {"build": "tsup src/server.ts"}, '
                    '"dependencies": {"db-pool": "1.0.0"}}',
    "src/server.ts": 'import { pool } from "db-pool";\n\nexport function start() {\n  return pool;\n}\n',
    "node_modules/db-pool/package.json": '{"name": "db-pool", "type": "module", "exports": "./pool.js"}',
    "node_modules/db-pool/pool.js": "export const pool = await Promise.resolve({});\n",
}


async def test_tsup_cjs_build_in_the_editor(lsp):
    """tsup's CommonJS build require()s db-pool (a dependency: external): the import is an error
    (held to tsup and Node in tests/resolve/test_tsup_cjs.py), with the lazy import() fix,
    which tsup keeps; applied, the error goes. The script changed to `--format esm`: an async
    import again."""
    s = await lsp(TSUP_FILES)
    s.open("src/server.ts")
    assert await wait_for(lambda: s.diagnostics("src/server.ts", "require-async"))
    (d,) = s.diagnostics("src/server.ts", "require-async")
    assert d.message.startswith("`db-pool` is a package that tsup's CommonJS build (script `build` of "
                                "package.json) keeps external")
    lazy = _by_title(await _actions(s, "src/server.ts", d.range, [d]), "Load `db-pool` lazily")
    assert lazy.kind == T.CodeActionKind.QuickFix
    apply_workspace_edit(s, lazy.edit)
    assert "await import(\"db-pool\")" in s.texts[s.uri("src/server.ts")]
    assert await wait_for(lambda: not s.diagnostics("src/server.ts", "require-async"))
    # ES modules only: the import stays an import, and makes the module async
    s.disk({"package.json": TSUP_FILES["package.json"].replace("tsup src/server.ts", "tsup src/server.ts --format esm")})
    s.replace("src/server.ts", TSUP_FILES["src/server.ts"])
    assert await wait_for(lambda: s.diagnostics("src/server.ts", "async-import"))
    assert not s.diagnostics("src/server.ts", "require-async")


async def test_tsup_configuration_edited(lsp):
    """The build's options from tsup.config.json: its `format` changed on disk to ES modules
    only, the import is an async import instead of an error."""
    files = dict(TSUP_FILES)
    files["package.json"] = files["package.json"].replace("tsup src/server.ts", "tsup")
    files["tsup.config.json"] = '{"entry": ["src/server.ts"]}'
    s = await lsp(files)
    s.open("src/server.ts")
    assert await wait_for(lambda: s.diagnostics("src/server.ts", "require-async"))
    s.disk({"tsup.config.json": '{"entry": ["src/server.ts"], "format": ["esm"]}'})
    assert await wait_for(lambda: s.diagnostics("src/server.ts", "async-import"))
    assert not s.diagnostics("src/server.ts", "require-async")


NX_PROJECT = ('{"name": "svc", "targets": {"build": {"executor": "@nx/esbuild:esbuild", "options": '
              '{"main": "apps/svc/src/server.ts", "outputPath": "dist/svc", "format": ["cjs"]}}}}')


async def test_nx_project_json_edited(lsp):
    """Nx's esbuild executor builds apps/svc as CommonJS (held to Nx in
    tests/resolve/test_nx_esbuild.py): db-pool is kept external, an error at its import;
    project.json edited on disk to build ES modules, an async import instead."""
    files = {"nx.json": "{}", "package.json": '{"name": "ws", "dependencies": {"db-pool": "1.0.0"}}',
             "apps/svc/project.json": NX_PROJECT, "apps/svc/src/server.ts": TSUP_FILES["src/server.ts"],
             **{k: v for k, v in TSUP_FILES.items() if k.startswith("node_modules/")}}
    s = await lsp(files)
    s.open("apps/svc/src/server.ts")
    assert await wait_for(lambda: s.diagnostics("apps/svc/src/server.ts", "require-async"))
    (d,) = s.diagnostics("apps/svc/src/server.ts", "require-async")
    assert "Nx's CommonJS build (target `build` of apps/svc/project.json) keeps external" in d.message
    s.disk({"apps/svc/project.json": NX_PROJECT.replace('["cjs"]', '["esm"]')})
    assert await wait_for(lambda: s.diagnostics("apps/svc/src/server.ts", "async-import"))
    assert not s.diagnostics("apps/svc/src/server.ts", "require-async")


BUILD_SCRIPT = """\
import * as esbuild from "esbuild";

await esbuild.build({
  entryPoints: ["src/server.ts"],
  bundle: true,
  platform: "node",
  packages: "external",
  outfile: "dist/server.cjs",
});
"""


async def test_esbuild_build_script_edited(lsp):
    """esbuild's JavaScript API in the script `npm run build` runs (held to esbuild and Node in
    tests/resolve/test_esbuild_api.py): a CommonJS bundle require()s db-pool, an error at the
    import; the script edited on disk to build an ES module, an async import instead; a build
    script no longer run by any npm script, nothing of it."""
    files = dict(TSUP_FILES)
    files["package.json"] = files["package.json"].replace("tsup src/server.ts", "node build.mjs")
    files["build.mjs"] = BUILD_SCRIPT
    s = await lsp(files)
    s.open("src/server.ts")
    assert await wait_for(lambda: s.diagnostics("src/server.ts", "require-async"))
    (d,) = s.diagnostics("src/server.ts", "require-async")
    assert d.message.startswith("`db-pool` is a package that esbuild's CommonJS build (script `build` of "
                                "package.json) keeps external")
    assert d.message.endswith('or build ES modules only (`format: "esm"`)')
    s.disk({"build.mjs": BUILD_SCRIPT.replace('platform: "node",', 'platform: "node", format: "esm",')})
    assert await wait_for(lambda: s.diagnostics("src/server.ts", "async-import"))
    assert not s.diagnostics("src/server.ts", "require-async")
    s.disk({"build.mjs": BUILD_SCRIPT})
    assert await wait_for(lambda: s.diagnostics("src/server.ts", "require-async"))
    s.disk({"package.json": files["package.json"].replace("node build.mjs", "echo no build")})
    assert await wait_for(lambda: s.diagnostics("src/server.ts", "async-import"))
    assert not s.diagnostics("src/server.ts", "require-async")


VITE_LIB = """\
export default {
  build: { lib: { entry: "src/server.ts", name: "Svc" }, rollupOptions: { external: ["db-pool"] } },
};
"""


async def test_vite_library_configuration_edited(lsp):
    """Vite's library mode (held to Vite and Node in tests/resolve/test_vite_lib.py): the UMD
    output require()s db-pool, an error at the import; the configuration edited on disk to ES
    modules only, an async import instead."""
    files = dict(TSUP_FILES)
    files["package.json"] = files["package.json"].replace("tsup src/server.ts", "vite build")
    files["vite.config.js"] = VITE_LIB
    s = await lsp(files)
    s.open("src/server.ts")
    assert await wait_for(lambda: s.diagnostics("src/server.ts", "require-async"))
    (d,) = s.diagnostics("src/server.ts", "require-async")
    assert d.message.startswith("`db-pool` is a package that Vite's UMD build (script `build` of package.json) "
                                "keeps external")
    s.disk({"vite.config.js": VITE_LIB.replace('name: "Svc"', 'formats: ["es"]')})
    assert await wait_for(lambda: s.diagnostics("src/server.ts", "async-import"))
    assert not s.diagnostics("src/server.ts", "require-async")


ROLLUP = 'export default { input: "src/server.js", output: { file: "dist/server.cjs", format: "cjs" } };\n'


async def test_rollup_configuration_edited(lsp):
    """A Rollup build (held to Rollup and Node in tests/resolve/test_rollup_cjs.py): the CommonJS
    output require()s db-pool (no node-resolve: every package is external), an error at the
    import; the configuration edited on disk to ES modules, an async import instead."""
    files = {k.replace("server.ts", "server.js"): v for k, v in TSUP_FILES.items()}
    files["package.json"] = files["package.json"].replace("tsup src/server.ts", "rollup -c")
    files["rollup.config.mjs"] = ROLLUP
    s = await lsp(files)
    s.open("src/server.js")
    assert await wait_for(lambda: s.diagnostics("src/server.js", "require-async"))
    (d,) = s.diagnostics("src/server.js", "require-async")
    assert d.message.startswith("`db-pool` is a package that Rollup's CommonJS build (script `build` of "
                                "package.json) keeps external")
    s.disk({"rollup.config.mjs": ROLLUP.replace('format: "cjs"', 'format: "es"')})
    assert await wait_for(lambda: s.diagnostics("src/server.js", "async-import"))
    assert not s.diagnostics("src/server.js", "require-async")


BABEL_FILES = {
    "package.json": '{"name": "svc", "scripts": {"build": "babel src -d lib"}, "dependencies": {"db-pool": "1.0.0"}}',
    ".babelrc": '{ presets: ["@babel/preset-env"] }',
    "src/server.js": 'import { pool } from "db-pool";\n\nexport function start() {\n  return pool;\n}\n',
    "node_modules/db-pool/package.json": '{"name": "db-pool", "type": "module", "exports": "./pool.js"}',
    "node_modules/db-pool/pool.js": "export const pool = await Promise.resolve({});\n",
}


async def test_babel_configuration_edited(lsp):
    """Babel's preset-env compiles the file into CommonJS (held to Babel and Node in
    tests/resolve/test_babel_cli.py): the import is a require() of an async module, an error;
    .babelrc edited on disk to keep ES modules (`modules: false`): an async import instead."""
    s = await lsp(BABEL_FILES)
    s.open("src/server.js")
    assert await wait_for(lambda: s.diagnostics("src/server.js", "require-async"))
    (d,) = s.diagnostics("src/server.js", "require-async")
    assert d.message.startswith("Babel compiles this import to `require(\"db-pool\")`")
    s.disk({".babelrc": '{ presets: [["@babel/preset-env", { modules: false }]] }'})
    assert await wait_for(lambda: s.diagnostics("src/server.js", "async-import"))
    assert not s.diagnostics("src/server.js", "require-async")


ROLLUP_FILES = {
    "package.json": '{"name": "svc", "type": "module", "scripts": {"build": "rollup -c"}, '
                    '"dependencies": {"db-pool": "1.0.0"}}',
    "rollup.config.js": ('import { nodeResolve } from "@rollup/plugin-node-resolve";\n'
                         'import pkg from "./package.json" with { type: "json" };\n\n'
                         'export default { input: "src/server.js", output: { file: "dist/server.cjs", format: "cjs" },\n'
                         '  external: Object.keys(pkg.dependencies), plugins: [nodeResolve()] };\n'),
    "src/server.js": 'import { pool } from "db-pool";\n\nexport function start() {\n  return pool;\n}\n',
    "node_modules/db-pool/package.json": '{"name": "db-pool", "type": "module", "exports": "./pool.js"}',
    "node_modules/db-pool/pool.js": "export const pool = await Promise.resolve({});\n",
}


async def test_external_from_the_manifest_follows_its_edits(lsp):
    """Rollup's `external` from the package.json's dependencies (held to Rollup and Node in
    tests/resolve/test_rollup_cjs.py): db-pool is required by the CommonJS output, an error;
    the dependency moved to devDependencies on disk, the build bundles it and its top-level
    await fails the build, which the import says instead."""
    s = await lsp(ROLLUP_FILES)
    s.open("src/server.js")
    assert await wait_for(lambda: s.diagnostics("src/server.js", "require-async"))
    s.disk({"package.json": ROLLUP_FILES["package.json"].replace('"dependencies"', '"devDependencies"')})
    assert await wait_for(lambda: not s.diagnostics("src/server.js", "require-async"))
    assert await wait_for(lambda: any("that build fails" in d.message for d in s.diagnostics("src/server.js")))
