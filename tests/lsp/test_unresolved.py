"""`unresolved-import`: an import whose module cannot be found is a hint on its specifier (the
analysis is blind past it); it follows files created on disk and edits, can be ignored with a
comment, and turned off."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from lsprotocol import types as T

from .conftest import apply_workspace_edit, wait_for
from .test_actions import _actions, _by_title

APP = ('import { db } from "./db";\n'
       'import { x } from "@alias/x";\n'
       'import fs from "node:fs";\n'
       'import "./styles.css";\n'
       'import type { T } from "./types";\n'
       'const later = () => import("./later");\n'
       'import * as host from "vscode";\n'
       'export const v = [db, x, fs, later, host];\n')
FILES = {
    "package.json": json.dumps({"name": "app", "type": "module"}),
    "tsconfig.json": json.dumps({"compilerOptions": {"module": "nodenext", "strict": True}}),
    "src/app.ts": APP,
    "src/styles.css": "body {}\n",
    # the editor host's API: only declarations, given at run time
    "node_modules/@types/vscode/index.d.ts": "declare module 'vscode' { export const v: 1 }\n",
}


def _spec_range(text: str, line: int, spec: str) -> T.Range:
    col = text.splitlines()[line].index(f'"{spec}"')
    return T.Range(T.Position(line, col), T.Position(line, col + len(spec) + 2))


async def test_hint_on_each_unresolved_import_follows_disk_and_edits(lsp):
    s = await lsp(FILES)
    s.open("src/app.ts")
    assert await wait_for(lambda: len(s.diagnostics("src/app.ts", "unresolved-import")) == 2)
    db, alias = s.diagnostics("src/app.ts", "unresolved-import")
    # builtins, assets, type-only imports, import() and a host's API are not reported
    assert db.range == _spec_range(APP, 0, "./db") and alias.range == _spec_range(APP, 1, "@alias/x")
    assert db.severity == alias.severity == T.DiagnosticSeverity.Hint
    assert db.message.startswith("cannot resolve `./db` (cannot find module './db')")
    assert "@alias/x" in alias.message and "not known" in alias.message
    page = Path(url2pathname(urlparse(db.code_description.href).path))
    assert page.name == "unresolved-import.md" and page.is_file()

    # the module appears on disk, with a top-level await: the hint gives way to the squiggle
    s.disk({"src/db.ts": "export const db = await Promise.resolve(1);\n"})
    assert await wait_for(lambda: [d.code for d in s.diagnostics("src/app.ts")] == ["async-import",
                                                                                    "unresolved-import"])
    # the alias typed into a builtin: no hint left
    line = APP.splitlines()[1]
    a, b = line.index("@alias/x"), line.index("@alias/x") + len("@alias/x")
    s.change("src/app.ts", ((1, a), (1, b), "node:path"))
    assert await wait_for(lambda: [d.code for d in s.diagnostics("src/app.ts")] == ["async-import"])


async def test_ignore_comment_and_severity_setting(lsp):
    s = await lsp(FILES)
    s.open("src/app.ts")
    assert await wait_for(lambda: len(s.diagnostics("src/app.ts", "unresolved-import")) == 2)
    d = s.diagnostics("src/app.ts", "unresolved-import")[1]
    actions = await _actions(s, "src/app.ts", d.range, [d])
    ignore = _by_title(actions, "Ignore")
    texts = apply_workspace_edit(s, ignore.edit)
    assert "// tla-lens-ignore-next-line unresolved-import" in texts[s.uri("src/app.ts")]
    assert await wait_for(lambda: [x.range.start.line for x in s.diagnostics("src/app.ts")] == [0])
    # turned off in the editor's settings: none at all
    s.client.workspace_did_change_configuration(T.DidChangeConfigurationParams(
        settings={"tlaLens": {"severity": {"unresolved-import": "off"}}}))
    assert await wait_for(lambda: s.uri("src/app.ts") in s.client.diagnostics
                          and not s.diagnostics("src/app.ts"))


async def test_bundler_alias_in_tla_lens_json_and_editor_settings(lsp):
    """An alias only the bundler knows is a hint until it is declared: in tla-lens.json (the
    squiggle through it appears, and goes when the file is fixed wrongly), then in the editor's
    settings (which override the file's key)."""
    files = dict(FILES)
    files["src/alias/x.ts"] = "export const x = await Promise.resolve(2);\n"
    files["src/db.ts"] = "export const db = 1;\n"
    s = await lsp(files)
    s.open("src/app.ts")
    assert await wait_for(lambda: len(s.diagnostics("src/app.ts", "unresolved-import")) == 1)
    assert s.diagnostics("src/app.ts", "unresolved-import")[0].range == _spec_range(APP, 1, "@alias/x")

    s.disk({"tla-lens.json": json.dumps({"alias": {"@alias": "./src/alias"}})})
    assert await wait_for(lambda: [d.code for d in s.diagnostics("src/app.ts")] == ["async-import"])
    d = s.diagnostics("src/app.ts")[0]
    assert d.range.start.line == 1 and "`@alias/x` is an async module" in d.message

    # a target that does not exist: the hint says where the alias led
    s.disk({"tla-lens.json": json.dumps({"alias": {"@alias": "./lib/alias"}})})
    assert await wait_for(lambda: [d.code for d in s.diagnostics("src/app.ts")] == ["unresolved-import"])
    assert "the alias maps it to 'lib/alias/x', which does not exist" in s.diagnostics("src/app.ts")[0].message

    # the editor's setting overrides the file's key (its paths are from the file's folder)
    s.client.workspace_did_change_configuration(T.DidChangeConfigurationParams(
        settings={"tlaLens": {"alias": {"@alias/*": "./src/alias/*.ts"}}}))
    assert await wait_for(lambda: [d.code for d in s.diagnostics("src/app.ts")] == ["async-import"])


async def test_alias_of_the_vite_configuration_is_followed_and_its_edits_too(lsp):
    """vite.config.ts is read (never run): its alias is followed; changed on disk, the imports
    through it are resolved again."""
    files = dict(FILES)
    files["src/alias/x.ts"] = "export const x = await Promise.resolve(2);\n"
    files["src/db.ts"] = "export const db = 1;\n"
    files["vite.config.ts"] = ("import path from 'node:path'\n"
                               "export default { resolve: { alias: { '@alias': path.resolve(__dirname, 'src/alias') } } }\n")
    s = await lsp(files)
    s.open("src/app.ts")
    assert await wait_for(lambda: [d.code for d in s.diagnostics("src/app.ts")] == ["async-import"])
    assert s.diagnostics("src/app.ts")[0].range.start.line == 1

    s.disk({"vite.config.ts": "export default { resolve: { alias: { '@alias': makeIt() } } }\n"})
    assert await wait_for(lambda: [d.code for d in s.diagnostics("src/app.ts")] == ["unresolved-import"])
    msg = s.diagnostics("src/app.ts")[0].message
    assert "the alias '@alias' of vite.config.ts:1 is not read (`makeIt()`" in msg


async def test_babel_module_resolver_alias_follows_the_configuration(lsp):
    """An alias of babel-plugin-module-resolver (held to the plugin in
    tests/resolve/test_babel_module_resolver.py): followed, and, the configuration changed on
    disk, followed again."""
    config = ("module.exports = { plugins: [['module-resolver', { alias: { '@lib': './src/lib' } }]] };\n")
    s = await lsp({"package.json": '{"name": "app", "private": true}', "babel.config.js": config,
                   "src/app.js": "import { db } from '@lib/db';\nconsole.log(db);\n",
                   "src/lib/db.js": "export const db = await Promise.resolve(1);\n",
                   "src/other/db.js": "export const db = 2;\n"})
    s.open("src/app.js")
    assert await wait_for(lambda: s.diagnostics("src/app.js", "async-import"))
    assert not s.diagnostics("src/app.js", "unresolved-import")
    s.disk({"babel.config.js": config.replace("./src/lib", "./src/other")})
    assert await wait_for(lambda: not s.diagnostics("src/app.js", "async-import"))
    s.disk({"babel.config.js": "module.exports = { presets: [] };\n"})
    assert await wait_for(lambda: s.diagnostics("src/app.js", "unresolved-import"))
