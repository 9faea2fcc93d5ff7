"""The real `tla-lens` command on the bundled examples and small projects."""
import json
import subprocess
import sys
from pathlib import Path


REPO = Path(__file__).resolve().parents[2]
WEBPACK = REPO / "examples" / "webpack-app"
TSAPP = REPO / "examples" / "typescript-app"
VUEAPP = REPO / "examples" / "vite-vue-app"
KITAPP = REPO / "examples" / "sveltekit-app"
ASTRO = REPO / "examples" / "astro-site"
DENO = REPO / "examples" / "deno-app"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "tla_lens.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def as_json(*args):
    r = run("check", *args, "--format", "json")
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout), r


def test_webpack_example_verdicts_and_chain():
    data, r = as_json(WEBPACK)
    assert data["root"] == str(WEBPACK)
    mods = {m["path"]: m for m in data["modules"]}
    assert mods["src/db-connection.js"]["async"] and mods["src/db-connection.js"]["topLevelAwait"] == [
        {"line": 6, "column": 19, "kind": "await"}]
    assert mods["src/UserApi.js"]["asyncVia"] == ["src/db-connection.js"]
    assert mods["src/reports.js"]["asyncVia"] == ["src/UserApi.js", "src/db-connection.js"]
    assert mods["src/index.js"]["asyncVia"] == ["src/reports.js", "src/UserApi.js", "src/db-connection.js"]
    assert not mods["src/actions.js"]["async"]  # only import()
    assert not mods["src/pool.js"]["async"] and mods["src/pool.js"]["asyncVia"] == []
    diags = {(d["path"], d["line"], d["code"]) for d in data["diagnostics"]}
    assert ("src/reports.js", 2, "async-import") in diags
    assert ("src/index.js", 2, "async-import") in diags
    assert ("src/index.js", 2, "async-entry") in diags
    assert ("src/db-connection.js", 6, "top-level-await") in diags
    assert not any(p == "src/actions.js" for p, _, _ in diags)
    d = next(d for d in data["diagnostics"] if d["path"] == "src/index.js" and d["code"] == "async-import")
    assert (d["column"], d["endLine"], d["endColumn"]) == (1, 2, 43)
    assert d["message"].startswith("`./reports.js` is an async module because of `./db-connection.js` "
                                   "(top-level await at line 6)")
    assert r.returncode == 0  # warnings only


def test_typescript_example_alias_type_import_and_cycle():
    data, _ = as_json(TSAPP)
    mods = {m["path"]: m for m in data["modules"]}
    assert not mods["src/models/user.ts"]["async"]  # import type is erased
    assert mods["src/services/cache.ts"]["asyncVia"] == ["src/lib/settings.ts"]  # via the @lib alias
    assert mods["src/services/lookup.ts"]["async"]
    assert mods["src/main.ts"]["async"]
    codes = {(d["path"], d["code"]) for d in data["diagnostics"]}
    assert ("src/services/lookup.ts", "async-cycle") in codes
    assert ("src/services/cache.ts", "async-cycle") in codes


def test_vue_example_components_and_the_vite_alias():
    data, r = as_json(VUEAPP)
    mods = {m["path"]: m["async"] for m in data["modules"]}
    assert mods == {"src/App.vue": True, "src/components/UserBadge.vue": True, "src/components/Clock.vue": False,
                    "src/stores/session.ts": True, "src/lib/api.ts": True, "src/main.ts": True,
                    "vite.config.ts": False}
    codes = sorted((d["path"], d["code"]) for d in data["diagnostics"])
    assert ("src/components/UserBadge.vue", "async-import") in codes  # through '@', read from vite.config.ts
    assert ("src/main.ts", "async-entry") in codes
    assert not [c for c in codes if c[0] == "src/components/Clock.vue"]  # its await is setup()'s
    r = run("explain", VUEAPP / "src" / "main.ts")
    assert "src/components/UserBadge.vue:7  imports '@/stores/session'" in r.stdout


