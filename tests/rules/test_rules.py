"""Findings on real files on disk, through the whole pipeline."""
import textwrap

from tla_lens.config import Config
from tla_lens.project import analyse


def d(s):
    return textwrap.dedent(s).lstrip()


PKG = '{"type": "module"}'


def by_code(analysis, code):
    return [f for f in analysis.findings if f.code == code]


def rel(analysis, f):
    return analysis.graph.rel(f.path)


def line(analysis, f):
    return analysis.modules[f.path].line_of(f.span.start)


def test_async_import_names_module_root_cause_and_line(workspace):
    root = workspace({
        "package.json": PKG,
        "src/db.js": "import './x.js';\n\n\n\n\nexport const db = await connect();\nfunction connect() {}\n",
        "src/x.js": "export {};\n",
        "src/UserApi.js": "import { db } from './db.js';\nexport const u = db;\n",
        "src/app.js": "// hello\nimport { u } from './UserApi.js';\nconsole.log(u);\n",
    })
    a = analyse(root)
    found = {(rel(a, f), line(a, f)): f for f in by_code(a, "async-import")}
    assert set(found) == {("src/UserApi.js", 1), ("src/app.js", 2)}
    app = found[("src/app.js", 2)]
    assert app.severity == "warning"
    assert "`./UserApi.js` is an async module because of `./db.js` (top-level await at line 6)" in app.message
    # the chain as related locations: the import itself, the hop, the await
    hops = [(a.graph.rel(r.path), a.modules[r.path].line_of(r.span.start)) for r in app.related]
    assert hops == [("src/app.js", 2), ("src/UserApi.js", 1), ("src/db.js", 6)]
    direct = found[("src/UserApi.js", 1)]
    assert "`./db.js` is an async module: it has a top-level await at line 6" in direct.message


def test_top_level_await_counts_what_it_infects(workspace):
    files = {"package.json": PKG, "db.js": "await 0;\n"}
    for i in range(12):
        files[f"m{i}.js"] = "import './db.js';\n" if i == 0 else f"import './m{i - 1}.js';\n"
    a = analyse(workspace(files))
    (tla,) = by_code(a, "top-level-await")
    assert tla.severity == "information"
    assert "makes 12 modules async, e.g. `./m0.js`, `./m1.js`, `./m2.js`" in tla.message


def test_dynamic_import_breaks_the_chain(workspace):
    a = analyse(workspace({
        "package.json": PKG,
        "db.js": "export const x = await 1;\n",
        "lazy.js": "export async function f() { return (await import('./db.js')).x; }\n",
    }))
    assert not a.modules[next(p for p in a.modules if p.name == "lazy.js")].is_async
    assert by_code(a, "async-import") == []


def test_require_async_in_commonjs(workspace):
    a = analyse(workspace({
        "package.json": PKG,
        "db.js": "export const x = await 1;\n",
        "legacy.cjs": "const db = require('./db.js');\nmodule.exports = db;\n",
        "ok.cjs": "const fs = require('fs');\n",
    }))
    (f,) = by_code(a, "require-async")
    assert rel(a, f) == "legacy.cjs" and f.severity == "error"
    assert "ERR_REQUIRE_ASYNC_MODULE" in f.message and "webpack" in f.message and "Meteor" in f.message


def test_cycle_with_async_module(workspace):
    a = analyse(workspace({
        "package.json": PKG,
        "a.js": "import './b.js';\n",
        "b.js": "import './a.js';\nimport './t.js';\n",
        "t.js": "await 0;\n",
        "c.js": "import './d.js';\n",
        "d.js": "import './c.js';\n",
    }))
    cyc = by_code(a, "async-cycle")
    assert sorted(rel(a, f) for f in cyc) == ["a.js", "b.js"]
    assert "`a.js` → `b.js` → `a.js`" in next(f for f in cyc if rel(a, f) == "a.js").message


