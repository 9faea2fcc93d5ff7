"""Deno projects: the import map of deno.json (`imports`, `scopes`, or the file `importMap`
names) and `npm:`/`jsr:` specifiers. Held to Deno 2 itself: `deno info --json` says where each
import of the project goes (its own resolver, nothing run), and V8 links the modules so (the
engine's "graph" op, TypeScript transpiled by TypeScript 5.9): tla-lens must resolve every
import to the same file and give every module V8's verdict."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

from tla_lens.config import Config
from tla_lens.project import analyse
from tla_lens.resolve import Resolver

FILES = {
    "deno.json": json.dumps({
        "imports": {"config": "./config.ts", "@db/": "./lib/db/", "./legacy/": "./modern/", "std/path": "node:path"},
        "scopes": {"./vendor/": {"config": "./vendor/config.ts"}},
    }),
    "lib/db/pool.ts": "export const pool: number = await Promise.resolve(1);\n",
    "config.ts": "import { pool } from '@db/pool.ts';\nexport const settings = { pool };\n",
    "modern/util.ts": "export const util = (x: number) => x + 1;\n",
    "vendor/config.ts": "export const settings = { pool: 0 };\n",
    "vendor/use.ts": "import { settings } from 'config';\nexport const used = settings;\n",
    "main.ts": ("import { settings } from 'config';\nimport { util } from './legacy/util.ts';\n"
                "import { used } from './vendor/use.ts';\nconsole.log(settings, util(1), used);\n"),
    "side.ts": "import { util } from './modern/util.ts';\nexport default util;\n",
}
ENTRIES = ["main.ts", "side.ts"]


def _deno_graph(deno: Path, root: Path, tmp: Path, entries=ENTRIES) -> dict:
    """{importer path: {specifier: resolved path or builtin}} from `deno info --json`."""
    links: dict = {}
    for entry in entries:
        proc = subprocess.run([str(deno), "info", "--json", "--no-lock", entry], cwd=root, capture_output=True,
                              text=True, timeout=120, env=dict(os.environ, DENO_DIR=str(tmp / "deno-dir"),
                                                               DENO_NO_UPDATE_CHECK="1", NO_COLOR="1"))
        assert proc.returncode == 0, proc.stderr
        for mod in json.loads(proc.stdout)["modules"]:
            if "local" not in mod:
                continue
            deps = links.setdefault(mod["local"], {})
            for d in mod.get("dependencies", []):
                target = (d.get("code") or {}).get("specifier", "")
                deps[d["specifier"]] = unquote(urlparse(target).path) if target.startswith("file:") else target
    return links


def test_import_maps_resolve_as_deno_resolves(engines_node_modules, engine, tmp_path, workspace):
    deno = engines_node_modules / ".bin" / "deno"
    assert deno.exists(), "deno is missing: `make engines` installs it"
    root = workspace(FILES)
    links = _deno_graph(deno, root, tmp_path)
    assert len(links) == len(FILES) - 1  # (every module, deno.json aside)
    r = Resolver(root)
    problems = []
    for importer, deps in links.items():
        for spec, target in deps.items():
            got = r.resolve(spec, Path(importer))
            want = "builtin" if target.startswith("node:") else target
            ours = "builtin" if got.kind == "builtin" else str(got.path)
            if ours != want:
                problems.append(f"{importer}: {spec!r} -> Deno {want}, tla-lens {ours} ({got.message})")
    assert not problems, "\n".join(problems)
    # the cases do what they are there for
    assert links[str(root / "vendor/use.ts")]["config"] == str(root / "vendor/config.ts")  # a scope
    assert links[str(root / "main.ts")]["./legacy/util.ts"] == str(root / "modern/util.ts")  # a path key

    # V8, with the modules linked as Deno links them
    sources = {f: Path(f).read_text() for f in links}
    v8_links = {f: {s: t for s, t in deps.items() if not t.startswith("node:")} for f, deps in links.items()}
    v8 = engine.ask(op="graph", files=sources, links=v8_links, verbatim=False)
    assert not v8["errors"], v8["errors"]
    project = analyse(root, Config(), cache=False)
    ours = {f: {"tla": project.modules[Path(f)].has_tla, "async": project.modules[Path(f)].is_async} for f in links}
    assert ours == {f: {"tla": v["tla"], "async": v["async"]} for f, v in v8["files"].items() if f in ours}
    assert ours[str(root / "main.ts")]["async"] and not ours[str(root / "vendor/use.ts")]["async"]


def test_deno_specifiers_say_why_they_are_not_followed(workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("DENO_DIR", str(tmp_path / "empty-deno-dir"))  # (nothing cached)
    root = workspace({
        "deno.json": json.dumps({"imports": {"chalk": "npm:chalk@5", "path": "jsr:@std/path@1", "fs": "node:fs",
                                             "remote": "https://example.com/x.ts", "gone": "./nope.ts"}}),
        "node_modules/preact/package.json": json.dumps({"name": "preact", "type": "module", "exports": "./p.js"}),
        "node_modules/preact/p.js": "export default 1;\n",
        "main.ts": "",
    })
    r = Resolver(root)
    main = root / "main.ts"
    chalk = r.resolve("chalk", main)
    assert chalk.kind == "unresolved" and "an npm package Deno keeps in its own cache" in chalk.message
    assert "without a deno.lock" in chalk.message and "import map of deno.json" in chalk.message
    assert r.resolve("npm:preact@10", main).path == root / "node_modules/preact/p.js"  # (nodeModulesDir)
    path = r.resolve("path", main)
    assert path.kind == "unresolved" and "JSR package @std/path is not in deno.lock or Deno's cache" in path.message
    assert r.resolve("remote", main).kind == "ignored"
    assert r.resolve("fs", main).kind == "builtin"
    gone = r.resolve("gone", main)
    assert gone.kind == "unresolved" and "no such file" in gone.message


def test_an_import_map_file_named_by_deno_json(workspace):
    root = workspace({
        "deno.json": json.dumps({"importMap": "./maps/import_map.json"}),
        "maps/import_map.json": json.dumps({"imports": {"db": "../src/db.ts"}}),  # (relative to the map)
        "src/db.ts": "export const db = await 1;\n",
        "main.ts": "import { db } from 'db';\nexport { db };\n",
    })
    project = analyse(root, Config(), cache=False)
    assert project.modules[root / "main.ts"].edges[0].target == root / "src/db.ts"
    assert project.modules[root / "main.ts"].is_async


WORKSPACE = {
    "deno.json": json.dumps({"workspace": ["./packages/*"], "imports": {"shared/": "./shared/"}}),
    "packages/db/deno.json": json.dumps({"name": "@acme/db", "version": "0.1.0",
                                         "exports": {".": "./mod.ts", "./pool": "./pool.ts"}}),
    "packages/db/mod.ts": "export * from './pool.ts';\n",
    "packages/db/pool.ts": "export const pool = await Promise.resolve(1);\n",
    "packages/app/deno.json": json.dumps({"name": "@acme/app", "version": "0.1.0", "exports": "./main.ts",
                                          "imports": {"local": "./local.ts", "shared/": "./mine/"}}),
    "packages/app/main.ts": ("import { pool } from '@acme/db';\nimport { pool as p2 } from '@acme/db/pool';\n"
                             "import { l } from 'local';\nimport { s } from 'shared/s.ts';\n"
                             "export const all = [pool, p2, l, s];\n"),
    "packages/app/local.ts": "export const l = 1;\n",
    "packages/app/mine/s.ts": "export const s = 3;\n",
    "packages/tool/deno.json": json.dumps({"name": "@acme/tool", "version": "0.1.0", "exports": "./tool.ts"}),
    "packages/tool/tool.ts": "import { s } from 'shared/s.ts';\nimport { all } from '@acme/app';\nexport const t = [s, all];\n",
    "shared/s.ts": "export const s = 2;\n",
}


def test_a_deno_workspace_resolves_as_deno_resolves(engines_node_modules, engine, tmp_path, workspace):
    """Members' own maps first (app's `shared/` wins over the root's), then the root's, then the
    members' names and exports (`@acme/db`, `@acme/db/pool`)."""
    deno = engines_node_modules / ".bin" / "deno"
    root = workspace(WORKSPACE)
    links = _deno_graph(deno, root, tmp_path, ["packages/app/main.ts", "packages/tool/tool.ts"])
    r = Resolver(root)
    got = {f: {spec: str(r.resolve(spec, Path(f)).path) for spec in deps} for f, deps in links.items()}
    assert got == links
    assert links[str(root / "packages/app/main.ts")]["shared/s.ts"] == str(root / "packages/app/mine/s.ts")
    assert links[str(root / "packages/tool/tool.ts")]["shared/s.ts"] == str(root / "shared/s.ts")
    sources = {f: Path(f).read_text() for f in links}
    v8 = engine.ask(op="graph", files=sources, links=links, verbatim=False)
    assert not v8["errors"], v8["errors"]
    project = analyse(root, Config(), cache=False)
    ours = {f: {"tla": project.modules[Path(f)].has_tla, "async": project.modules[Path(f)].is_async} for f in links}
    assert ours == {f: {"tla": v["tla"], "async": v["async"]} for f, v in v8["files"].items() if f in ours}
    assert ours[str(root / "packages/tool/tool.ts")]["async"]


