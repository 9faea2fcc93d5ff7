"""The project layer on real folders: discovery, module formats, dependencies, problems."""
import os
from pathlib import Path

from tla_lens.config import Config
from tla_lens.project import EdgeKind, analyse
from tla_lens.project.infection import components, strongly_connected


def names(analysis, workspace_only=True):
    return sorted(analysis.graph.rel(p) for p, m in analysis.modules.items()
                  if m.workspace or not workspace_only)


def test_gitignore_build_output_and_globs(workspace):
    root = workspace({
        ".gitignore": "generated/\n*.gen.js\n",
        "src/a.js": "export {}",
        "src/b.gen.js": "export {}",
        "src/sub/.gitignore": "local.js\n",
        "src/sub/local.js": "export {}",
        "src/sub/kept.ts": "export {}",
        "generated/x.js": "export {}",
        "dist/bundle.js": "export {}",
        ".next/server.js": "export {}",
        "node_modules/p/index.js": "export {}",
        "src/types.d.ts": "export {}",
        "src/data.json": "{}",
        "test/a.test.js": "export {}",
    })
    a = analyse(root)
    assert names(a) == ["src/a.js", "src/sub/kept.ts", "test/a.test.js"]
    a = analyse(root, Config(exclude=("**/*.test.js",)))
    assert names(a) == ["src/a.js", "src/sub/kept.ts"]
    a = analyse(root, Config(include=("src/**",), skip_dirs=("node_modules",)))
    assert "dist/bundle.js" not in names(a) and names(a) == ["src/a.js", "src/sub/kept.ts"]
    a = analyse(root, Config(skip_dirs=("node_modules",)))
    assert "dist/bundle.js" in names(a)


def test_symlink_loop_and_symlinked_package(workspace):
    root = workspace({
        "package.json": '{"type": "module"}',
        "packages/lib/package.json": '{"name": "lib", "type": "module", "exports": "./index.js"}',
        "packages/lib/index.js": "export const v = await 1;",
        "app/main.js": "import { v } from 'lib';",
    })
    (root / "app" / "loop").symlink_to(root / "app", target_is_directory=True)
    (root / "node_modules").mkdir()
    (root / "node_modules" / "lib").symlink_to(root / "packages" / "lib", target_is_directory=True)
    a = analyse(root)
    main = a.modules[root / "app" / "main.js"]
    assert main.is_async and main.chain == [root / "packages" / "lib" / "index.js"]
    # the symlinked package resolves to its real path, which is a workspace file
    assert a.modules[root / "packages" / "lib" / "index.js"].workspace


def test_module_formats(workspace):
    root = workspace({
        "esm/package.json": '{"type": "module"}',
        "esm/a.js": "await 0;",
        "esm/b.cjs": "await 0;",  # a script: `await` is not TLA there
        "cjs/package.json": '{"type": "commonjs"}',
        "cjs/a.js": "await 0;",
        "cjs/m.mjs": "await 0;",
        "none/detect.js": "import './x.js'; await 0;",
        "none/plain.js": "module.exports = 1;",
        "none/x.js": "",
        "ts/a.cts": "import { x } from './db.js'; console.log(x);",
        "ts/db.ts": "export const x = await 1;",
    })
    a = analyse(root)
    fmt = {a.graph.rel(p): (m.format, m.has_tla, m.is_async) for p, m in a.modules.items()}
    assert fmt["esm/a.js"] == ("esm", True, True)
    assert fmt["esm/b.cjs"] == ("cjs", False, False)
    assert fmt["cjs/a.js"] == ("cjs", False, False)
    assert fmt["cjs/m.mjs"] == ("esm", True, True)
    assert fmt["none/detect.js"] == ("esm", True, True)
    assert fmt["none/plain.js"][0] == "cjs"
    # a .cts file's imports are compiled to require(): a require edge, and it is never async
    assert fmt["ts/a.cts"] == ("cjs", False, False)
    cts = a.modules[root / "ts" / "a.cts"]
    assert [e.kind for e in cts.edges] == [EdgeKind.REQUIRE]
    assert any(f.code == "require-async" and f.path == cts.path for f in a.findings)


def test_verbatim_module_syntax_decides_elision(workspace):
    files = {
        "package.json": '{"type": "module"}',
        "db.ts": "export type T = number; export const x: T = await 1;",
        "a.ts": "import { T } from './db.js'; let v: T = 1; export { v };",
        "b.ts": "import { type T } from './db.js'; export const w: T = 2;",
        "c.ts": "import type { T } from './db.js'; export const z: T = 3;",
    }
    a = analyse(workspace(files))
    verdict = {p.name: m.is_async for p, m in a.modules.items()}
    assert verdict == {"db.ts": True, "a.ts": False, "b.ts": False, "c.ts": False}
    files["tsconfig.json"] = '{"compilerOptions": {"verbatimModuleSyntax": true}}'
    a = analyse(workspace(files))
    verdict = {p.name: m.is_async for p, m in a.modules.items()}
    assert verdict == {"db.ts": True, "a.ts": True, "b.ts": True, "c.ts": False}