def test_no_async_import_where_the_import_cannot_be_what_waits(workspace):
    # a.js imports itself, and b.js, which is async only because of a.js's own await: neither
    # import is why a.js is async (the cycle has its own finding); b.js's and main.js's are
    a = analyse(workspace({
        "package.json": PKG,
        "a.js": "import './a.js';\nimport { b } from './b.js';\nexport const a = await Promise.resolve(1);\n",
        "b.js": "import { a } from './a.js';\nexport const b = 1;\nexport const f = () => a;\n",
        "main.js": "import { b } from './b.js';\nconsole.log(b);\n",
        "solo.js": "import './solo.js';\nawait 0;\n",
    }))
    got = sorted((rel(a, f), line(a, f)) for f in by_code(a, "async-import"))
    assert got == [("b.js", 1), ("main.js", 1)], got
    cyc = by_code(a, "async-cycle")
    assert sorted(rel(a, f) for f in cyc) == ["a.js", "b.js"]  # (not solo.js: it imports only itself)
    assert "`a.js` → `b.js` → `a.js`" in next(f for f in cyc if rel(a, f) == "a.js").message
    assert all(a.modules[p].is_async for p in a.modules)


def test_package_entry_async(workspace):
    a = analyse(workspace({
        "package.json": '{"type": "module", "exports": {".": "./index.js", "./lazy": "./lazy.js"}}',
        "index.js": "export * from './db.js';\n",
        "db.js": "export const x = await 1;\n",
        "lazy.js": "export const load = () => import('./db.js');\n",
    }))
    (f,) = by_code(a, "async-entry")
    assert rel(a, f) == "index.js" and "ERR_REQUIRE_ASYNC_MODULE" in f.message
    assert "this public entry of the package of package.json is an async module" in f.message


def test_a_command_is_a_program_not_a_public_entry(workspace):
    """A `bin` file is a program a shell starts (Node runs it; no consumer require()s it): an
    async one waits at its start, which is said as for a program's entry — not that CommonJS
    consumers get ERR_REQUIRE_ASYNC_MODULE. The same file exported too is a public entry."""
    a = analyse(workspace({
        "package.json": '{"name": "@acme/tool", "type": "module", "bin": {"acme": "./bin/cli.js"}, '
                        '"exports": {"./run": "./bin/run.js"}}',
        "bin/cli.js": "#!/usr/bin/env node\nconst cfg = await Promise.resolve({});\nconsole.log(cfg);\n",
        "bin/run.js": "export const v = await Promise.resolve(1);\n",
        "other/package.json": '{"name": "@acme/one", "bin": "main.mjs"}',
        "other/main.mjs": "await 0;\n",
    }))
    got = {rel(a, f): f.message for f in by_code(a, "async-entry")}
    assert got["bin/cli.js"] == ("this command `acme` of package.json (`bin`) is an async module: it has a "
                                 "top-level await at line 2; everything that starts from it waits for that await "
                                 "before it runs")
    assert got["other/main.mjs"].startswith("this command `one` of other/package.json (`bin`) is an async module")
    assert "ERR_REQUIRE_ASYNC_MODULE" in got["bin/run.js"]


def test_package_entry_names_the_package(workspace):
    """The message names the package (its package.json's "name"), in a folder of a monorepo."""
    a = analyse(workspace({
        "package.json": '{"private": true, "workspaces": ["packages/*"]}',
        "packages/db/package.json": '{"name": "@acme/db", "type": "module", "main": "./index.js"}',
        "packages/db/index.js": "export const pool = await Promise.resolve(1);\n",
    }))
    (f,) = by_code(a, "async-entry")
    assert rel(a, f) == "packages/db/index.js"
    assert f.message.startswith("this public entry of package `@acme/db` (packages/db/package.json) is an async module"), \
        f.message


