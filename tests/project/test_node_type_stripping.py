"""TypeScript that Node runs itself (type stripping, started by an npm script `node file.ts`)
keeps every import as written: held to Node 26, whose require() of each such module throws
ERR_REQUIRE_ASYNC_MODULE exactly when the module is async. TypeScript files no script runs
keep TypeScript's elision (a bundler compiles them)."""
from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

from tla_lens.project import analyse

from .conftest import loaded
from tla_lens.resolve.scripts import node_script_files

TLA = "await Promise.resolve();\n"

PROJECT = {
    "package.json": json.dumps({"type": "module", "scripts": {
        "start": "node src/main.ts",
        "seed": "NODE_ENV=dev node --env-file-if-exists=.env scripts/seed.mts --fast",
        "test": "node --test test/a.test.ts",
        "build": "vite build",
        "dev": "node --import tsx web/dev.ts",
    }}),
    # an unused import, an import of types only (inline `type`), a class used as a type only
    "src/main.ts": ('import { helper } from "./db.ts";\n'
                    'import { type Cfg } from "./config.ts";\n'
                    'import { Shape } from "./types.ts";\n'
                    'import { run } from "./util.ts";\n'
                    'let c: Cfg | undefined; let s: Shape | undefined;\n'
                    'run();\n'),
    "src/db.ts": "export const helper = 1;\n" + TLA,
    "src/config.ts": "export interface Cfg { a: number }\nexport const cfg = 1;\n" + TLA,
    # reached only through an import TypeScript would drop, and holding one itself
    "src/types.ts": 'import { deep } from "./deep.ts";\nexport class Shape {}\n',
    "src/deep.ts": "export const deep = 1;\n" + TLA,
    "src/util.ts": 'export function run(): void {}\n',
    "scripts/seed.mts": 'import { type Cfg } from "../src/config.ts";\nlet c: Cfg | undefined;\n',
    "test/a.test.ts": 'import { helper } from "../src/db.ts";\n',
    # compiled by a bundler (or run with tsx, which elides like TypeScript): not Node's
    "web/app.ts": 'import { helper } from "../src/db.ts";\nexport const app = 1;\n',
    "web/dev.ts": 'import { helper } from "../src/db.ts";\nexport const dev = 1;\n',
}

NODE_RUN = ["src/main.ts", "src/db.ts", "src/config.ts", "src/types.ts", "src/deep.ts",
            "src/util.ts", "scripts/seed.mts", "test/a.test.ts"]


def _node_async(node26, root, rel: str) -> bool:
    code = ("try { require(process.argv[1]); console.log('sync'); } "
            "catch (e) { console.log(e.code || e.message); }")
    run = subprocess.run([str(node26), "-e", code, str(root / rel)], cwd=root,
                         capture_output=True, text=True, timeout=60)
    out = run.stdout.strip().splitlines()[-1]
    assert out in ("sync", "ERR_REQUIRE_ASYNC_MODULE"), (rel, run.stdout, run.stderr)
    return out == "ERR_REQUIRE_ASYNC_MODULE"


def test_node_run_typescript_against_node(workspace, node26):
    root = workspace(PROJECT)
    a = analyse(root)
    mods = {p.relative_to(root).as_posix(): m for p, m in a.modules.items()}
    assert sorted(p.relative_to(root).as_posix() for p in a.node_run) == sorted(NODE_RUN)
    for rel in NODE_RUN:
        assert mods[rel].is_async == _node_async(node26, root, rel), rel
    # what Node does not run keeps TypeScript's elision (the unused import is dropped)
    assert not mods["web/app.ts"].is_async and not mods["web/dev.ts"].is_async
    msg = next(f.message for f in a.findings
               if f.code == "async-import" and f.path == root / "src/main.ts" and f.span.start == 0)
    assert "Node runs this file by type stripping, from script `start` of package.json" in msg


def test_without_a_node_script_typescript_elides(workspace):
    files = dict(PROJECT)
    files["package.json"] = json.dumps({"type": "module", "scripts": {"build": "tsc"}})
    root = workspace(files)
    a = analyse(root)
    assert a.node_run == {}
    mods = {p.relative_to(root).as_posix(): m for p, m in a.modules.items()}
    assert not mods["src/main.ts"].is_async and not mods["src/types.ts"].is_async