def test_sveltekit_example_through_lib_and_the_kit_alias():
    data, r = as_json(KITAPP)
    mods = {m["path"]: m["async"] for m in data["modules"]}
    assert mods["src/lib/server/db.ts"] and mods["src/lib/server/reports.ts"]
    assert mods["src/routes/reports/+page.server.ts"]
    assert not mods["src/routes/+page.ts"] and not mods["src/routes/+page.svelte"]
    assert not mods["src/lib/components/Total.svelte"]  # (reached through kit.alias '@ui')
    # `$env/static/private` is a module SvelteKit generates: not an unresolved import
    assert not [d for d in data["diagnostics"] if d["path"] == "src/lib/server/db.ts" and d["code"] == "unresolved-import"]
    r = run("explain", KITAPP / "src" / "routes" / "reports" / "+page.server.ts")
    assert "src/lib/server/reports.ts:1  imports '$lib/server/db'" in r.stdout


def test_print_config_lists_sveltekits_aliases_with_their_files():
    r = run("check", "--print-config", KITAPP)
    assert r.returncode == 0, r.stderr
    aliases = {a["name"]: a for a in json.loads(r.stdout)["bundlerAliases"]}
    assert aliases["$lib"] == {"file": "svelte.config.js", "line": 3, "name": "$lib", "appliesTo": ".",
                               "targets": ["./src/lib"]}
    assert aliases["@ui"]["file"] == "svelte.config.js" and aliases["@ui"]["targets"] == ["./src/lib/components"]
    assert aliases["$app"]["file"] == "vite.config.ts" and "not installed" in aliases["$app"]["notRead"]
    assert aliases["$env/*"]["ignored"] is True and "SvelteKit generates" in aliases["$env/*"]["ignoredBecause"]


def test_astro_example_pages():
    data, r = as_json(ASTRO)
    mods = {m["path"]: m["async"] for m in data["modules"]}
    assert mods == {"src/lib/cms.ts": True, "src/lib/site.ts": False, "src/pages/index.astro": True,
                    "src/pages/about.astro": False, "src/pages/rss.xml.ts": True,
                    "src/components/PostCard.astro": False}
    r = run("explain", ASTRO / "src" / "pages" / "index.astro")
    assert "src/pages/index.astro:3  imports '../lib/cms'" in r.stdout


def test_text_output_is_grouped_like_eslint():
    r = run("check", WEBPACK, "--color", "never")
    out = r.stdout
    assert "src/index.js\n  2:1" in out
    assert "warning" in out and "async-import" in out
    assert "problems (0 errors, 4 warnings, 1 info)" in out
    assert "\x1b[" not in out
    assert "\x1b[" in run("check", WEBPACK, "--color", "always").stdout


def test_max_warnings_and_exit_codes(workspace):
    assert run("check", WEBPACK, "--max-warnings", "4").returncode == 0
    assert run("check", WEBPACK, "--max-warnings", "3").returncode == 1
    root = workspace({"package.json": '{"type": "module"}', "db.js": "await 0;",
                      "old.cjs": "require('./db.js')"})
    r = run("check", root)
    assert r.returncode == 1 and "require-async" in r.stdout
    assert run("check", root / "nope").returncode == 2
    assert run("check", "--format", "xml").returncode == 2


def test_bad_config_is_reported_and_exits_2(workspace):
    root = workspace({"package.json": '{"type": "module"}', "db.js": "await 0;",
                      "a.js": "import './db.js'", "tla-lens.json": '{\n  "severity": {"async-import": "loud"}\n}'})
    r = run("check", root, "--format", "json")
    assert r.returncode == 2
    assert "tla-lens.json:2" in r.stderr and "async-import" in r.stderr
    data = json.loads(r.stdout)  # still analysed with the defaults
    assert any(d["code"] == "async-import" and d["severity"] == "warning" for d in data["diagnostics"])