def test_dependencies_are_loaded_but_not_reported(workspace):
    root = workspace({
        "package.json": '{"type": "module"}',
        "node_modules/esm-dep/package.json": '{"name": "esm-dep", "type": "module", "main": "lib/index.js"}',
        "node_modules/esm-dep/lib/index.js": "export * from './inner.js';",
        "node_modules/esm-dep/lib/inner.js": "export const v = await 0;",
        "node_modules/esm-dep/lib/unused.js": "await 0;",
        "main.js": "import { v } from 'esm-dep';",
    })
    a = analyse(root)
    assert names(a, workspace_only=False) == [
        "main.js", "node_modules/esm-dep/lib/index.js", "node_modules/esm-dep/lib/inner.js"]
    assert a.modules[root / "main.js"].chain == [root / "node_modules/esm-dep/lib/index.js",
                                                 root / "node_modules/esm-dep/lib/inner.js"]


def test_problems_are_collected_never_raised(workspace):
    root = workspace({
        "package.json": '{"type": "module"}',
        "bin.js": b"\x00\x01\x02binary",
        "big.js": "await 0;\n" * 10,
        "a.js": "import 'nope';import 'nope';import './missing.js';import './big.js';",
        "d.js": "import('gone');import('gone');",
        "t.ts": "export {};",
        "tsconfig.json": '{"compilerOptions": {',
    })
    a = analyse(root, Config(max_file_size=80))
    msgs = [str(p) for p in a.problems]
    assert any("binary" in m and "bin.js" in m for m in msgs)
    assert any("maxFileSize" in m and "big.js" in m for m in msgs)
    # an unresolved import() is a problem, reported once; static imports are findings, each
    assert sum("'gone'" in m for m in msgs) == 1
    assert not any("'nope'" in m or "missing.js" in m for m in msgs)
    unresolved = [f for f in a.findings if f.code == "unresolved-import"]
    assert [f.message.split(" (")[0] for f in unresolved] == [
        "cannot resolve `nope`", "cannot resolve `nope`", "cannot resolve `./missing.js`"]
    assert all(f.severity == "hint" for f in unresolved)
    assert any("tsconfig.json" in m for m in msgs)
    assert not a.modules[root / "a.js"].is_async  # big.js was skipped: treated as sync


def test_one_batch_that_changes_and_creates_files(workspace):
    from tla_lens.project import Project
    root = workspace({"package.json": '{"type": "module"}', "a.js": "export const x = 1;",
                      "b.js": 'import { x } from "./a.js";'})
    p = Project(root)
    p.discover(); p.load(); p.recompute()
    assert not p.modules[root / "b.js"].is_async
    (root / "a.js").write_text("export const x = await 1;")
    (root / "c.js").write_text('import "./b.js";')
    change = p.files_changed([root / "a.js", root / "c.js"])
    assert change.graph
    assert p.modules[root / "b.js"].is_async and p.modules[root / "c.js"].is_async
    (root / "c.js").unlink()
    (root / "a.js").write_text("export const x = 2;")
    p.files_changed([root / "a.js", root / "c.js"])
    assert root / "c.js" not in p.modules and not p.modules[root / "b.js"].is_async


def test_edit_without_graph_change_costs_no_recompute(workspace):
    from tla_lens.project import Project
    root = workspace({"package.json": '{"type": "module"}', "db.js": "await 0;",
                      "a.js": 'import "./db.js";\nexport function f() {\n  return 1;\n}\n'})
    p = Project(root)
    p.discover(); p.load(); p.recompute()
    version = p.version
    text = (root / "a.js").read_bytes().replace(b"return 1;", b"return 1 + 2;")
    change = p.set_overlay(root / "a.js", text)
    assert not change.graph and p.version == version
    assert p.modules[root / "a.js"].is_async
    change = p.set_overlay(root / "a.js", text.replace(b'import "./db.js";\n', b""))
    assert change.graph and root / "a.js" in change.verdicts and not p.modules[root / "a.js"].is_async