def test_editing_the_imports_and_the_scripts(workspace):
    root = workspace(PROJECT)
    p = loaded(root)
    types, main = root / "src/types.ts", root / "src/main.ts"
    assert p.modules[types].is_async
    # main.ts no longer imports types.ts: Node no longer runs it, TypeScript's elision is back
    text = PROJECT["src/main.ts"].replace('import { Shape } from "./types.ts";\n', "").replace(
        " let s: Shape | undefined;", "")
    p.set_overlay(main, text.encode())
    assert types not in p.node_run and not p.modules[types].is_async
    p.set_overlay(main, PROJECT["src/main.ts"].encode())
    assert types in p.node_run and p.modules[types].is_async
    # the script goes: nothing runs main.ts with Node any more
    (root / "package.json").write_text(json.dumps({"type": "module", "scripts": {"build": "tsc"}}))
    p.files_changed([root / "package.json"])
    assert main not in p.node_run and not p.modules[main].is_async


@pytest.mark.parametrize("command, files", [
    ("node src/a.ts", ["src/a.ts"]),
    ("tsc --noEmit && NODE_ENV=production node --watch --env-file .env src/a.ts --port 3", ["src/a.ts"]),
    ("cross-env A=1 node -r dotenv/config src/b.mts", ["src/b.mts"]),
    ("dotenv -e .env -- node ./src/a.ts", ["src/a.ts"]),
    ("node --import ./instrument.mjs src/a.ts", ["src/a.ts"]),
    ("node --import ./src/b.mts src/a.ts", ["src/b.mts", "src/a.ts"]),  # (a preload Node strips itself)
    ("node --test src/a.ts 'src/**/*.test.ts' src/b.mts", ["src/a.ts", "src/b.mts"]),
    ("vite build; node src/a.ts > out.txt", ["src/a.ts"]),
    ("node --import tsx src/a.ts", []),
    ("node --loader ts-node/esm src/a.ts", []),
    ("node --import=@swc-node/register/esm-register src/a.ts", []),
    ("node -e 'import(\"./src/a.ts\")'", []),
    ("node --no-experimental-strip-types src/a.ts", []),
    ("node src/missing.ts", []),
    ("node src/c && node src/d", ["src/c.js", "src/d/index.js"]),  # (as Node finds a main module)
    ("node src/a", []),  # (no TypeScript extension is added)
    ("tsx src/a.ts", []),
    ("node 'src/a.ts", []),  # (unbalanced quote: nothing read)
    ("nodemon --watch src -e js,json src/c.js", ["src/c.js"]),  # (nodemon runs JavaScript with node)
    ("npx nodemon src/a.ts", []),  # (TypeScript: ts-node, its execMap)
    ("pnpm exec nodemon -- src/d", ["src/d/index.js"]),
    ("nodemon --exec 'node --import tsx' src/c.js", []),
])
def test_script_commands(tmp_path, command, files):
    (tmp_path / "src" / "d").mkdir(parents=True)
    for f in ("a.ts", "b.mts", "c.js", "d/index.js"):
        (tmp_path / "src" / f).write_text("")
    got = node_script_files({"s": command}, str(tmp_path))
    assert [f for _, f in got] == [str(tmp_path / f) for f in files]


def _module(rng, i, n):
    lines = []
    for j in rng.sample(range(n), rng.randrange(0, 3)):
        if j != i:
            # unused: TypeScript drops it, Node keeps it
            lines.append(f'import {{ v{j} }} from "./m{j}.ts";')
    if rng.random() < 0.15:
        lines.append("await 0;")
    lines.append(f"export const v{i} = {i};")
    return "\n".join(lines) + "\n"


def _state(project):
    mods = {p.name: (m.is_async, len(m.chain), m.verbatim) for p, m in project.modules.items()}
    findings = sorted((f.path.name, f.code, f.span.start) for f in project.findings)
    return mods, sorted(p.name for p in project.node_run), findings


