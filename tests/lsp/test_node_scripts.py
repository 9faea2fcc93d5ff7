"""The server and TypeScript that Node runs by type stripping (an npm script `node file.ts`):
its imports are kept as written; a change of package.json's scripts flips that."""
from __future__ import annotations

import json

from tests.project.test_node_type_stripping import PROJECT

from lsprotocol import types as T

from .conftest import apply_workspace_edit, wait_for


async def test_node_run_file_in_the_editor(lsp):
    s = await lsp(PROJECT)
    s.open("src/main.ts")
    assert await s.settle_async("src/main.ts", True)
    assert await wait_for(lambda: len(s.diagnostics("src/main.ts", "async-import")) == 3)
    # the unused import: why it counts, on hover and in the message
    h = await s.hover("src/main.ts", 0, 3)
    assert h is not None
    md = h.contents.value
    assert "`./db.ts` has a top-level `await`" in md
    assert "Node runs this file by type stripping (script `start` of package.json)" in md
    assert "imports `./db.ts` (no value used: Node keeps it, TypeScript would drop it)" in md
    # a hop further down the chain says so too
    h = await s.hover("src/main.ts", 2, 3)
    assert "imports `./deep.ts` (no value used: Node keeps it" in h.contents.value
    d = next(d for d in s.diagnostics("src/main.ts", "async-import") if d.range.start.line == 0)
    assert "TypeScript would drop this one" in d.message
    # the imports that use values: no such note
    s.open("web/app.ts")
    assert await s.settle_async("web/app.ts", False)
    # no script runs main.ts with Node any more: TypeScript's elision is back
    s.disk({"package.json": json.dumps({"type": "module", "scripts": {"build": "vite build"}})})
    assert await s.settle_async("src/main.ts", False)
    assert await wait_for(lambda: s.diagnostics("src/main.ts", "async-import") == [])


async def test_node_run_quick_fixes(lsp):
    s = await lsp(PROJECT)
    s.open("src/main.ts")
    assert await wait_for(lambda: len(s.diagnostics("src/main.ts", "async-import")) == 3)
    by_line = {d.range.start.line: d for d in s.diagnostics("src/main.ts", "async-import")}
    fixes = {}
    for line in (0, 1, 2):
        d = by_line[line]
        out = await s.client.text_document_code_action_async(T.CodeActionParams(
            T.TextDocumentIdentifier(s.uri("src/main.ts")), d.range, T.CodeActionContext(diagnostics=[d])))
        lazy = next(a for a in out if a.title.startswith("Load "))
        assert lazy.disabled is not None and lazy.edit is None  # (no value is used: nothing to load)
        fixes[line] = next(a for a in out if a.title == "Convert to `import type`")
        assert fixes[line].is_preferred and fixes[line].edit is not None
    # what TypeScript would drop, Node drops too once it is `import type`
    text = apply_workspace_edit(s, fixes[0].edit)[s.uri("src/main.ts")]
    assert text.startswith('import type { helper } from "./db.ts";\n')
    assert await wait_for(lambda: sorted(d.range.start.line for d in
                                         s.diagnostics("src/main.ts", "async-import")) == [1, 2])


async def test_import_node_does_not_find_and_its_fix(lsp):
    """`./util.js` where only util.ts exists, in a file Node runs (held to Node 26 in
    tests/project/test_node_type_stripping.py): an unresolved-import saying why, whose quick fix
    writes `./util.ts`; applied, the import is followed and makes the file async."""
    s = await lsp({
        "package.json": json.dumps({"type": "module", "scripts": {"start": "node src/main.ts"}}),
        "src/main.ts": 'import { u } from "./util.js";\nconsole.log(u);\n',
        "src/util.ts": "export const u = await Promise.resolve('U');\n",
    })
    s.open("src/main.ts")
    assert await wait_for(lambda: s.diagnostics("src/main.ts", "unresolved-import"))
    (d,) = s.diagnostics("src/main.ts", "unresolved-import")
    assert "Node does not map `.js` to TypeScript's extension" in d.message
    out = await s.client.text_document_code_action_async(T.CodeActionParams(
        T.TextDocumentIdentifier(s.uri("src/main.ts")), d.range, T.CodeActionContext(diagnostics=[d])))
    titles = [a.title for a in out]
    fix = next(a for a in out if a.title == "Import `./util.ts`, the file Node finds")
    assert fix.is_preferred and fix.kind == T.CodeActionKind.QuickFix
    assert any(t.startswith("Ignore") or "tla-lens-ignore" in t for t in titles), titles
    text = apply_workspace_edit(s, fix.edit)[s.uri("src/main.ts")]
    assert text.startswith('import { u } from "./util.ts";\n')
    assert await wait_for(lambda: s.diagnostics("src/main.ts", "async-import"))
    assert not s.diagnostics("src/main.ts", "unresolved-import")