def test_print_config_shows_the_settings_in_effect_and_the_bundlers_aliases(workspace):
    root = workspace({
        "package.json": json.dumps({"type": "module", "tlaLens": {"alias": {"x": "./y", "fs": False},
                                                                  "include": ["src/**"]}}),
        "vite.config.ts": "import path from 'node:path'\n"
                          "export default { resolve: { alias: { '@': path.resolve(__dirname, 'src'),\n"
                          "  lodash: 'lodash-es', odd: helper() } } }\n",
        "apps/admin/webpack.config.cjs": "module.exports = { resolve: { alias: { heavy: false } } };\n",
        "node_modules/dep/vite.config.js": "export default { resolve: { alias: { no: '/no' } } }\n",
        "src/a.ts": "export const a = 1;\n",
    })
    r = run("check", root, "--print-config")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["configFile"] == "package.json"
    # the "config" part is itself a valid configuration, which reads back to the same
    from tla_lens.config import from_dict, to_dict

    config, problems = from_dict(out["config"], None)
    assert problems == [] and to_dict(config) == out["config"]
    assert out["config"]["alias"] == {"x": "./y", "fs": False} and out["config"]["include"] == ["src/**"]
    got = [(a["file"], a["line"], a["name"], a["appliesTo"], a["targets"], a.get("ignored"), "notRead" in a)
           for a in out["bundlerAliases"]]
    assert got == [
        ("vite.config.ts", 2, "@", ".", ["./src"], None, False),
        ("vite.config.ts", 3, "lodash", ".", ["lodash-es"], None, False),
        ("vite.config.ts", 3, "odd", ".", [], None, True),
        ("apps/admin/webpack.config.cjs", 1, "heavy", "apps/admin", [], True, False),
    ]
    assert "helper()" in out["bundlerAliases"][2]["notRead"]
    assert out["pnpManifest"] is None and out["denoConfig"] is None and out["importMapPage"] is None
    # the entry points: webpack's default (./src, from the configuration's folder)
    assert out["bundlerEntries"] == [{"file": "apps/admin/webpack.config.cjs", "line": 1, "kind": "webpack entry",
                                      "request": "./src", "base": "./apps/admin"}]
    # a bad configuration: still printed (with the defaults for what is wrong), exit 2
    (root / "tla-lens.json").write_text('{"alias": {"@/": "./src"}}')
    r = run("check", root, "--print-config")
    assert r.returncode == 2 and "write '@'" in r.stderr
    assert json.loads(r.stdout)["config"]["alias"] == {}


def test_sarif_is_2_1_0_with_rules_and_locations():
    r = run("check", WEBPACK, "--format", "sarif")
    doc = json.loads(r.stdout)
    assert doc["version"] == "2.1.0"
    run0 = doc["runs"][0]
    assert {rule["id"] for rule in run0["tool"]["driver"]["rules"]} == {
        "async-import", "require-async", "top-level-await", "async-cycle", "async-entry",
        "unresolved-import"}
    res = [x for x in run0["results"] if x["ruleId"] == "async-import"]
    locs = {x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for x in res}
    assert locs == {"src/index.js", "src/reports.js", "src/UserApi.js"}
    assert all(x["level"] == "warning" for x in res)
    assert all(x["relatedLocations"] for x in res)


def test_github_annotations():
    r = run("check", WEBPACK, "--format", "github")
    lines = [l for l in r.stdout.splitlines() if "async-import" in l]
    assert any(l.startswith("::warning file=src/index.js,line=2,col=1,endLine=2,endColumn=43,"
                            "title=tla-lens async-import::") for l in lines)


def test_github_annotations_leave_hints_out(tmp_path):
    (tmp_path / "package.json").write_text('{"type": "module"}')
    (tmp_path / "a.js").write_text('import "./gone.js";\nexport const x = await 1;\n')
    r = run("check", tmp_path, "--format", "github")
    assert r.stdout.splitlines() == [
        "::notice file=a.js,line=2,col=18,endLine=2,endColumn=23,title=tla-lens top-level-await::"
        "top-level await: this module is async; no module imports it statically"]
    # the hint is in the other formats
    text = run("check", tmp_path).stdout
    assert "hint" in text and "cannot resolve `./gone.js`" in text