def test_type_only_imports_are_elided_as_deno_elides_them(engines_node_modules, tmp_path, workspace):
    """Deno drops an import used only as a type unless deno.json's compilerOptions set
    verbatimModuleSyntax: `deno run` shows whether the awaited module was loaded at all."""
    deno = engines_node_modules / ".bin" / "deno"
    for verbatim in (False, True):
        options = {"compilerOptions": {"verbatimModuleSyntax": True}} if verbatim else {}
        root = workspace({
            "deno.json": json.dumps(options),
            "db.ts": "console.log('db loaded');\nexport class Row { id = 0 }\nexport const x = await Promise.resolve(1);\n",
            "main.ts": "import { Row } from './db.ts';\nconst r: Row | null = null;\nconsole.log('main', r);\n",
        }, root=tmp_path / f"v{verbatim}")
        proc = subprocess.run([str(deno), "run", "--no-lock", "main.ts"], cwd=root, capture_output=True, text=True,
                              timeout=120, env=dict(os.environ, DENO_DIR=str(tmp_path / "deno-dir"),
                                                    DENO_NO_UPDATE_CHECK="1", NO_COLOR="1"))
        assert proc.returncode == 0, proc.stderr
        loaded = "db loaded" in proc.stdout
        assert loaded is verbatim
        project = analyse(root, Config(), cache=False)
        assert project.modules[root / "main.ts"].is_async is loaded