def test_symlinks_out_of_the_workspace_are_not_read(workspace, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.js").write_text("export const s = await 1;")
    (outside / "package.json").write_text('{"name": "ext", "type": "module", "exports": "./secret.js"}')
    root = workspace({"package.json": '{"type": "module"}',
                      "a.js": "import { s } from 'ext';\nimport './inside.js';",
                      "inside.js": "export {};"})
    (root / "node_modules").mkdir()
    (root / "node_modules" / "ext").symlink_to(outside, target_is_directory=True)
    (root / "link.js").symlink_to(outside / "secret.js")
    a = analyse(root)
    assert not any(p.is_relative_to(outside) for p in a.modules)
    assert not a.modules[root / "a.js"].is_async
    assert any("outside the workspace" in str(p) for p in a.problems)


def test_fifo_named_like_a_module_does_not_block(workspace):
    root = workspace({"package.json": '{"type": "module"}', "a.js": "export const a = 1;"})
    os.mkfifo(root / "pipe.js")
    p = analyse(root)  # discovery skips it
    assert root / "pipe.js" not in p.modules
    p.files_changed([root / "pipe.js"])  # a watcher names it: read without blocking, skipped
    assert root / "pipe.js" not in p.modules
    assert any("not a regular file" in str(x) for x in p.problems)


def test_config_change_loads_what_re_resolved_edges_reach(workspace):
    from tla_lens.project import Project
    root = workspace({
        "package.json": '{"type": "module"}',
        "tsconfig.json": "{}",
        "node_modules/asyncpkg/package.json": '{"name": "asyncpkg", "type": "module", "exports": "./index.js"}',
        "node_modules/asyncpkg/index.js": "export const v = await 1;",
        "main.ts": 'import { v } from "asyncpkg";\nlet x: typeof v;\n',
    })
    p = Project(root)
    p.discover(); p.load(); p.recompute()
    assert not p.modules[root / "main.ts"].is_async  # used only as a type: erased
    (root / "tsconfig.json").write_text('{"compilerOptions": {"verbatimModuleSyntax": true}}')
    p.files_changed([root / "tsconfig.json"])
    assert p.modules[root / "main.ts"].is_async  # kept now, and the package is loaded


def test_open_buffer_of_a_deleted_file_stays_in_the_workspace(workspace):
    from tla_lens.project import Project
    root = workspace({"package.json": '{"type": "module"}', "db.js": "await 0;",
                      "a.js": 'import "./db.js";'})
    p = Project(root)
    p.discover(); p.load(); p.recompute()
    p.set_overlay(root / "a.js", b'import "./db.js";\n')
    (root / "a.js").unlink()
    p.files_changed([root / "a.js"])
    assert p.modules[root / "a.js"].workspace
    assert [f.code for f in p.findings_for(root / "a.js")] == ["async-import"]
    p.files_changed([root / ".gitignore"])  # a rediscovery keeps it too
    assert p.modules[root / "a.js"].workspace


def test_a_dropped_project_is_freed_without_the_cyclic_collector(workspace):
    # the server freezes its graph out of the cyclic collector after indexing: a project
    # replaced (new settings) must be freed by reference counting alone
    import gc
    import weakref

    from tla_lens.project import analyse
    root = workspace({"package.json": '{"type": "module"}', "db.js": "export const x = await 1;",
                      "a.js": "import { x } from './db.js'; export const a = x;"})
    project = analyse(root)
    assert project.modules[root / "a.js"].source.startswith(b"import")  # read again from disk
    assert project.findings
    gc.collect()
    collecting = gc.isenabled()
    gc.disable()
    try:
        ref = weakref.ref(project)
        del project
        assert ref() is None
    finally:
        if collecting:
            gc.enable()


def test_relative_posix_is_pathlibs_relative_to():
    from pathlib import PurePosixPath

    from tla_lens.project.graph import relative_posix
    cases = [("/a/b/c.ts", "/a"), ("/a", "/a"), ("/ab/c.ts", "/a"), ("/a/b", "/"), ("/x/y", "/a/b"),
             ("/a/b/../c", "/a")]
    for path, base in cases:
        try:
            want = PurePosixPath(path).relative_to(base).as_posix()
        except ValueError:
            want = None
        assert relative_posix(PurePosixPath(path), PurePosixPath(base)) == want, (path, base)


def test_successors_are_the_same_whatever_objects_the_edges_hold(workspace):
    """Graph.successors tells targets apart by identity first (no Path hash per edge): equal
    Path objects that are not the modules' own keys must give the same answer."""
    root = workspace({"a.js": "import './b.js'; import './c.js'; import './b.js'; import './x.css';",
                      "b.js": "import './c.js'; export * from './a.js';", "c.js": "import './a.js'; await 1;",
                      "d.js": "import './missing.js'; import('./a.js');"})
    project = analyse(root)
    graph = project.graph

    def by_value():
        return {p: list(dict.fromkeys(e.target for e in m.edges
                                      if e.kind.value == "static" and e.target in graph.modules))
                for p, m in graph.modules.items()}

    expected = by_value()
    assert expected[root / "a.js"] == [root / "b.js", root / "c.js"]
    assert graph.successors() == expected
    for m in graph.modules.values():  # the same targets, as other objects
        for e in m.edges:
            if e.target is not None:
                e.target = Path(str(e.target))
    got = graph.successors()
    assert got == expected
    assert all(t is graph.modules[t].path for ts in got.values() for t in ts)
    assert project.cycles == strongly_connected(graph.modules.keys(), got)
    # the numbered form of the whole graph (what a full recompute finds cycles with)
    order, adj = graph.numbered_successors()
    assert order == list(graph.modules)
    assert {order[i]: list(dict.fromkeys(order[j] for j in a)) for i, a in enumerate(adj)} == expected
    assert components(order, adj) == project.cycles == [[root / "a.js", root / "b.js", root / "c.js"]]