def test_explain_async_and_sync():
    r = run("explain", WEBPACK / "src" / "index.js")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith("src/index.js is an async module because of src/db-connection.js "
                          "(top-level await at line 6):")
    assert "src/reports.js:2  imports './UserApi.js'" in out
    assert "export const db = await openPool(url, { max: 10 });" in out
    r = run("explain", WEBPACK / "src" / "actions.js")
    assert "is not an async module" in r.stdout
    assert "lazily with import() at line 3" in r.stdout


def test_explain_names_what_it_cannot_resolve(tmp_path):
    (tmp_path / "package.json").write_text('{"type": "module"}')
    (tmp_path / "top.js").write_text('import "./mid.js";\nimport "./nowhere.js";\nimport("./later.js");\n')
    (tmp_path / "mid.js").write_text('import "@alias/db";\n')
    out = run("explain", tmp_path / "top.js").stdout
    assert "top.js is not an async module" in out
    assert "It imports 1 module tla-lens cannot resolve: './nowhere.js' (line 2)." in out
    assert "The modules it imports have 1 more: '@alias/db' in mid.js." in out
    assert "later.js" not in out  # import() never makes it wait
    # an async module's verdict does not hang on them: not listed
    (tmp_path / "mid.js").write_text('import "@alias/db";\nawait 0;\n')
    out = run("explain", tmp_path / "top.js").stdout
    assert "is an async module" in out and "cannot resolve" not in out


def test_graph_dot_and_mermaid():
    dot = run("graph", WEBPACK).stdout
    assert dot.startswith("digraph") and "src/db-connection.js" in dot and "import()" in dot
    assert "src/pool.js" not in dot
    mer = run("graph", WEBPACK, "--format", "mermaid").stdout
    assert mer.startswith("flowchart LR") and "-->" in mer and "src/reports.js" in mer


def test_version_and_help():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("tla-lens ")
    r = run("--help")
    assert "check" in r.stdout and "explain" in r.stdout and "graph" in r.stdout
    assert run().returncode == 2


def test_check_limited_to_files(workspace):
    root = workspace({"package.json": '{"type": "module"}', "db.js": "await 0;",
                      "a.js": "import './db.js'", "b.js": "import './db.js'"})
    data, _ = as_json(root / "a.js")
    assert {d["path"] for d in data["diagnostics"]} == {"a.js"}


def test_ctrl_c_while_workers_parse_exits_130_quietly(workspace, tmp_path):
    import os
    import signal
    import time
    files = {"package.json": '{"type": "module"}'}
    body = "".join(f"export function f{j}(a) {{ return a + {j}; }}\n" for j in range(60))
    for i in range(3000):
        files[f"src/m{i}.js"] = f"import {{ f0 }} from './m{(i + 1) % 3000}.js';\n{body}"
    root = workspace(files)
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    # its own process group, which gets the SIGINT as a terminal's Ctrl-C would send it
    proc = subprocess.Popen([sys.executable, "-m", "tla_lens.cli", "check", "--jobs", "2", str(root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True,
                            start_new_session=True)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    deadline = time.monotonic() + 30
    while proc.poll() is None and time.monotonic() < deadline and not children.read_text().split():
        time.sleep(0.02)  # until the parsing workers exist
    assert proc.poll() is None, "finished before the workers could be interrupted"
    workers = [int(c) for c in children.read_text().split()]
    time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in err
    for pid in workers:  # no worker left behind
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


def test_a_profiled_run_writes_its_profile(tmp_path):
    """One-shot commands end with os._exit once output is flushed, except under a profiler
    (or a coverage tracer), which writes its results when the interpreter exits."""
    prof = tmp_path / "check.prof"
    r = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "tla_lens.cli", "check",
                        "--no-cache", "--format", "json", str(WEBPACK)], capture_output=True, text=True, timeout=120)
    assert r.returncode in (0, 1), r.stderr
    assert json.loads(r.stdout)["root"] == str(WEBPACK)
    import pstats
    assert any("tla_lens" in fn for fn, _, _ in pstats.Stats(str(prof)).stats)


