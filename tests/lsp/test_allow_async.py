"""The "Mark `x` as async on purpose" quick fix: the module with the top-level await goes into
`allowAsync` of the project's configuration — package.json's "tlaLens", tla-lens.json (JSON
with comments, kept as written), or a new tla-lens.json when the client can create files — and
once the file is saved every finding because of that module goes."""
from __future__ import annotations

import json

from lsprotocol import types as T

from pathlib import Path

from .conftest import WEBPACK, apply_text_edits, capabilities, wait_for
from .test_actions import _actions, _by_title

TITLE = "Mark `src/db-connection.js` as async on purpose"


def _apply_to_disk(s, edit: T.WorkspaceEdit) -> dict[str, str]:
    """Apply the edit as an editor does and save the files (didChangeWatchedFiles)."""
    out = {}
    for dc in edit.document_changes or []:
        if isinstance(dc, T.CreateFile):
            continue
        rel = Path(dc.text_document.uri[len("file://"):]).relative_to(s.root).as_posix()
        old = s.path(rel).read_text() if s.path(rel).exists() else ""
        out[rel] = apply_text_edits(old, dc.edits, s.encoding)
    s.disk(out)
    return out


async def test_from_an_import_into_package_json_tlalens(lsp):
    s = await lsp(dict(WEBPACK))  # (its package.json has a "tlaLens" key)
    s.open("src/reports.js")
    assert await wait_for(lambda: s.diagnostics("src/reports.js", "async-import"))
    [d] = s.diagnostics("src/reports.js", "async-import")
    mark = _by_title(await _actions(s, "src/reports.js", d.range, [d]), TITLE)
    assert mark.title.endswith("(allowAsync in package.json)") and mark.kind == T.CodeActionKind.QuickFix
    written = _apply_to_disk(s, mark.edit)
    pkg = json.loads(written["package.json"])  # (still strict JSON)
    assert pkg["tlaLens"] == {"allowAsync": ["src/db-connection.js"], "entries": ["src/index.js"]}
    assert pkg["name"] == "app"
    # every finding because of db-connection.js goes, here and in the importers
    assert await wait_for(lambda: s.diagnostics("src/reports.js") == [], 15)
    s.open("src/index.js")
    assert await wait_for(lambda: [d for d in s.diagnostics("src/index.js") if d.code != "top-level-await"] == [])


async def test_on_the_await_into_tla_lens_json_keeping_its_comments(lsp):
    files = dict(WEBPACK)
    files["package.json"] = json.dumps({"name": "app", "type": "module"})
    files["tla-lens.json"] = ('{\n  // application entry\n  "entries": ["src/index.js"],\n'
                              '  "allowAsync": ["scripts/**"], // seeds\n}\n')
    s = await lsp(files)
    s.open("src/db-connection.js")
    assert await wait_for(lambda: s.diagnostics("src/db-connection.js", "top-level-await"))
    [d] = s.diagnostics("src/db-connection.js", "top-level-await")
    mark = _by_title(await _actions(s, "src/db-connection.js", d.range, [d]), TITLE)
    written = _apply_to_disk(s, mark.edit)
    assert written["tla-lens.json"] == ('{\n  // application entry\n  "entries": ["src/index.js"],\n'
                                        '  "allowAsync": ["scripts/**", "src/db-connection.js"], // seeds\n}\n')
    s.open("src/reports.js")
    assert await wait_for(lambda: s.diagnostics("src/reports.js") == [], 15)


async def test_a_new_tla_lens_json_only_for_a_client_that_can_create_files(lsp):
    files = dict(WEBPACK)
    files["package.json"] = json.dumps({"name": "app", "type": "module"})
    s = await lsp(files)
    s.open("src/reports.js")
    assert await wait_for(lambda: s.diagnostics("src/reports.js", "async-import"))
    [d] = s.diagnostics("src/reports.js", "async-import")
    assert not [a for a in await _actions(s, "src/reports.js", d.range, [d]) if a.title.startswith("Mark")]

    caps = capabilities(resource_operations=[T.ResourceOperationKind.Create])
    s2 = await lsp(files, caps=caps)
    s2.open("src/reports.js")
    assert await wait_for(lambda: s2.diagnostics("src/reports.js", "async-import"))
    [d] = s2.diagnostics("src/reports.js", "async-import")
    mark = _by_title(await _actions(s2, "src/reports.js", d.range, [d]), TITLE)
    create, text = mark.edit.document_changes
    assert isinstance(create, T.CreateFile) and create.uri == s2.uri("tla-lens.json")
    written = _apply_to_disk(s2, mark.edit)
    assert json.loads(written["tla-lens.json"]) == {"allowAsync": ["src/db-connection.js"]}
    assert await wait_for(lambda: s2.diagnostics("src/reports.js") == [], 15)
