"""Files on disk: watched-file registration, created/changed/deleted files, config files that
govern resolution, a `git checkout` of hundreds of files, open buffers over disk content."""
from __future__ import annotations

import json
import random


from lsprotocol import types as T

from .conftest import WEBPACK, cli_verdicts, wait_for


async def test_watchers_registered_dynamically(lsp):
    s = await lsp(WEBPACK)
    assert await wait_for(lambda: s.client.registrations)
    [reg] = [r for r in s.client.registrations if r.method == T.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    opts = reg.register_options
    watchers = opts["watchers"] if isinstance(opts, dict) else opts.watchers
    globs = {w["globPattern"] if isinstance(w, dict) else w.glob_pattern for w in watchers}
    assert "**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx,vue,svelte,astro,mdx}" in globs
    assert "**/index.html" in globs  # (its module scripts are entry points)
    assert {"**/package.json", "**/tsconfig*.json", "**/jsconfig.json", "**/tla-lens.json"} <= globs


async def test_no_registration_without_dynamic_support(lsp):
    s = await lsp(WEBPACK, watch=False)
    await s.sync()
    assert not [r for r in s.client.registrations if r.method == T.WORKSPACE_DID_CHANGE_WATCHED_FILES]


async def test_created_changed_deleted(lsp):
    s = await lsp(WEBPACK)
    s.open("src/index.js")
    s.open("src/reports.js")
    assert await wait_for(lambda: s.diagnostics("src/index.js", "async-entry"))
    assert await s.is_async("src/actions.js") is False
    # created: a new module with a top-level await; then actions.js changed to import it
    s.disk({"src/flag.js": "export const flag = await Promise.resolve(true);\n"})
    assert await s.settle_async("src/flag.js", True)
    s.disk({"src/actions.js": 'import { flag } from "./flag.js";\nexport function createUserAction() { return flag; }\n'})
    assert await s.settle_async("src/actions.js", True)
    r = await s.explain("src/actions.js")
    assert r["cause"] == s.uri("src/flag.js") and r["chain"][-1]["uri"] == s.uri("src/flag.js")
    assert await wait_for(lambda: len(s.diagnostics("src/index.js", "async-import")) == 2)
    # deleted: the database module goes away; UserApi's import no longer resolves
    s.disk({"src/db-connection.js": None})
    assert await s.settle_async("src/UserApi.js", False)
    assert await s.is_async("src/reports.js") is False
    assert await s.explain("src/db-connection.js") is None
    assert await wait_for(lambda: not s.diagnostics("src/reports.js"))
    # created again under the same name (an undo): async again
    s.disk({"src/db-connection.js": WEBPACK["src/db-connection.js"]})
    assert await s.settle_async("src/reports.js", True)
    assert await wait_for(lambda: s.diagnostics("src/reports.js", "async-import"))
    # a rename: db-connection.js -> db.js (one batch), then UserApi.js follows
    s.disk({"src/db-connection.js": None, "src/db.js": WEBPACK["src/db-connection.js"]})
    assert await s.settle_async("src/reports.js", False)
    s.disk({"src/UserApi.js": WEBPACK["src/UserApi.js"].replace("./db-connection.js", "./db.js")})
    assert await wait_for(lambda: any("`./db.js`" in d.message for d in s.diagnostics("src/reports.js")))
    r = await s.explain("src/reports.js")
    assert r["cause"] == s.uri("src/db.js")




async def test_one_batch_with_a_created_and_a_changed_file(lsp):
    s = await lsp(WEBPACK)
    s.open("src/index.js")
    assert await wait_for(lambda: s.diagnostics("src/index.js", "async-entry"))
    s.disk({"src/flag.js": "export const flag = await Promise.resolve(true);\n",
            "src/actions.js": 'import { flag } from "./flag.js";\nexport function createUserAction() { return flag; }\n'})
    assert await s.settle_async("src/actions.js", True, timeout=3)


async def test_tsconfig_paths_change_re_resolves(lsp):
    tsconfig = {"compilerOptions": {"module": "esnext", "moduleResolution": "bundler", "baseUrl": ".",
                                    "paths": {"@lib/*": ["src/plain/*"]}}}
    files = {
        "package.json": json.dumps({"type": "module"}),
        "tsconfig.json": json.dumps(tsconfig),
        "src/plain/config.ts": "export const config = { region: 'eu' };\n",
        "src/slow/config.ts": "export const config = await Promise.resolve({ region: 'eu' });\n",
        "src/main.ts": 'import { config } from "@lib/config";\nconsole.log(config);\n',
    }
    s = await lsp(files)
    s.open("src/main.ts")
    await s.sync()
    assert await s.is_async("src/main.ts") is False
    tsconfig["compilerOptions"]["paths"] = {"@lib/*": ["src/slow/*"]}
    s.disk({"tsconfig.json": json.dumps(tsconfig)})
    assert await s.settle_async("src/main.ts", True)
    assert await wait_for(lambda: s.diagnostics("src/main.ts", "async-import"))
    [d] = s.diagnostics("src/main.ts", "async-import")
    assert d.related_information[-1].location.uri == s.uri("src/slow/config.ts")


async def test_package_json_type_change_re_resolves(lsp):
    files = {
        "pkg/package.json": json.dumps({"name": "pkg", "type": "commonjs"}),
        "pkg/lib.js": "exports.x = 1;\n",
        "pkg/mod.js": "export const x = await Promise.resolve(1);\n",
        "app/main.mjs": 'import { x } from "../pkg/mod.js";\nconsole.log(x);\n',
    }
    s = await lsp(files)
    await s.sync()
    # under "type": "commonjs" a .js file is a script: it cannot have a top-level await
    r = await s.explain("pkg/mod.js")
    assert r["format"] == "cjs" and r["async"] is False
    assert await s.is_async("app/main.mjs") is False
    s.disk({"pkg/package.json": json.dumps({"name": "pkg", "type": "module"})})
    assert await s.settle_async("app/main.mjs", True)
    r = await s.explain("pkg/mod.js")
    assert r["format"] == "esm" and r["hasTopLevelAwait"] is True
    # and back
    s.disk({"pkg/package.json": json.dumps({"name": "pkg", "type": "commonjs"})})
    assert await s.settle_async("app/main.mjs", False)


def _branch(seed: int, n: int, start: int = 0) -> dict[str, str]:
    """n modules m{start}..: each imports a few later modules (some lazily), some await."""
    rng = random.Random(seed)
    files = {"package.json": json.dumps({"name": "big", "type": "module"})}
    top = start + n
    for i in range(start, top):
        lines = []
        for j in sorted(rng.sample(range(i + 1, top), min(rng.randint(0, 3), top - i - 1))):
            if rng.random() < 0.2:
                lines.append(f'export const lazy{j} = () => import("./m{j}.js");')
            else:
                lines.append(f'import {{ v as v{j} }} from "./m{j}.js";')
        if rng.random() < 0.03:
            lines.append("await Promise.resolve();")
        lines.append(f"export const v = {i};")
        files[f"src/m{i}.js"] = "\n".join(lines) + "\n"
    return files


async def _server_async_set(s) -> set[str]:
    sites = await s.client.protocol.send_request_async("tla-lens/asyncModules", {})
    out = set()
    for site in sites:
        out.add(site["uri"])
        out.update(site["infects"])
    return out


async def test_git_checkout_of_hundreds_of_files_settles_to_the_cli_answer(lsp):
    a = _branch(1, 300)
    s = await lsp(a)
    cli = cli_verdicts(s.root)
    assert len(cli) == 300
    expected_a = {s.uri(p) for p, v in cli.items() if v}
    assert 0 < len(expected_a) < 300
    assert await _server_async_set(s) == expected_a

    # the other branch: files 250.. deleted, 300..349 created, the rest rewritten
    b = _branch(2, 300, start=50)
    changes: dict = {p: t for p, t in b.items() if p != "package.json"}
    for p in a:
        if p.startswith("src/") and p not in b:
            changes[p] = None
    assert sum(1 for v in changes.values() if v is None) == 50
    s.disk(changes)  # one batch of 350 events
    cli = cli_verdicts(s.root)
    assert set(cli) == {p for p in b if p.startswith("src/")}
    expected = {s.uri(p) for p, v in cli.items() if v}
    # the checkout changes verdicts of files present on both branches
    both = {s.uri(p) for p in cli if p in a}
    assert expected & both != expected_a & both
    got = await _server_async_set(s)
    assert got == expected, (sorted(got - expected)[:5], sorted(expected - got)[:5])
    # spot checks through explain: a deleted file is gone, a new one is known
    assert await s.explain("src/m10.js") is None
    assert (await s.explain("src/m349.js"))["async"] == cli["src/m349.js"]


async def test_open_buffer_wins_over_disk(lsp):
    s = await lsp(WEBPACK)
    s.open("src/reports.js")
    # the buffer drops the await (unsaved)
    text = WEBPACK["src/db-connection.js"].replace("await openPool", "openPool")
    s.open("src/db-connection.js", text)
    assert await wait_for(lambda: not s.diagnostics("src/reports.js"))
    await s.sync()
    assert await s.is_async("src/reports.js") is False
    # the disk changes (a checkout, another tool) — still with the await, plus a new line
    s.disk({"src/db-connection.js": "// changed on disk\n" + WEBPACK["src/db-connection.js"]})
    await s.sync()
    assert await s.is_async("src/db-connection.js") is False
    assert await s.is_async("src/reports.js") is False
    # positions still come from the buffer: the TLA hover would be on line 6 on disk, not here
    assert await s.hover("src/db-connection.js", 6, 20) is None
    # the other way round: disk without await, buffer with it
    s.replace("src/db-connection.js", WEBPACK["src/db-connection.js"])
    assert await s.settle_async("src/reports.js", True)
    s.disk({"src/db-connection.js": text})
    await s.sync()
    assert await s.is_async("src/reports.js") is True
    # closing the buffer: the disk (no await) is the truth
    s.close("src/db-connection.js")
    assert await s.settle_async("src/reports.js", False)


async def test_checkout_that_rewrites_hundreds_of_files(lsp):
    """The same files on both branches, different contents: one batch of 300 changes."""
    a = _branch(1, 300)
    s = await lsp(a)
    before = {s.uri(p) for p, v in cli_verdicts(s.root).items() if v}
    assert await _server_async_set(s) == before
    b = _branch(3, 300)
    s.disk({p: t for p, t in b.items() if p != "package.json"})
    cli = cli_verdicts(s.root)
    expected = {s.uri(p) for p, v in cli.items() if v}
    assert expected != before
    got = await _server_async_set(s)
    assert got == expected, (sorted(got - expected)[:5], sorted(expected - got)[:5])
    assert (await s.explain("src/m0.js"))["async"] == cli["src/m0.js"]


async def test_one_folder_per_server_is_said(tmp_path):
    """The server analyses one folder: it tells clients it does not take several (so that they
    start one per folder), and says which one it took when given more."""
    from .conftest import Session, capabilities, make_client, write_tree, SERVER
    first, second = tmp_path / "first", tmp_path / "second"
    write_tree(first, WEBPACK)
    write_tree(second, WEBPACK)
    client = make_client()
    await client.start_io(*SERVER, cwd=str(tmp_path))
    try:
        s = Session(client, first)
        s.result = await client.initialize_session(T.InitializeParams(
            capabilities=capabilities(), root_uri=first.as_uri(),
            workspace_folders=[T.WorkspaceFolder(uri=first.as_uri(), name="first"),
                               T.WorkspaceFolder(uri=second.as_uri(), name="second")]))
        folders = s.result.capabilities.workspace.workspace_folders
        assert folders.supported is False and not folders.change_notifications
        await s.wait_indexed()
        assert s.logs("tla-lens analyses one folder per server") and s.logs("(second) need a server each")
        s.open("src/reports.js")
        assert await wait_for(lambda: s.diagnostics("src/reports.js", "async-import"))
    finally:
        await client.shutdown_session()


async def test_index_html_edits_change_the_entry_points(lsp):
    files = dict(WEBPACK)
    files["index.html"] = '<script type="module" src="/src/reports.js"></script>\n'
    s = await lsp(files)
    s.open("src/reports.js")
    assert await wait_for(lambda: any("module script of index.html" in d.message
                                      for d in s.diagnostics("src/reports.js", "async-entry")))
    s.disk({"index.html": '<script type="module" src="/src/actions.js"></script>\n'})
    assert await wait_for(lambda: not s.diagnostics("src/reports.js", "async-entry"))


def _watched(s, rel: str) -> bool:
    """Would the client report a change of ``rel``: does a glob the server registered match it?"""
    from wcmatch import glob as wglob

    globs = []
    for r in s.client.registrations:
        if r.method == T.WORKSPACE_DID_CHANGE_WATCHED_FILES:
            opts = r.register_options
            for w in (opts["watchers"] if isinstance(opts, dict) else opts.watchers):
                globs.append(w["globPattern"] if isinstance(w, dict) else w.glob_pattern)
    return wglob.globmatch(rel, globs, flags=wglob.GLOBSTAR | wglob.BRACE | wglob.DOTGLOB)


async def test_an_import_map_file_deno_json_names_is_watched(lsp):
    """deno.json's `"importMap": "./config/imports.json"` can name any JSON file: the server has
    the client watch it once it is read, and a change of the mapping re-resolves the project."""
    files = {
        "deno.json": json.dumps({"importMap": "./config/imports.json"}),
        "config/imports.json": json.dumps({"imports": {"db": "../src/db.ts"}}),
        "src/db.ts": "export const pool = await Promise.resolve(1);\n",
        "src/fake-db.ts": "export const pool = 1;\n",
        "src/main.ts": 'import { pool } from "db";\nexport const run = () => pool;\n',
    }
    s = await lsp(files)
    s.open("src/main.ts")
    assert await wait_for(lambda: s.diagnostics("src/main.ts", "async-import"))
    assert await wait_for(lambda: _watched(s, "config/imports.json"))
    assert not _watched(s, "config/other.json")  # (no watcher for every JSON file)
    s.disk({"config/imports.json": json.dumps({"imports": {"db": "../src/fake-db.ts"}})})
    assert await s.settle_async("src/main.ts", False)
    assert await wait_for(lambda: not s.diagnostics("src/main.ts", "async-import"))


async def test_a_pages_import_map_resolves_and_its_changes_re_resolve(lsp):
    """A buildless app: the page's `<script type="importmap">` maps the bare names its modules
    import. index.html is watched by the static globs, another page by a watcher registered
    once its map is read; a change of either map re-resolves the modules below it."""
    def page(db: str) -> str:
        return (f'<!doctype html><script type="importmap">{{"imports": {{"db": "{db}"}}}}</script>\n'
                '<script type="module" src="/src/main.js"></script>\n')
    files = {
        "index.html": page("/src/db.js"),
        "admin/panel.html": page("./stub.js"),
        "admin/stub.js": "export const pool = 1;\n",
        "admin/panel.js": 'import { pool } from "db";\nexport const p = pool;\n',
        "src/db.js": "export const pool = await Promise.resolve(1);\n",
        "src/fake-db.js": "export const pool = 1;\n",
        "src/main.js": 'import { pool } from "db";\nexport const run = () => pool;\n',
    }
    s = await lsp(files)
    s.open("src/main.js")
    assert await wait_for(lambda: s.diagnostics("src/main.js", "async-import"))
    assert await s.is_async("admin/panel.js") is False  # (its folder's page maps `db` to the stub)
    assert _watched(s, "index.html")
    assert await wait_for(lambda: _watched(s, "admin/panel.html"))
    s.disk({"index.html": page("/src/fake-db.js")})
    assert await s.settle_async("src/main.js", False)
    s.disk({"admin/panel.html": page("/src/db.js")})
    assert await s.settle_async("admin/panel.js", True)