def test_deno_example_through_its_import_map():
    data, r = as_json(DENO)
    mods = {m["path"]: m for m in data["modules"]}
    assert mods["src/config.ts"]["topLevelAwait"] and mods["src/db.ts"]["topLevelAwait"]
    assert mods["main.ts"]["async"] and mods["src/server.ts"]["async"] and mods["src/routes/users.ts"]["async"]
    assert not mods["src/routes/health.ts"]["async"]  # (import() only)
    assert not [d for d in data["diagnostics"] if d["code"] == "unresolved-import"]
    # explain finds the project by its deno.json
    r = run("explain", DENO / "main.ts")
    assert r.returncode == 0, r.stderr
    assert "src/routes/users.ts:2  imports '@/db.ts'" in r.stdout
    assert "src/db.ts:8  top-level await" in r.stdout


def test_print_config_names_the_files_resolution_follows(workspace):
    root = workspace({"deno.json": '{"imports": {}}', ".pnp.cjs": "// a manifest\n", "main.ts": ""})
    r = run("check", root, "--print-config")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["pnpManifest"] == ".pnp.cjs" and out["denoConfig"] == "deno.json"
    assert out["importMapPage"] is None  # (deno.json's map comes first)
    assert out["denoLock"] is None and set(out["caches"]) == {"yarnGlobalCache", "denoNpmCache", "denoHttpCache"}
    (root / "deno.lock").write_text('{"version": "5"}')
    assert json.loads(run("check", root, "--print-config").stdout)["denoLock"] == "deno.lock"
    page = workspace({"index.html": '<script type="importmap">{"imports": {"db": "./db.js"}}</script>',
                      "main.js": ""}, root=root.parent / "page")
    out = json.loads(run("check", page, "--print-config").stdout)
    assert out["importMapPage"] == "index.html" and out["denoConfig"] is None


def test_columns_of_a_file_with_a_byte_order_mark_are_the_editors(workspace, node26, ts5):
    """A file saved with a UTF-8 byte order mark: no editor shows the mark, and TypeScript (like
    ESLint) reads the file without it — the first line's columns count from after it."""
    bom = "\ufeff".encode()
    root = workspace({"package.json": '{"type": "module"}',
                      "db.ts": bom + "const é = 1; export const db = await Promise.resolve(é);\n".encode(),
                      "app.ts": bom + b'import { db } from "./db.ts";\nexport const a = db;\n'})
    data, _ = as_json(root)
    got = {(d["path"], d["code"]): (d["line"], d["column"]) for d in data["diagnostics"]}
    script = ("const ts = require(process.argv[1]); const out = {};"
              "for (const [f, word] of [['db.ts', 'await'], ['app.ts', 'import']]) {"
              "  const p = require('path').join(process.argv[2], f); const text = ts.sys.readFile(p);"
              "  const sf = ts.createSourceFile(p, text, ts.ScriptTarget.Latest);"
              "  const lc = sf.getLineAndCharacterOfPosition(text.indexOf(word));"
              "  out[f] = [lc.line + 1, lc.character + 1]; }"
              "console.log(JSON.stringify(out));")
    ts = json.loads(subprocess.run([str(node26), "-e", script, str(ts5), str(root)], capture_output=True,
                                   text=True, check=True, timeout=60).stdout)
    assert ts == {"db.ts": [1, 32], "app.ts": [1, 1]}  # (what an editor shows, mark or not)
    assert got[("db.ts", "top-level-await")] == tuple(ts["db.ts"])
    assert got[("app.ts", "async-import")] == tuple(ts["app.ts"])
    assert "1:32" in run("check", root, "--color", "never").stdout