def test_the_deno_example_resolves_and_links_as_in_deno(engines_node_modules, engine, tmp_path):
    deno = engines_node_modules / ".bin" / "deno"
    root = Path(__file__).resolve().parents[2] / "examples" / "deno-app"
    links = _deno_graph(deno, root, tmp_path, ["main.ts"])
    r = Resolver(root)
    assert {f: {s: str(r.resolve(s, Path(f)).path) for s in deps} for f, deps in links.items()} == links
    v8 = engine.ask(op="graph", files={f: Path(f).read_text() for f in links}, links=links, verbatim=False)
    assert not v8["errors"], v8["errors"]
    project = analyse(root, Config(), cache=False)
    assert {f: project.modules[Path(f)].is_async for f in links} == {f: v["async"] for f, v in v8["files"].items()
                                                                       if f in links}
    assert v8["files"][str(root / "main.ts")]["async"]


def test_a_broken_deno_json_is_a_problem_not_a_crash(workspace):
    root = workspace({
        "deno.json": '{"imports": {"db": ',
        "db.ts": "export const db = await 1;\n",
        "main.ts": "import { db } from 'db';\nimport { x } from './db.ts';\nexport { db, x };\n",
    })
    project = analyse(root, Config(), cache=False)
    main = project.modules[root / "main.ts"]
    assert main.edges[0].target is None and main.edges[1].target == root / "db.ts"
    assert main.is_async  # (through the relative import)
    assert any("deno.json is not valid JSON" in p.message for p in project.problems)


def test_a_changed_import_map_file_re_resolves(workspace):
    root = workspace({
        "deno.json": json.dumps({"importMap": "./import_map.json"}),
        "import_map.json": json.dumps({"imports": {"db": "./db.ts"}}),
        "db.ts": "export const db = await 1;\n",
        "sync.ts": "export const db = 1;\n",
        "main.ts": "import { db } from 'db';\nexport { db };\n",
    })
    project = analyse(root, Config(), cache=False)
    main = root / "main.ts"
    assert project.modules[main].is_async
    (root / "import_map.json").write_text(json.dumps({"imports": {"db": "./sync.ts"}}))
    project.files_changed([root / "import_map.json"])
    assert project.modules[main].edges[0].target == root / "sync.ts"
    assert not project.modules[main].is_async