def test_random_edits_match_fresh_analysis(workspace):
    # buffer edits, files deleted and created on disk, the start script changed: the live
    # project always equals a fresh analysis of the same files
    n = 16
    rng = random.Random(5)
    files = {"package.json": json.dumps({"type": "module", "scripts": {"start": "node m0.ts"}})}
    for i in range(n):
        files[f"m{i}.ts"] = _module(rng, i, n)
    root = workspace(files)
    live = loaded(root)
    overlays = {}
    for step in range(120):
        i = rng.randrange(n)
        path = root / f"m{i}.ts"
        action = rng.random()
        if action < 0.08:  # the script runs another file
            (root / "package.json").write_text(json.dumps(
                {"type": "module", "scripts": {"start": f"node m{rng.randrange(n)}.ts"}}))
            live.files_changed([root / "package.json"])
        elif action < 0.16 and path not in overlays:  # deleted, or created again, on disk
            if path.exists():
                path.unlink()
            else:
                path.write_text(_module(rng, i, n))
            live.files_changed([path])
        else:
            if path not in overlays and not path.exists():
                continue
            text = overlays.get(path, path.read_bytes() if path.exists() else b"").decode()
            if action < 0.35:
                text = text.replace("await 0;\n", "") if "await 0;" in text else text + "await 0;\n"
            elif action < 0.7:
                j = rng.randrange(n)
                text = f'import {{ v{j} }} from "./m{j}.ts";\n' + text
            else:
                lines = text.splitlines(keepends=True)
                imports = [k for k, line in enumerate(lines) if line.startswith("import")]
                if imports:
                    del lines[rng.choice(imports)]
                text = "".join(lines)
            overlays[path] = text.encode()
            live.set_overlay(path, overlays[path])
        fresh = loaded(root, overlays)
        assert _state(live) == _state(fresh), f"step {step}: {path.name}"


def test_print_config_lists_the_node_scripts(workspace):
    files = dict(PROJECT)
    files["tools/package.json"] = json.dumps({"scripts": {"gen": "node gen.ts"}})
    files["tools/gen.ts"] = "export {};\n"
    root = workspace(files)
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    shown = json.loads(r.stdout)["nodeScripts"]
    got = [(s["file"], s["script"], s["runs"]) for s in shown if "with" not in s]
    # (tsx compiles what it runs: listed apart)
    assert [(s["script"], s["runs"]) for s in shown if s.get("with") == "tsx"] == [("dev", "./web/dev.ts")]
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--format", "json", str(root)],
                       capture_output=True, text=True, timeout=120)
    mods = {m["path"]: m for m in json.loads(r.stdout)["modules"]}
    assert mods["src/deep.ts"]["nodeRun"] == "script `start` of package.json"
    assert mods["tools/gen.ts"]["nodeRun"] == "script `gen` of tools/package.json"
    assert "nodeRun" not in mods["web/app.ts"]
    assert got == [("package.json", "start", "./src/main.ts"),
                   ("package.json", "seed", "./scripts/seed.mts"),
                   ("package.json", "test", "./test/a.test.ts"),
                   ("tools/package.json", "gen", "./tools/gen.ts")]


def test_bin_files_with_a_node_hashbang(workspace, node26):
    files = dict(PROJECT)
    files["package.json"] = json.dumps({"type": "module", "bin": {
        "tool": "bin/tool.ts", "other": "bin/other.ts", "flags": "bin/flags.mts"}})
    head = 'import { type Cfg } from "../src/config.ts";\nlet c: Cfg | undefined;\n'
    files["bin/tool.ts"] = "#!/usr/bin/env node\n" + head
    files["bin/flags.mts"] = "#!/usr/bin/env -S node --disable-warning=ExperimentalWarning\n" + head
    files["bin/other.ts"] = "#!/usr/bin/env tsx\n" + head  # (tsx elides as TypeScript does)
    root = workspace(files)
    a = analyse(root)
    mods = {p.relative_to(root).as_posix(): m for p, m in a.modules.items()}
    for rel in ("bin/tool.ts", "bin/flags.mts"):
        assert a.node_run[root / rel] == f"command `{rel[4:].split('.')[0]}` of package.json (`#!` node)"
        assert mods[rel].is_async and _node_async(node26, root, rel), rel
    assert root / "bin/other.ts" not in a.node_run and not mods["bin/other.ts"].is_async
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    got = [(s.get("bin"), s["runs"]) for s in json.loads(r.stdout)["nodeScripts"]]
    assert got == [("tool", "./bin/tool.ts"), ("flags", "./bin/flags.mts")]