def test_explain_without_a_project_file_takes_the_working_folder(tmp_path):
    """No package.json, tsconfig, … above the file: the project is the folder tla-lens runs in
    (not the file's own folder, which would leave its `../` imports outside the workspace)."""
    (tmp_path / "src").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "src/a.js").write_text("import { b } from '../lib/b.js';\nexport const a = b;\n")
    (tmp_path / "lib/b.js").write_text("export const b = await Promise.resolve(1);\n")
    r = run("explain", "src/a.js", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("src/a.js is an async module because of lib/b.js (top-level await at line 1):")
    assert "outside the workspace" not in r.stderr


def test_nothing_to_analyse_says_why(tmp_path):
    """A folder whose code is all in folders never walked (dist, build, …) is a clean check, with
    a note on stderr naming them; a folder given by itself is walked."""
    (tmp_path / "pkg/dist").mkdir(parents=True)
    (tmp_path / "pkg/dist/index.js").write_text("export const v = await Promise.resolve(1);\n")
    r = run("check", tmp_path / "pkg")
    assert r.returncode == 0 and "0 modules" in r.stdout, r.stdout + r.stderr
    assert "tla-lens: note: no JavaScript or TypeScript module found to analyse in" in r.stderr, r.stderr
    assert "(`dist` is a folder never walked: see the `skipDirs` setting)" in r.stderr, r.stderr
    r = run("check", tmp_path / "pkg/dist")
    assert "1 module, 1 async" in r.stdout and "note:" not in r.stderr, r.stdout + r.stderr
    (tmp_path / "empty").mkdir()
    r = run("check", tmp_path / "empty")
    assert r.stderr.strip().endswith(f"found to analyse in {tmp_path / 'empty'}"), r.stderr


# GitLab's Code Quality report, as its documentation describes what the merge request widget reads
GITLAB_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "categories": {"type": "array", "items": {"enum": [
                "Bug Risk", "Clarity", "Compatibility", "Complexity", "Duplication", "Performance", "Security",
                "Style"]}},
            "location": {"type": "object", "required": ["path", "lines"], "properties": {
                "path": {"type": "string", "pattern": "^[^/.]"},
                "lines": {"type": "object", "required": ["begin"],
                          "properties": {"begin": {"type": "integer", "minimum": 1},
                                         "end": {"type": "integer", "minimum": 1}}}}},
        },
    },
}


def test_gitlab_code_quality_report(tmp_path):
    import jsonschema
    import shutil

    app = tmp_path / "repo" / "packages" / "app"
    shutil.copytree(WEBPACK, app, ignore=shutil.ignore_patterns("node_modules"))
    (app / "src" / "legacy.cjs").write_text("module.exports = require('./db-connection.js');\n")
    repo = tmp_path / "repo"
    r = run("check", "packages/app", "--format", "gitlab", cwd=repo)  # (the job runs at the repository's root)
    assert r.returncode == 1, r.stderr
    issues = json.loads(r.stdout)
    jsonschema.validate(issues, GITLAB_SCHEMA)
    by = {(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]): i for i in issues}
    assert ("tla-lens/async-import", "packages/app/src/index.js", 2) in by
    err = by[("tla-lens/require-async", "packages/app/src/legacy.cjs", 1)]
    assert err["severity"] == "major" and err["categories"] == ["Bug Risk"] and "ERR_REQUIRE_ASYNC_MODULE" in \
        err["description"]
    assert by[("tla-lens/async-import", "packages/app/src/index.js", 2)]["severity"] == "minor"
    assert len({i["fingerprint"] for i in issues}) == len(issues)  # (GitLab shows one issue per fingerprint)
    # lines added above: the same fingerprints, on other lines
    index = app / "src" / "index.js"
    index.write_text("// a comment\n// another\n" + index.read_text())
    again = json.loads(run("check", "packages/app", "--format", "gitlab", cwd=repo).stdout)
    assert {i["fingerprint"] for i in again} == {i["fingerprint"] for i in issues}
    moved = [i for i in again if i["location"]["path"] == "packages/app/src/index.js" and
             i["check_name"] == "tla-lens/async-import"]
    assert moved and moved[0]["location"]["lines"]["begin"] == 4
    # run from inside the project: paths from there
    inside = json.loads(run("check", ".", "--format", "gitlab", cwd=app).stdout)
    assert {i["location"]["path"] for i in inside} >= {"src/index.js", "src/legacy.cjs"}
