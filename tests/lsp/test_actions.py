"""Code actions: quick fixes on the diagnostic, refactors at the cursor, applied like an editor."""
from __future__ import annotations

import json

from lsprotocol import types as T

from .conftest import WEBPACK, apply_workspace_edit, wait_for


async def _actions(s, rel, rng, diagnostics=(), only=None):
    out = await s.client.text_document_code_action_async(T.CodeActionParams(
        T.TextDocumentIdentifier(s.uri(rel)), rng,
        T.CodeActionContext(diagnostics=list(diagnostics), only=only)))
    return list(out or [])


def _by_title(actions, prefix):
    found = [a for a in actions if a.title.startswith(prefix)]
    assert len(found) == 1, [a.title for a in actions]
    return found[0]


async def test_lazy_import_quick_fix_applied_updates_file_and_importers(lsp):
    s = await lsp(WEBPACK)
    s.open("src/reports.js")
    s.open("src/index.js")
    assert await wait_for(lambda: s.diagnostics("src/reports.js", "async-import")
                          and s.diagnostics("src/index.js", "async-entry"))
    [d] = s.diagnostics("src/reports.js", "async-import")
    actions = await _actions(s, "src/reports.js", d.range, [d])
    lazy = _by_title(actions, "Load `./UserApi.js` lazily with `import()`")
    assert lazy.kind == T.CodeActionKind.QuickFix
    assert lazy.diagnostics and lazy.diagnostics[0].code == "async-import"
    assert lazy.is_preferred  # userReport is already async
    assert lazy.disabled is None
    texts = apply_workspace_edit(s, lazy.edit)
    new = texts[s.uri("src/reports.js")]
    assert 'import { listUsers } from "./UserApi.js";' not in new
    assert 'const { listUsers } = await import("./UserApi.js");' in new
    # the server's facts: the module parses, has no static edge to UserApi.js, is sync now
    r = await s.explain("src/reports.js")
    assert r["async"] is False and r["hasTopLevelAwait"] is False
    # this file's and its importer's diagnostics follow at once
    assert await wait_for(lambda: not s.diagnostics("src/reports.js") and not s.diagnostics("src/index.js"))
    assert await s.is_async("src/index.js") is False
    # no problem reported for the edited file (a syntax error would be logged as a problem)
    assert await s.hover("src/reports.js", 1, 3) is None


async def test_lazy_import_refused_with_reason_when_used_at_top_level(lsp):
    files = dict(WEBPACK)
    files["src/top.js"] = 'import { query } from "./db-connection.js";\nexport const q = query("x");\n'
    s = await lsp(files)
    s.open("src/top.js")
    assert await wait_for(lambda: s.diagnostics("src/top.js", "async-import"))
    [d] = s.diagnostics("src/top.js", "async-import")
    lazy = _by_title(await _actions(s, "src/top.js", d.range, [d]), "Load `./db-connection.js` lazily")
    assert lazy.edit is None
    assert lazy.disabled is not None
    assert "`query` is used at module top level (line 2)" in lazy.disabled.reason


async def test_refactor_at_the_cursor_without_a_diagnostic(lsp):
    s = await lsp(WEBPACK)
    s.open("src/reports.js")
    await s.sync()
    cursor = T.Range(T.Position(1, 12), T.Position(1, 12))
    actions = await _actions(s, "src/reports.js", cursor)
    lazy = _by_title(actions, "Load `./UserApi.js` lazily with `import()`")
    assert lazy.kind == T.CodeActionKind.RefactorRewrite
    assert not lazy.diagnostics
    # without a diagnostic there is nothing to ignore or document
    assert not [a for a in actions if a.title.startswith(("Ignore", "Show documentation"))]
    # a client asking only for quick fixes gets none at the cursor
    assert await _actions(s, "src/reports.js", cursor, only=[T.CodeActionKind.QuickFix]) == []
    assert _by_title(await _actions(s, "src/reports.js", cursor, only=[T.CodeActionKind.Refactor]),
                     "Load `./UserApi.js`")
    # nothing on a line without an import of an async module
    assert await _actions(s, "src/reports.js", T.Range(T.Position(4, 3), T.Position(4, 3))) == []
    # the refactor applied works the same
    apply_workspace_edit(s, lazy.edit)
    assert await s.settle_async("src/reports.js", False)