def test_any_scripts_text_is_read_without_failing(tmp_path):
    from hypothesis import given, settings, strategies as st

    (tmp_path / "a.ts").write_text("")
    words = st.sampled_from(["node", "env", "cross-env", "dotenv", "--", "-r", "--import", "tsx",
                             "-e", "--test", "a.ts", "b.ts", "&&", "|", ";", "'", '"', "\\", "(",
                             "A=1", "--watch", "-C", "x", "#", "\n", "$(node a.ts)", "`"])

    @settings(max_examples=300, deadline=None)
    @given(st.dictionaries(st.text(max_size=5), st.lists(words, max_size=12).map(" ".join)
                           | st.text(max_size=40) | st.integers() | st.none()))
    def check(scripts):
        for _, f in node_script_files(scripts, str(tmp_path)):
            assert f == str(tmp_path / "a.ts")

    check()


TEST_FILES = ["a.test.ts", "b-test.mts", "c_test.cts", "test-d.ts", "test.ts", "test/e.ts",
              "src/f.spec.ts", "test/sub/g.ts", "node_modules/x/h.test.ts", "src/i.test.js",
              "src/deep/j.test.mts", "src/k.test.tsx", ".hidden/l.test.ts", "src/test/m.ts",
              "src/n_test.mjs", "lib/o.ts"]


@pytest.mark.parametrize("script", ["node --test", "node --test 'src/**/*.test.{js,mts}' lib/o.ts"])
def test_node_test_runs_what_node_runs(workspace, node26, script):
    log = "ran.log"
    files = {"package.json": json.dumps({"type": "module", "scripts": {"test": script}})}
    for f in TEST_FILES:
        if f.endswith(".cts"):
            files[f] = f"require('node:fs').appendFileSync({log!r}, {f!r} + '\\n');\n"
        else:
            files[f] = f"import fs from 'node:fs';\nfs.appendFileSync({log!r}, {f!r} + '\\n');\n"
    root = workspace(files)
    args = __import__("shlex").split(script)[1:]
    subprocess.run([str(node26), *args], cwd=root, capture_output=True, text=True, timeout=120)
    ran = sorted(set((root / log).read_text().split()))
    assert ran  # (Node ran some)
    a = analyse(root)
    entries = sorted(p.relative_to(root).as_posix() for p, why in a.node_entries.items()
                     if why == "script `test` of package.json, by `node --test`" or why == "script `test` of package.json")
    assert entries == ran


def test_example_node_ts_app_against_node(tmp_path, node26):
    import shutil
    from pathlib import Path

    root = tmp_path / "app"
    shutil.copytree(Path(__file__).resolve().parents[2] / "examples" / "node-ts-app", root)
    a = analyse(root)
    for path, mod in a.modules.items():
        rel = path.relative_to(root).as_posix()
        assert mod.is_async == _node_async(node26, root, rel), rel
    routes = a.modules[root / "src/routes.ts"]
    assert routes.is_async and a.node_run[routes.path] == "script `start` of package.json"
    run = subprocess.run([str(node26), "src/server.ts"], cwd=root, capture_output=True, text=True, timeout=60)
    assert run.stdout == "listening on 3000\n", run.stderr


def test_a_file_node_ran_is_deleted(workspace):
    root = workspace(PROJECT)
    p = loaded(root)
    assert root / "src/types.ts" in p.node_run
    (root / "src/types.ts").unlink()
    p.files_changed([root / "src/types.ts"])
    assert root / "src/types.ts" not in p.node_run and root / "src/types.ts" not in p.modules
    (root / "src/deep.ts").unlink()  # (reached only through types.ts: already out of the graph)
    p.files_changed([root / "src/deep.ts"])
    assert p.modules[root / "src/main.ts"].is_async


def test_explain_marks_the_hop_node_keeps(workspace):
    from tla_lens.report.explain import explain

    root = workspace(PROJECT)
    a = analyse(root)
    text = explain(a, root / "src/types.ts")
    assert "src/types.ts:1  imports './deep.ts'  (no value used: Node keeps it, TypeScript would drop it)" in text
    assert "Node runs it by type stripping (script `start` of package.json)" in text