def test_configured_entry_and_allow_async(workspace):
    root = workspace({
        "package.json": PKG,
        "src/main.js": "import './svc.js';\n",
        "src/svc.js": "import '../scripts/seed.js';\nimport './db.js';\n",
        "src/db.js": "await 0;\n",
        "scripts/seed.js": "await 1;\n",
        "scripts/cli.js": "import '../src/svc.js';\n",
    })
    a = analyse(root, Config(entries=("src/main.js",), allow_async=("src/db.js", "scripts/**")))
    codes = {(rel(a, f), f.code) for f in a.findings}
    # db.js is async on purpose: nothing is reported because of it, nor in scripts/
    assert codes == set()
    # ...but the verdicts stay the engine's truth
    assert all(m.is_async for m in a.modules.values())
    a2 = analyse(root, Config(entries=("src/main.js",), allow_async=("scripts/**",)))
    codes2 = {(rel(a2, f), f.code) for f in a2.findings}
    assert ("src/main.js", "async-entry") in codes2
    assert ("src/svc.js", "async-import") in codes2
    assert not any(p.startswith("scripts/") for p, _ in codes2)


def test_suppression_comment_and_severity_off(workspace):
    root = workspace({
        "package.json": PKG,
        "db.js": "await 0;\n",
        "a.js": "// tla-lens-ignore-next-line async-import -- loaded at start-up on purpose\nimport './db.js';\n",
        "b.js": "// tla-lens-ignore-next-line top-level-await\nimport './db.js';\n",
    })
    a = analyse(root)
    assert [rel(a, f) for f in by_code(a, "async-import")] == ["b.js"]
    a2 = analyse(root, Config(severity={"async-import": "off", "top-level-await": "off"}))
    assert by_code(a2, "async-import") == [] and by_code(a2, "top-level-await") == []


def test_no_findings_inside_node_modules_but_dependency_is_a_cause(workspace):
    a = analyse(workspace({
        "package.json": PKG,
        "node_modules/slow/package.json": '{"name": "slow", "type": "module", "exports": "./index.js"}',
        "node_modules/slow/index.js": "import './init.js';\nexport const v = 1;\n",
        "node_modules/slow/init.js": "await 0;\n",
        "node_modules/cjs/package.json": '{"name": "cjs", "main": "index.js"}',
        "node_modules/cjs/index.js": "module.exports = 1;\n",
        "app.js": "import { v } from 'slow';\nimport c from 'cjs';\n",
    }))
    assert all(not a.modules[f.path].in_node_modules for f in a.findings)
    (f,) = by_code(a, "async-import")
    assert "because of `slow/init.js`" in f.message
    cjs = next(m for p, m in a.modules.items() if p.parts[-2:] == ("cjs", "index.js"))
    assert cjs.format == "cjs" and not cjs.is_async


def test_module_scripts_of_index_html_are_entry_points(workspace):
    root = workspace({
        "package.json": PKG,
        "index.html": ('<!doctype html>\n<div id="app"></div>\n'
                       '<!-- <script type="module" src="/src/old.js"></script> -->\n'
                       '<script type="module" src="/src/main.js?v=2"></script>\n'
                       "<script type='module' src='./src/other.js'></script>\n"
                       '<script src="/src/classic.js"></script>\n'
                       '<script type="module" src="https://cdn.example.com/x.js"></script>\n'),
        "src/main.js": "import './db.js';\n",
        "src/other.js": "import './db.js';\n",
        "src/classic.js": "import './db.js';\n",
        "src/old.js": "import './db.js';\n",
        "src/db.js": "export const db = await 1;\n",
    })
    a = analyse(root)
    entries = {rel(a, f): f.message for f in by_code(a, "async-entry")}
    assert sorted(entries) == ["src/main.js", "src/other.js"]
    assert entries["src/main.js"].startswith("this module script of index.html is an async module: `./db.js` has a")
    # (a classic script, a commented-out one and a URL are not the app's module entry points)