async def test_convert_to_import_type(lsp):
    files = {
        "package.json": json.dumps({"type": "module"}),
        "tsconfig.json": json.dumps({"compilerOptions": {"verbatimModuleSyntax": True, "module": "esnext",
                                                         "moduleResolution": "bundler"}}),
        "src/settings.ts": ("export interface Settings { region: string }\n"
                            "export const settings: Settings = await Promise.resolve({ region: 'x' });\n"),
        "src/user.ts": ('import { Settings } from "./settings.js";\n'
                        "export function region(s: Settings): string {\n"
                        "  return s.region;\n"
                        "}\n"),
        "src/main.ts": 'import { region } from "./user.js";\nregion({ region: "eu" });\n',
    }
    s = await lsp(files)
    s.open("src/user.ts")
    s.open("src/main.ts")
    assert await wait_for(lambda: s.diagnostics("src/user.ts", "async-import")
                          and s.diagnostics("src/main.ts", "async-import"))
    [d] = s.diagnostics("src/user.ts", "async-import")
    actions = await _actions(s, "src/user.ts", d.range, [d])
    conv = _by_title(actions, "Convert to `import type`")
    assert conv.kind == T.CodeActionKind.QuickFix and conv.edit is not None
    lazy = _by_title(actions, "Load `./settings.js` lazily")
    assert lazy.disabled is not None  # no value use: nothing to load lazily
    texts = apply_workspace_edit(s, conv.edit)
    assert texts[s.uri("src/user.ts")].startswith('import type { Settings } from "./settings.js";')
    assert await wait_for(lambda: not s.diagnostics("src/user.ts") and not s.diagnostics("src/main.ts"))
    assert await s.is_async("src/user.ts") is False
    assert await s.is_async("src/main.ts") is False


async def test_import_type_not_offered_for_value_uses(lsp):
    files = {
        "package.json": json.dumps({"type": "module"}),
        "src/settings.ts": "export const settings = await Promise.resolve({ region: 'x' });\n",
        "src/val.ts": 'import { settings } from "./settings.js";\nexport function r() { return settings.region; }\n',
    }
    s = await lsp(files)
    s.open("src/val.ts")
    assert await wait_for(lambda: s.diagnostics("src/val.ts", "async-import"))
    [d] = s.diagnostics("src/val.ts")
    actions = await _actions(s, "src/val.ts", d.range, [d])
    assert not [a for a in actions if "import type" in a.title]
    lazy = _by_title(actions, "Load `./settings.js` lazily")
    assert lazy.edit is not None and not lazy.is_preferred  # r() becomes async
    assert "`r`" in lazy.title


async def test_ignore_for_this_import(lsp):
    s = await lsp(WEBPACK)
    s.open("src/reports.js")
    s.open("src/index.js")
    assert await wait_for(lambda: s.diagnostics("src/reports.js", "async-import"))
    [d] = s.diagnostics("src/reports.js", "async-import")
    ignore = _by_title(await _actions(s, "src/reports.js", d.range, [d]), "Ignore `async-import`")
    assert ignore.kind == T.CodeActionKind.QuickFix
    new = apply_workspace_edit(s, ignore.edit)[s.uri("src/reports.js")]
    assert new.splitlines()[1] == "// tla-lens-ignore-next-line async-import -- reason"
    assert new.splitlines()[2] == 'import { listUsers } from "./UserApi.js";'
    assert await wait_for(lambda: not s.diagnostics("src/reports.js"))
    # suppressing a message changes no verdict: the module and its importer are still async
    assert await s.is_async("src/reports.js") is True
    await s.sync()
    assert s.diagnostics("src/index.js", "async-entry")