def test_a_bin_files_hashbang_edited(workspace):
    files = dict(PROJECT)
    files["package.json"] = json.dumps({"type": "module", "bin": {"tool": "bin/tool.ts"}})
    head = 'import { type Cfg } from "../src/config.ts";\nlet c: Cfg | undefined;\n'
    files["bin/tool.ts"] = head
    root = workspace(files)
    p = loaded(root)
    tool = root / "bin/tool.ts"
    assert tool not in p.node_run and not p.modules[tool].is_async
    # the editor's buffer gets a `#!` line that runs node: Node keeps the import
    p.set_overlay(tool, ("#!/usr/bin/env node\n" + head).encode())
    assert tool in p.node_run and p.modules[tool].is_async
    p.set_overlay(tool, ("#!/usr/bin/env tsx\n" + head).encode())
    assert tool not in p.node_run and not p.modules[tool].is_async


SPECIFIERS = {
    # the specifier in src/main.ts -> does Node find it (only util.ts and lib/index.ts exist)
    "./util.ts": True,
    "./util.js": False,      # TypeScript maps .js to .ts; Node does not
    "./util": False,         # no extension added in an ES module
    "./lib": False,          # no index file either
    "./lib/index.ts": True,
}


@pytest.mark.parametrize("specifier", list(SPECIFIERS))
def test_relative_imports_as_node_finds_them(specifier, workspace, node26):
    """A relative import in a file Node runs by type stripping names the file exactly: the
    ones TypeScript finds by mapping `.js` to `.ts` or by probing are an `unresolved-import`
    (Node throws ERR_MODULE_NOT_FOUND), and nothing is followed through them."""
    root = workspace({
        "package.json": json.dumps({"type": "module", "scripts": {"start": "node src/main.ts"}}),
        "src/main.ts": f'import {{ u }} from "{specifier}";\nconsole.log(u);\n',
        "src/util.ts": "export const u = await Promise.resolve('U');\n",
        "src/lib/index.ts": "export const u = await Promise.resolve('L');\n",
    })
    run = subprocess.run([str(node26), "src/main.ts"], cwd=root, capture_output=True, text=True, timeout=60)
    found = run.returncode == 0
    assert found is SPECIFIERS[specifier], run.stderr
    code = "ERR_UNSUPPORTED_DIR_IMPORT" if specifier == "./lib" else "ERR_MODULE_NOT_FOUND"
    assert found or code in run.stderr
    a = analyse(root)
    main = a.modules[root / "src/main.ts"]
    assert main.is_async is found
    unresolved = [f for f in a.findings if f.code == "unresolved-import" and f.path == root / "src/main.ts"]
    assert bool(unresolved) is not found
    if not found:
        assert "Node runs this file by type stripping (script `start` of package.json) and finds no " \
               f"`{specifier}`" in unresolved[0].message
        assert unresolved[0].message.endswith(f"Node throws {code}): whether it is an async module is not "
                                              "known, so nothing is reported through it"), unresolved[0].message


