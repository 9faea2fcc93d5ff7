"""webpack externals the bundle loads with `require()` when it runs (types `commonjs`,
`commonjs2`, `commonjs-module`, `node-commonjs`; written as requests, as regular expressions,
or by webpack-node-externals): an import of one whose module is an ES module with top-level
await makes the bundle throw ERR_REQUIRE_ASYNC_MODULE (a `require-async` finding at the
import), where the same import bundled would make an async module. Held to webpack 5 building
each configuration and Node 26 running every bundle it made."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse
from tla_lens.resolve.bundler import read_config

PROBE = Path(__file__).resolve().parent / "webpack_run_probe.mjs"

PACKAGES = {
    "async-pkg/package.json": '{"name": "async-pkg", "type": "module", "exports": "./index.js"}',
    "async-pkg/index.js": "export default await Promise.resolve('A');\n",
    "sync-pkg/package.json": '{"name": "sync-pkg", "type": "module", "exports": "./index.js"}',
    "sync-pkg/index.js": "export default 'S';\n",
    # require() finds the CommonJS build
    "dual-pkg/package.json": '{"name": "dual-pkg", "exports": {"import": "./index.mjs", "require": "./index.cjs"}}',
    "dual-pkg/index.mjs": "export default await Promise.resolve('D');\n",
    "dual-pkg/index.cjs": "module.exports = 'Dc';\n",
    # async because of what it imports
    "chain-pkg/package.json": '{"name": "chain-pkg", "type": "module", "exports": "./index.js"}',
    "chain-pkg/index.js": "export { default } from 'async-pkg';\n",
    "@scope/slow/package.json": '{"name": "@scope/slow", "type": "module", "exports": "./index.js"}',
    "@scope/slow/index.js": "export default await Promise.resolve('Sc');\n",
}
ENTRIES = {
    "async": "import v from 'async-pkg';\nconsole.log(v);\n",
    "sync": "import v from 'sync-pkg';\nconsole.log(v);\n",
    "dual": "import v from 'dual-pkg';\nconsole.log(v);\n",
    "chain": "import v from 'chain-pkg';\nconsole.log(v);\n",
    "scoped": "import v from '@scope/slow';\nconsole.log(v);\n",
    "dyn": "import('async-pkg').then((m) => console.log(m.default), (e) => console.log(e.code));\n",
    "local": "import v from './slow.js';\nconsole.log(v);\n",
}
ALL = ["async-pkg", "sync-pkg", "dual-pkg", "chain-pkg", "@scope/slow"]
CONFIGS = {
    "object": "externals: { 'async-pkg': 'commonjs async-pkg', 'sync-pkg': 'commonjs2 sync-pkg', "
              "'dual-pkg': 'node-commonjs dual-pkg', 'chain-pkg': ['commonjs chain-pkg'], "
              "'@scope/slow': 'commonjs-module @scope/slow' },",
    "type-list": "externalsType: 'commonjs', externals: " + json.dumps(ALL) + ",",
    "node-externals": "externals: [nodeExternals()],",
    "allowlist": "externals: [nodeExternals({ allowlist: ['chain-pkg', /^@scope\\//] })],",
    "regex": "externalsType: 'commonjs', externals: [/^(async|sync|dual)-pkg$/],",
    # a function of the request (webpack 5's form, webpack 4's, and an async one)
    "function": "externals: [({ request }, callback) => { if (/^(async|sync|dual)-pkg$/.test(request)) { "
                "return callback(null, 'commonjs ' + request); } callback(); }],",
    "function-webpack4": "externals: [function (context, request, callback) { if (request === 'async-pkg' || "
                         "request.startsWith('sync-') || request === 'dual-pkg') return callback(null, "
                         "`commonjs ${request}`); callback(); }],",
    "function-async": "externals: [async ({ request }) => { if (['async-pkg', 'sync-pkg', 'dual-pkg']"
                      ".includes(request)) return 'commonjs ' + request; }],",
    # requests computed from the manifest
    "manifest": "externalsType: 'commonjs', externals: [...Object.keys(require('./package.json').dependencies)],",
}


def _project(tmp_path: Path, externals: str) -> Path:
    root = Path(os.path.realpath(tmp_path)) / "p"
    for rel, text in PACKAGES.items():
        (root / "node_modules" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "node_modules" / rel).write_text(text)
    (root / "src").mkdir(parents=True)
    for name, text in ENTRIES.items():
        (root / "src" / f"{name}.js").write_text(text)
    (root / "src/slow.js").write_text("export default await Promise.resolve('L');\n")
    (root / "package.json").write_text(json.dumps({"name": "app", "private": True,
                                                   "dependencies": {n: "1.0.0" for n in ALL}}))
    entries = ", ".join(f"{n}: './src/{n}.js'" for n in ENTRIES)
    (root / "webpack.config.cjs").write_text(
        "const nodeExternals = require('webpack-node-externals');\n"
        f"module.exports = {{\n  entry: {{ {entries} }},\n  {externals}\n}};\n")
    return root


@pytest.mark.parametrize("name", list(CONFIGS))
def test_externals_required_when_the_bundle_runs(name, node26, engines_node_modules, tmp_path):
    root = _project(tmp_path, CONFIGS[name])
    project = analyse(root, Config(), cache=False)
    # (the bundles go to dist/, where Node's require() finds the project's node_modules)
    proc = subprocess.run([str(node26), str(PROBE), str(root), str(root / "webpack.config.cjs"), str(root / "dist")],
                          capture_output=True, text=True, timeout=180, cwd=root,
                          env=dict(os.environ, NODE_PATH=str(engines_node_modules)))
    assert proc.returncode == 0, proc.stderr
    theirs = json.loads(proc.stdout)
    for entry, run in theirs.items():
        path = root / "src" / f"{entry}.js"
        found = [f for f in project.findings if f.path == path and f.code == "require-async"]
        assert bool(found) is run["throws"], (entry, run, found)
        assert project.modules[path].is_async is run["async"], (entry, run)
    # (the cases that tell something apart)
    assert theirs["async"]["throws"] and not theirs["dual"]["throws"] and not theirs["sync"]["throws"]
    assert theirs["local"]["async"] and not theirs["local"]["throws"]
    # chain-pkg bundled still throws: the bundle require()s the async-pkg it imports
    assert theirs["chain"]["throws"] and not theirs["chain"]["async"]
    bundled = name in ("allowlist", "regex") or name.startswith("function")  # (@scope/slow: bundled, async)
    assert theirs["scoped"]["throws"] is not bundled and theirs["scoped"]["async"] is bundled
    if bundled:
        (f,) = [f for f in project.findings if f.path == root / "src/chain.js"]
        assert f.message.startswith("`chain-pkg` is bundled, and it imports `async-pkg` (chain-pkg/index.js, "
                                    "line 1), an async module (`async-pkg/index.js` has a top-level await at "
                                    "line 1); `async-pkg` is a webpack external of type `commonjs`"), f.message
        assert "so Node throws ERR_REQUIRE_ASYNC_MODULE there when the bundle runs" in f.message
        assert f.related[0].path == root / "node_modules/chain-pkg/index.js"
        from tla_lens.report.explain import explain

        assert ("Throws when the bundle runs: 'chain-pkg' (line 1) is bundled, and it imports 'async-pkg' "
                "(node_modules/chain-pkg/index.js, line 1), which is a webpack external of type `commonjs`") \
            in explain(project, root / "src/chain.js")
    (f,) = [f for f in project.findings if f.path == root / "src/async.js"]
    how = "by webpack-node-externals" if "nodeExternals" in CONFIGS[name] else \
        "by /^(async|sync|dual)-pkg$/" if name == "regex" else \
        "by the function of `externals` at line 4" if name.startswith("function") else ""
    assert f.message.startswith("`async-pkg` is a webpack external of type `commonjs` (webpack.config.cjs, "
                                f"line 4{', ' + how if how else ''}): the bundle loads it with "
                                "`require(\"async-pkg\")`, and it is an async module"), f.message
    assert "Node throws ERR_REQUIRE_ASYNC_MODULE at this import" in f.message
    assert ("nodeExternals' `allowlist`" in f.message) is ("nodeExternals" in CONFIGS[name])
    assert [r.path for r in f.related][-1] == root / "node_modules/async-pkg/index.js"  # (down to the await)
    from tla_lens.report.explain import explain

    text = explain(project, root / "src/async.js")
    assert "Loaded by require() when the bundle runs: 'async-pkg' (line 1) is a webpack external" in text
    assert "Node throws ERR_REQUIRE_ASYNC_MODULE there." in text
    if name != "regex" and not name.startswith("function"):
        assert "that works (not an async module)" in explain(project, root / "src/dual.js")


def test_node_externals_options_read_or_not(tmp_path):
    conf = str(tmp_path / "webpack.config.js")
    head = "import nodeExternals from 'webpack-node-externals';\nexport default { externals: [nodeExternals("

    def rule(options: str):
        (r,) = read_config(conf, head + options + ")] };\n").externals
        return r

    r = rule("{ importType: 'module', modulesDir: 'deps', additionalModuleDirs: ['../shared/node_modules'], "
             "allowlist: [/^lodash/i, 'react'], binaryDirs: ['.bin', '.cache'] }")
    assert r.unread is None and r.import_type == "module"
    assert r.modules_dirs == (str(tmp_path / "deps"), str(tmp_path / "../shared/node_modules"))
    assert r.binary_dirs == (".bin", ".cache") and ("string", "react") in r.allowlist
    for bad in ("{ allowlist: [(m) => m.startsWith('x')] }", "{ importType: (r) => 'commonjs ' + r }",
                "options", "{ ...shared }", "{ whitelist: ['x'] }"):
        assert rule(bad).unread, bad
    # what it matches: the folders listed, less the allowlist
    (tmp_path / "deps/lodash-es").mkdir(parents=True)
    (tmp_path / "deps/@org/util").mkdir(parents=True)
    (tmp_path / "deps/left-pad").mkdir(parents=True)
    cfg = read_config(conf, head + "{ modulesDir: 'deps', allowlist: [/^lodash/i] })] };\n")
    listdir = lambda d: os.listdir(d) if os.path.isdir(d) else None  # noqa: E731
    assert cfg.external("left-pad/x.js", listdir).name == "left-pad/x.js"
    assert cfg.external("@org/util", listdir).kind == "commonjs"
    assert cfg.external("lodash-es", listdir) is None and cfg.external("@org/other", listdir) is None
    assert cfg.external("@org", listdir) is None
    assert cfg.external("./left-pad", listdir) is None
    # modulesFromFile: package.json's dependencies instead of the folders
    (tmp_path / "package.json").write_text('{"dependencies": {"react": "1"}, "devDependencies": {"jest": "1"}}')
    cfg = read_config(conf, head + "{ modulesFromFile: { excludeFromBundle: ['dependencies'] } })] };\n")
    assert cfg.external("react/jsx-runtime", listdir) is not None and cfg.external("jest", listdir) is None


def test_print_config_lists_the_rules(tmp_path):
    root = _project(tmp_path, CONFIGS["allowlist"].replace("nodeExternals(", "/^x-/, nodeExternals("))
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    rules = [x for x in json.loads(r.stdout)["bundlerExternals"] if "rule" in x]
    assert rules == [{"file": "webpack.config.cjs", "line": 4, "rule": "/^x-/", "type": "var"},
                     {"file": "webpack.config.cjs", "line": 4, "rule": "webpack-node-externals", "type": "commonjs"}]


def _fix_one(project, root: Path):
    """The configuration edit offered for the first require-async finding (None: no finding)."""
    from tla_lens.fixes.webpack_external import external_fix

    found = [f for f in project.findings if f.code == "require-async"]
    if not found:
        return None
    f = found[0]
    (edge,) = [e for e in project.modules[f.path].edges if e.span == f.span]
    inner = project.throwing_require(edge)
    conf, ext = project.webpack_external(inner)
    return conf, external_fix(conf.read_bytes(), conf.name, ext, inner.specifier)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_the_configuration_fix_makes_the_bundle_run(name, node26, engines_node_modules, tmp_path):
    """The quick fix's edit of webpack's configuration (an external of type `import`, or
    nodeExternals' allowlist), applied for each finding in turn: webpack builds bundles that
    all run, and what tla-lens says of the edited project is what webpack built."""
    from tla_lens.fixes.edits import Fix, apply_edits

    root = _project(tmp_path, CONFIGS[name])
    titles = []
    for _ in range(10):
        project = analyse(root, Config(), cache=False)
        offered = _fix_one(project, root)
        if offered is None:
            break
        conf, fix = offered
        if name == "regex":
            assert fix.reason == "it is matched by the regular expression /^(async|sync|dual)-pkg$/: " \
                                 "change the expression"
            return
        if name.startswith("function"):
            assert fix.reason == "the function of `externals` at line 4 makes it an external: change the function"
            return
        assert isinstance(fix, Fix), fix
        titles.append(fix.title)
        conf.write_bytes(apply_edits(conf.read_bytes(), fix.edits))
    else:
        pytest.fail("the fixes did not converge")
    assert [f for f in project.findings if f.code == "require-async"] == []
    if "nodeExternals" in CONFIGS[name]:
        assert titles[0] == "Bundle `async-pkg`: add it to nodeExternals' allowlist (webpack.config.cjs)"
    else:
        assert titles[0] == "Bundle `async-pkg`: remove it from externals (webpack.config.cjs)"
    if name == "manifest":  # (a list computed from the manifest: filtered, one condition per fix)
        text = (root / "webpack.config.cjs").read_text()
        assert "...Object.keys(require('./package.json').dependencies).filter((name) => name !== 'async-pkg' && " \
               "name !== '" in text, text
    proc = subprocess.run([str(node26), str(PROBE), str(root), str(root / "webpack.config.cjs"), str(root / "dist")],
                          capture_output=True, text=True, timeout=180, cwd=root,
                          env=dict(os.environ, NODE_PATH=str(engines_node_modules)))
    assert proc.returncode == 0, proc.stderr
    theirs = json.loads(proc.stdout)
    assert not [e for e, run in theirs.items() if run["throws"]], (theirs, (root / "webpack.config.cjs").read_text())
    for entry, run in theirs.items():
        assert project.modules[root / "src" / f"{entry}.js"].is_async is run["async"], (entry, run)
    assert theirs["async"]["async"] and theirs["chain"]["async"]  # (the import waits now)


@pytest.mark.parametrize("options,expected", [
    ("", "nodeExternals({ allowlist: ['db-pool'] })"),
    ("{}", "nodeExternals({ allowlist: ['db-pool'] })"),
    ("{ importType: 'commonjs' }", "nodeExternals({ allowlist: ['db-pool'], importType: 'commonjs' })"),
    ("{ allowlist: [] }", "nodeExternals({ allowlist: ['db-pool'] })"),
    ("{ allowlist: [/^@org\\//, 'x'] }", "nodeExternals({ allowlist: [/^@org\\//, 'x', 'db-pool'] })"),
    ("{ allowlist: /^@org\\// }", "nodeExternals({ allowlist: [/^@org\\//, 'db-pool'] })"),
])
def test_allowlist_edit_keeps_what_is_written(options, expected, tmp_path):
    from tla_lens.fixes.edits import apply_edits
    from tla_lens.fixes.webpack_external import external_fix

    text = f"const nodeExternals = require('webpack-node-externals');\nmodule.exports = {{ externals: [nodeExternals({options})] }};\n"
    (tmp_path / "node_modules/db-pool").mkdir(parents=True)
    cfg = read_config(str(tmp_path / "webpack.config.js"), text)
    listdir = lambda d: os.listdir(d) if os.path.isdir(d) else None  # noqa: E731
    ext = cfg.external("db-pool", listdir)
    fix = external_fix(text.encode(), "webpack.config.js", ext, "db-pool")
    assert expected in apply_edits(text.encode(), fix.edits).decode()


@pytest.mark.parametrize("externals,expected", [
    ("{ 'db-pool': 'commonjs db-pool', lodash: 'commonjs lodash' }", "{ lodash: 'commonjs lodash' }"),
    ("{ lodash: 'commonjs lodash', 'db-pool': ['commonjs db-pool', 'Pool'] }", "{ lodash: 'commonjs lodash' }"),
    ("{\n    lodash: 'commonjs lodash',\n    'db-pool': true,\n    react: 'commonjs react',\n  }",
     "{\n    lodash: 'commonjs lodash',\n    react: 'commonjs react',\n  }"),
    ("{ 'db-pool': 'commonjs db-pool' }", "{  }"),
    ("['lodash', 'db-pool']", "['lodash']"),
])
def test_removal_keeps_what_is_written(externals, expected, tmp_path):
    from tla_lens.fixes.edits import apply_edits
    from tla_lens.fixes.webpack_external import external_fix

    text = f"module.exports = {{\n  externalsType: 'commonjs',\n  externals: {externals},\n}};\n"
    ext = read_config(str(tmp_path / "webpack.config.js"), text).external("db-pool")
    fix = external_fix(text.encode(), "webpack.config.js", ext, "db-pool")
    assert apply_edits(text.encode(), fix.edits).decode() == text.replace(externals, expected)


ESM_CONFIGS = {
    "module-type": "output: { module: true }, experiments: { outputModule: true },\n  externals: { "
                   + ", ".join(f"'{p}': 'module {p}'" for p in ALL) + " },",
    # (webpack's default type for an ES module output: module-import)
    "default-type": "output: { module: true }, experiments: { outputModule: true },\n  externals: "
                    + json.dumps(ALL) + ",",
}


@pytest.mark.parametrize("name", list(ESM_CONFIGS))
def test_module_externals_of_an_es_module_bundle(name, node26, engines_node_modules, tmp_path):
    """An ES module bundle keeps an external of type `module` as a static import of the
    package: the bundle waits for it. tla-lens follows it as Node resolves it from the
    configuration's folder; an async module there makes the importer async — what require()
    of the bundle says (it throws ERR_REQUIRE_ASYNC_MODULE exactly for bundles with top-level
    await in their graph)."""
    root = _project(tmp_path, ESM_CONFIGS[name])
    project = analyse(root, Config(), cache=False)
    proc = subprocess.run([str(node26), str(PROBE), str(root), str(root / "webpack.config.cjs"), str(root / "dist"),
                           "module-output"], capture_output=True, text=True, timeout=180, cwd=root,
                          env=dict(os.environ, NODE_PATH=str(engines_node_modules)))
    assert proc.returncode == 0, proc.stderr
    theirs = json.loads(proc.stdout)
    for entry, run in theirs.items():
        assert project.modules[root / "src" / f"{entry}.js"].is_async is run["throws"], (entry, run)
    assert not [f for f in project.findings if f.code == "require-async"]
    # the dual package's import condition is its ES module, with the await
    assert theirs["async"]["throws"] and theirs["dual"]["throws"] and theirs["chain"]["throws"]
    assert not theirs["sync"]["throws"]


def test_functions_of_externals_read_or_not(tmp_path):
    """A function of `externals`: its `if`s giving `"<type> " + request` (or `request`) are
    rules of the request; any other form matches nothing, and says why."""
    conf = str(tmp_path / "webpack.config.js")
    text = ("module.exports = { externals: [\n"
            "  ({ request }, callback) => { if (/^db-/.test(request)) { return callback(null, 'commonjs ' + request); }"
            " callback(); },\n"
            "  ({ context, request }, callback) => { doSomething(); callback(); },\n"
            "  function (ctx, req, cb) { if (req === 'x' || req.startsWith('y/')) return cb(null, `module ${req}`);"
            " cb(); },\n"
            "  async ({ request: r }) => { if (r.endsWith('.node')) return r; },\n"
            "] };\n")
    first, second, third, fourth = read_config(conf, text).externals
    assert first.unread is None and first.fn_type == "commonjs" and first.line == 2
    assert first.match("db-pool", None, None).kind == "commonjs" and first.match("pg", None, None) is None
    assert second.unread == ("the function of `externals` at line 3 is not read: the statement at line 3 is not an "
                             "`if` giving an external") and second.match("db-pool", None, None) is None
    assert third.match("y/z", None, None).kind == "module" and third.match("x", None, None) is not None
    assert third.match("yz", None, None) is None
    assert fourth.match("a.node", None, None).kind == "var" and fourth.match("a.js", None, None) is None