async def test_ignore_a_top_level_await_and_show_documentation(lsp):
    s = await lsp(WEBPACK)
    s.open("src/db-connection.js")
    assert await wait_for(lambda: s.diagnostics("src/db-connection.js", "top-level-await"))
    [d] = s.diagnostics("src/db-connection.js")
    actions = await _actions(s, "src/db-connection.js", d.range, [d])
    docs = _by_title(actions, "Show documentation for top-level-await")
    assert docs.kind == T.CodeActionKind.QuickFix
    assert docs.command.command in s.result.capabilities.execute_command_provider.commands
    await s.client.workspace_execute_command_async(T.ExecuteCommandParams(
        command=docs.command.command, arguments=list(docs.command.arguments or [])))
    assert await wait_for(lambda: s.client.shown_documents)
    shown = s.client.shown_documents[-1]
    assert shown.uri == d.code_description.href
    assert shown.uri.startswith("file:") and shown.uri.endswith("/top-level-await.md")

    ignore = _by_title(actions, "Ignore `top-level-await`")
    new = apply_workspace_edit(s, ignore.edit)[s.uri("src/db-connection.js")]
    assert "// tla-lens-ignore-next-line top-level-await -- reason\nexport const db = await" in new
    assert await wait_for(lambda: not s.diagnostics("src/db-connection.js"))


async def _type_only_fix(lsp, types: str, values: str, title: str):
    """A project whose src/types.ts (``types``) takes only types of an async module and whose
    src/values.ts (``values``) takes a value too: the fix ``title`` is not offered for values.ts;
    applied to types.ts, nothing waits there any more. Returns (session, types.ts's new text)."""
    files = {
        "package.json": json.dumps({"type": "module"}),
        "src/settings.ts": ("export interface Settings { region: string }\n"
                            "export const settings: Settings = await Promise.resolve({ region: 'x' });\n"),
        "src/types.ts": types,
        "src/values.ts": values,
    }
    s = await lsp(files)
    s.open("src/types.ts")
    s.open("src/values.ts")
    assert await wait_for(lambda: s.diagnostics("src/types.ts", "async-import")
                          and s.diagnostics("src/values.ts", "async-import"))
    [d] = s.diagnostics("src/values.ts", "async-import")
    assert not [a for a in await _actions(s, "src/values.ts", d.range, [d]) if "type" in a.title]
    [d] = s.diagnostics("src/types.ts", "async-import")
    conv = _by_title(await _actions(s, "src/types.ts", d.range, [d]), title)
    assert conv.kind == T.CodeActionKind.QuickFix and conv.is_preferred and conv.edit is not None
    text = apply_workspace_edit(s, conv.edit)[s.uri("src/types.ts")]
    assert await wait_for(lambda: not s.diagnostics("src/types.ts"))
    assert await s.is_async("src/types.ts") is False
    return text


async def test_convert_a_reexport_to_export_type(lsp):
    """A re-export of names that are only types in an async module: "Convert to `export type`"
    (the project reads the other module's exports), after which nothing waits; not offered where
    a name is a value."""
    text = await _type_only_fix(lsp, 'export { Settings } from "./settings.js";\n',
                                'export { Settings, settings } from "./settings.js";\n', "Convert to `export type`")
    assert text == 'export type { Settings } from "./settings.js";\n'


async def test_convert_an_import_and_its_reexport_of_types(lsp):
    """`import { Settings } …; export { Settings }` of an interface of an async module: the
    fix makes both type-only, after which nothing waits; not offered where a name is a value."""
    text = await _type_only_fix(
        lsp, 'import { Settings } from "./settings.js";\nexport { Settings };\n',
        'import { Settings, settings } from "./settings.js";\nexport { Settings, settings };\n',
        "Convert to `import type` and its re-export to `export { type … }`")
    assert text == 'import type { Settings } from "./settings.js";\nexport { type Settings };\n'
