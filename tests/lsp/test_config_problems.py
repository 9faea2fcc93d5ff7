"""Problems with configuration files (tla-lens.json, tsconfig.json, the workspace's package.json)
are diagnostics on those files, at the key, in push and pull mode; they go away when the file is
fixed. A dependency's package.json is not the user's to fix: its problems stay in the log."""
from __future__ import annotations

import json

from lsprotocol import types as T

from .conftest import wait_for

# the emoji before the unknown key: two UTF-16 units, one character, four bytes
CONFIG = '{\n  "$schema": "\U0001F600", "severty": {},\n  "entries": 5\n}\n'
FILES = {
    "tla-lens.json": CONFIG,
    "tsconfig.json": '{\n  // base settings\n  "extends": "./missing.json"\n}\n',
    "package.json": json.dumps({"name": "app", "type": "module"}),
    "node_modules/dep/package.json": json.dumps({"name": "dep", "exports": {"./a": "./a.js", "import": "./b.js"}}),
    "node_modules/dep/a.js": "export const x = 1\n",
    "src/a.ts": 'import {x} from "dep/a"\nexport const y = x\n',
    "src/db.ts": "export const db = await Promise.resolve(1)\n",
    "src/b.ts": 'import {db} from "./db"\nexport const b = db\n',
}


def _by_message(diags):
    return {d.message.split(" (")[0].split(";")[0]: d for d in diags}


def _check_initial(s, config, tsconfig):
    got = _by_message(config)
    unknown = got["unknown key 'severty'"]
    assert unknown.source == "tla-lens" and unknown.severity == T.DiagnosticSeverity.Warning
    col = 18 + {"utf-16": 1, "utf-32": 0, "utf-8": 3}[s.encoding]
    assert unknown.range == T.Range(T.Position(1, col), T.Position(1, col + len('"severty"')))
    entries = got["entries: expected a list of strings"]
    assert entries.severity == T.DiagnosticSeverity.Error
    assert entries.range == T.Range(T.Position(2, 2), T.Position(2, 11))
    (ext,) = tsconfig
    assert "cannot find './missing.json'" in ext.message
    assert ext.range == T.Range(T.Position(2, 13), T.Position(2, 13 + len('"./missing.json"')))


async def test_push_config_problems_on_their_files(lsp):
    s = await lsp(FILES)
    s.open("src/b.ts")
    assert await wait_for(lambda: s.diagnostics("tla-lens.json") and s.diagnostics("tsconfig.json")
                          and s.diagnostics("src/b.ts", "async-import"))
    _check_initial(s, s.diagnostics("tla-lens.json"), s.diagnostics("tsconfig.json"))
    # the dependency's broken "exports" is logged, not put on its file
    await s.sync()
    assert s.uri("node_modules/dep/package.json") not in s.client.diagnostics
    assert s.logs("mixes subpath keys")
    # the findings of source files are not mixed with them
    assert all(d.code is None for d in s.diagnostics("tla-lens.json"))

    # fixed on disk: their diagnostics are cleared; a new problem shows where it now is
    s.disk({"tla-lens.json": '{\n  "severity": {"async-import": "error"}\n}\n'})
    assert await wait_for(lambda: s.uri("tla-lens.json") in s.client.diagnostics
                          and not s.diagnostics("tla-lens.json")
                          and s.diagnostics("src/b.ts", "async-import")[0].severity == T.DiagnosticSeverity.Error)
    assert s.diagnostics("tsconfig.json")  # untouched
    s.disk({"tsconfig.json": '{"compilerOptions": {"paths": 3}}\n'})
    assert await wait_for(lambda: [d.message for d in s.diagnostics("tsconfig.json")]
                          == ['"paths" must be an object'])
    s.disk({"tsconfig.json": "{}\n"})
    assert await wait_for(lambda: s.uri("tsconfig.json") in s.client.diagnostics
                          and not s.diagnostics("tsconfig.json"))


async def test_pull_config_problems_in_workspace_diagnostics(lsp):
    s = await lsp(FILES, pull=True)

    async def workspace(previous=()):
        report = await s.client.workspace_diagnostic_async(T.WorkspaceDiagnosticParams(
            previous_result_ids=[T.PreviousResultId(uri=u, value=v) for u, v in previous]))
        return {item.uri: item for item in report.items}

    items = await workspace()
    _check_initial(s, items[s.uri("tla-lens.json")].items, items[s.uri("tsconfig.json")].items)
    assert s.uri("node_modules/dep/package.json") not in items
    assert items[s.uri("src/b.ts")].items[0].code == "async-import"
    n = s.client.diagnostic_refresh_count
    s.disk({"tla-lens.json": "{}\n"})
    assert await wait_for(lambda: s.client.diagnostic_refresh_count > n)
    previous = [(u, i.result_id) for u, i in items.items()]
    again = await workspace(previous)
    cleared = again[s.uri("tla-lens.json")]
    assert cleared.kind == "full" and not cleared.items
    assert again[s.uri("tsconfig.json")].kind == "unchanged"


async def test_editor_setting_problems_are_not_put_on_the_config_file(lsp):
    files = dict(FILES, **{"tla-lens.json": '{"severity": {"async-import": "error"}}\n'})
    s = await lsp(files, settings={"severity": {"async-import": "loud"}})
    assert await wait_for(lambda: s.diagnostics("tsconfig.json"))
    await s.sync()
    assert not s.diagnostics("tla-lens.json")
    assert s.logs("editor settings (tlaLens): async-import: severity must be one of")