@pytest.mark.parametrize("specifier", [s for s, found in SPECIFIERS.items() if not found])
def test_the_quick_fix_names_the_file_node_finds(specifier, workspace, node26):
    """The quick fix offered on such an import writes the name of the file TypeScript found;
    Node then runs the file, and the module is async as Node says."""
    from tla_lens.fixes import apply_edits, respell

    root = workspace({
        "package.json": json.dumps({"type": "module", "scripts": {"start": "node src/main.ts"}}),
        "src/main.ts": f"import {{ u }} from '{specifier}';\nconsole.log(u);\n",
        "src/util.ts": "export const u = await Promise.resolve('U');\n",
        "src/lib/index.ts": "export const u = await Promise.resolve('L');\n",
    })
    a = analyse(root)
    main = a.modules[root / "src/main.ts"]
    (edge,) = [e for e in main.edges if e.specifier == specifier]
    spelled = a.node_spelling(edge)
    assert spelled == ("./lib/index.ts" if specifier == "./lib" else "./util.ts")
    fix = respell(main.source, edge.specifier_span, edge.specifier, spelled)
    (root / "src/main.ts").write_bytes(apply_edits(main.source, fix.edits))
    assert (root / "src/main.ts").read_text().startswith(f"import {{ u }} from '{spelled}';")
    run = subprocess.run([str(node26), "src/main.ts"], cwd=root, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() in ("U", "L"), run.stderr
    a = analyse(root)
    assert a.modules[root / "src/main.ts"].is_async
    assert not [f for f in a.findings if f.code == "unresolved-import"]


JS_CASES = {
    # (package.json fields, the running command, the file Node runs, its import) -> Node finds it
    "extensionless": ({"type": "module"}, "node src/main.js", "src/main.js", "./util", False),
    "folder": ({"type": "module"}, "node src/main.js", "src/main.js", "./lib", False),
    "named": ({"type": "module"}, "node src/main.js", "src/main.js", "./util.js", True),
    "mjs": ({}, "node src/main.mjs", "src/main.mjs", "./util", False),
    # no "type": Node detects the ES module syntax (and resolves as for an ES module)
    "detected": ({}, "node src/main.js", "src/main.js", "./lib", False),
    # a package preload that may hook resolution: not said (it may find the file)
    "hooked": ({"type": "module"}, "node --import extensionless src/main.js", "src/main.js", "./util", None),
    # dotenv's preload hooks nothing
    "dotenv": ({"type": "module"}, "node -r dotenv/config src/main.js", "src/main.js", "./util", False),
}


@pytest.mark.parametrize("case", list(JS_CASES))
def test_relative_imports_of_es_modules_node_runs(case, workspace, node26):
    """An ES module Node runs itself (an npm script's `node FILE`) resolves its relative
    imports as Node does: no extension added, no folder's index (Node throws
    ERR_MODULE_NOT_FOUND / ERR_UNSUPPORTED_DIR_IMPORT) — an `unresolved-import` naming the
    script, with the quick fix that writes the file's name, after which Node runs it and the
    module is async as Node says. A command with a preload that may register resolution hooks
    is left to bundler-style resolution."""
    from tla_lens.fixes import apply_edits, respell

    fields, command, main_rel, specifier, node_finds = JS_CASES[case]
    root = workspace({
        "package.json": json.dumps({**fields, "scripts": {"start": command}}),
        main_rel: f'import {{ u }} from "{specifier}";\nconsole.log(u);\n',
        "src/util.js": "export const u = await Promise.resolve('U');\n",
        "src/lib/index.js": "export const u = await Promise.resolve('L');\n",
    })
    main = root / main_rel
    if node_finds is not None:
        run = subprocess.run([str(node26), main_rel], cwd=root, capture_output=True, text=True, timeout=60)
        assert (run.returncode == 0) is node_finds, run.stderr
    a = analyse(root)
    unresolved = [f for f in a.findings if f.code == "unresolved-import" and f.path == main]
    if node_finds is not False:
        assert not unresolved and a.modules[main].is_async
        return
    code = "ERR_UNSUPPORTED_DIR_IMPORT" if specifier == "./lib" else "ERR_MODULE_NOT_FOUND"
    assert code in run.stderr
    assert not a.modules[main].is_async
    (f,) = unresolved
    assert f.message.startswith(f"cannot resolve `{specifier}` (Node runs this ES module (script `start` of "
                                f"package.json) and finds no `{specifier}`: "), f.message
    assert f"Node throws {code})" in f.message
    (edge,) = [e for e in a.modules[main].edges if e.specifier == specifier]
    spelled = a.node_spelling(edge)
    assert spelled == ("./lib/index.js" if specifier == "./lib" else "./util.js")
    fix = respell(a.modules[main].source, edge.specifier_span, edge.specifier, spelled)
    main.write_bytes(apply_edits(a.modules[main].source, fix.edits))
    run = subprocess.run([str(node26), main_rel], cwd=root, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() in ("U", "L"), run.stderr
    a = analyse(root)
    assert a.modules[main].is_async and not [f for f in a.findings if f.code == "unresolved-import"]


def test_a_bin_files_hashbang_gains_hooks(workspace):
    """A `#!` line edited to preload a package that may hook resolution: Node's own resolution
    is no longer assumed for the command's ES modules (and back)."""
    root = workspace({
        "package.json": json.dumps({"type": "module", "bin": {"tool": "bin/tool.js"}}),
        "bin/tool.js": '#!/usr/bin/env node\nimport { u } from "./util";\nconsole.log(u);\n',
        "bin/util.js": "export const u = 1;\n",
    })
    p = loaded(root)
    tool = root / "bin/tool.js"

    def unresolved():
        return [f for f in p.findings if f.code == "unresolved-import" and f.path == tool]

    assert unresolved()
    body = 'import { u } from "./util";\nconsole.log(u);\n'
    p.set_overlay(tool, ("#!/usr/bin/env -S node --import extensionless\n" + body).encode())
    assert not unresolved()
    p.set_overlay(tool, ("#!/usr/bin/env node\n" + body).encode())
    assert unresolved()
