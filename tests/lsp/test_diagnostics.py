"""Diagnostics: codes, wording, chains as relatedInformation, docs links; push vs pull."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from lsprotocol import types as T

from .conftest import WEBPACK, copy_example, wait_for


def _file_of(uri: str) -> Path:
    u = urlparse(uri)
    assert u.scheme == "file", uri
    return Path(url2pathname(u.path))


async def test_async_import_wording_chain_and_docs(lsp):
    s = await lsp(WEBPACK)
    uri = s.open("src/reports.js")
    assert await wait_for(lambda: s.diagnostics("src/reports.js", "async-import"))
    [d] = s.diagnostics("src/reports.js", "async-import")
    assert d.source == "tla-lens"
    assert d.severity == T.DiagnosticSeverity.Warning
    assert d.message == ("`./UserApi.js` is an async module because of `./db-connection.js` "
                         "(top-level await at line 6), so this module waits for it and is async too")
    # the whole import statement on line 1
    assert d.range == T.Range(T.Position(1, 0), T.Position(1, len('import { listUsers } from "./UserApi.js";')))
    # docs page shipped with the package, one per code
    href = d.code_description.href
    assert href.endswith("/async-import.md")
    page = _file_of(href)
    assert page.is_file() and "async-import" in page.read_text()
    # each hop of the chain, ending at the await
    rel = d.related_information
    assert [r.location.uri for r in rel] == [uri, s.uri("src/UserApi.js"), s.uri("src/db-connection.js")]
    assert rel[0].location.range.start.line == 1
    assert "imports `./UserApi.js`" in rel[0].message
    assert rel[1].location.range == T.Range(T.Position(0, 0), T.Position(0, len('import { query } from "./db-connection.js";')))
    assert "imports `./db-connection.js`" in rel[1].message
    # the `await` keyword on line 6 (0-based 5) of db-connection.js
    assert rel[2].location.range == T.Range(T.Position(5, 18), T.Position(5, 23))
    assert "top-level await" in rel[2].message and "line 6" in rel[2].message


async def test_push_carries_document_version(lsp):
    s = await lsp(WEBPACK)
    uri = s.open("src/reports.js")
    versions = s.client.published
    assert await wait_for(lambda: (uri, 1) in [(p.uri, p.version) for p in versions])
    # an edit that changes the diagnostics (the import moves a line down)
    v = s.change("src/reports.js", ((0, 0), (0, 0), "\n"))
    assert await wait_for(lambda: (uri, v) in [(p.uri, p.version) for p in versions])
    assert s.diagnostics("src/reports.js", "async-import")[0].range.start.line == 2


async def test_top_level_await_entry_and_require(lsp):
    files = dict(WEBPACK)
    files["src/legacy.cjs"] = "const api = require(\"./UserApi.js\");\nmodule.exports = api;\n"
    s = await lsp(files)
    s.open("src/db-connection.js")
    s.open("src/index.js")
    s.open("src/legacy.cjs")
    assert await wait_for(lambda: s.diagnostics("src/db-connection.js", "top-level-await")
                          and s.diagnostics("src/index.js", "async-entry")
                          and s.diagnostics("src/legacy.cjs", "require-async"))
    [tla] = s.diagnostics("src/db-connection.js", "top-level-await")
    assert tla.range == T.Range(T.Position(5, 18), T.Position(5, 23))
    assert tla.severity == T.DiagnosticSeverity.Information
    assert tla.message.startswith("top-level await: makes 3 modules async, e.g. `./UserApi.js`")
    assert "entry points affected: `./index.js`" in tla.message
    assert {r.location.uri for r in tla.related_information} == {
        s.uri("src/UserApi.js"), s.uri("src/reports.js"), s.uri("src/index.js")}

    [entry] = s.diagnostics("src/index.js", "async-entry")
    assert entry.range.start.line == 1  # the import of reports.js
    assert "this configured entry point is an async module" in entry.message
    assert entry.related_information[-1].location.uri == s.uri("src/db-connection.js")

    [req] = s.diagnostics("src/legacy.cjs", "require-async")
    assert req.severity == T.DiagnosticSeverity.Error
    assert "ERR_REQUIRE_ASYNC_MODULE" in req.message
    assert "`await import(\"./UserApi.js\")`" in req.message
    for d in (tla, entry, req):
        assert d.source == "tla-lens"
        assert d.code_description.href.endswith(f"/{d.code}.md")
        assert _file_of(d.code_description.href).is_file()


async def test_async_cycle_typescript_example(lsp):
    s = await lsp(copy_example("typescript-app"))
    s.open("src/services/lookup.ts")
    s.open("src/models/user.ts")
    assert await wait_for(lambda: s.diagnostics("src/services/lookup.ts", "async-cycle"))
    [c] = s.diagnostics("src/services/lookup.ts", "async-cycle")
    assert "import cycle with async modules" in c.message
    assert _file_of(c.code_description.href).name == "async-cycle.md"
    uris = {r.location.uri for r in c.related_information}
    assert uris == {s.uri("src/services/lookup.ts"), s.uri("src/services/cache.ts")}
    # the type-only import leaves user.ts sync: no diagnostics at all
    await s.sync()
    assert s.diagnostics("src/models/user.ts") == []
    assert await s.is_async("src/models/user.ts") is False


async def test_every_code_has_a_docs_page(lsp):
    from tla_lens.rules import docs_url
    for code in ("async-import", "require-async", "async-entry", "async-cycle", "top-level-await"):
        page = _file_of(docs_url(code))
        assert page.is_file(), code
        assert page.read_text().strip()


# == pull =========================================================================================
async def test_pull_client_gets_reports_and_no_push(lsp):
    s = await lsp(WEBPACK, pull=True)
    opts = s.result.capabilities.diagnostic_provider
    assert opts is not None and opts.inter_file_dependencies and opts.workspace_diagnostics
    s.open("src/reports.js")
    s.open("src/UserApi.js")
    s.open("src/db-connection.js")
    report = await s.pull("src/reports.js")
    assert report.kind == "full"
    assert [d.code for d in report.items] == ["async-import"]
    assert report.items[0].related_information
    rid = report.result_id
    assert rid
    again = await s.pull("src/reports.js", rid)
    assert again.kind == "unchanged" and again.result_id == rid

    ws = await s.client.workspace_diagnostic_async(T.WorkspaceDiagnosticParams(previous_result_ids=[]))
    full = {i.uri: i for i in ws.items}
    assert full[s.uri("src/reports.js")].kind == "full"
    assert {s.uri("src/reports.js"), s.uri("src/UserApi.js"), s.uri("src/index.js"),
            s.uri("src/db-connection.js")} <= set(full)
    assert full[s.uri("src/reports.js")].version == 1
    prev = [T.PreviousResultId(uri=u, value=i.result_id) for u, i in full.items()]
    ws2 = await s.client.workspace_diagnostic_async(T.WorkspaceDiagnosticParams(previous_result_ids=prev))
    assert ws2.items and all(i.kind == "unchanged" for i in ws2.items)

    # another file changes its facts: the server asks for a refresh, the report changes
    before = s.client.diagnostic_refresh_count
    s.change("src/db-connection.js", ((5, 18), (5, 24), ""))  # drop `await `
    assert await wait_for(lambda: s.client.diagnostic_refresh_count > before)
    after = await s.pull("src/reports.js", rid)
    assert after.kind == "full" and list(after.items) == []
    ws3 = await s.client.workspace_diagnostic_async(T.WorkspaceDiagnosticParams(previous_result_ids=prev))
    changed = {i.uri: i for i in ws3.items}
    assert changed[s.uri("src/reports.js")].kind == "full"
    assert list(changed[s.uri("src/reports.js")].items) == []
    assert changed[s.uri("src/index.js")].kind == "full"  # no more async-entry

    # never both: a pull client gets no publishDiagnostics
    await s.sync()
    assert s.client.diagnostics == {}


async def test_push_client_gets_no_refresh_requests(lsp):
    s = await lsp(WEBPACK)
    s.open("src/reports.js")
    assert await wait_for(lambda: s.diagnostics("src/reports.js"))
    s.open("src/db-connection.js")
    s.change("src/db-connection.js", ((5, 18), (5, 24), ""))
    assert await wait_for(lambda: not s.diagnostics("src/reports.js"))
    assert s.client.diagnostic_refresh_count == 0


async def test_pull_client_is_told_a_deleted_file_has_no_problems_left(lsp):
    """A file opened (its report pulled), closed, then deleted: the next workspace report says it
    has no problems, though the client names no earlier result of it (VS Code keeps the problems
    of a closed document, drops the report it asks for on closing, and names no result of it:
    the problems stayed in the Problems panel)."""
    files = dict(WEBPACK)
    files["src/widget.js"] = "import { listUsers } from './UserApi.js';\nexport const w = () => listUsers();\n"
    s = await lsp(files, pull=True)
    s.open("src/widget.js")
    report = await s.pull("src/widget.js")
    assert [d.code for d in report.items] == ["async-import"]
    s.close("src/widget.js")
    before = s.client.diagnostic_refresh_count
    s.disk({"src/widget.js": None})
    assert await wait_for(lambda: s.client.diagnostic_refresh_count > before)
    # VS Code asks for the closed file's report once more, and drops it: the file is not visible
    assert list((await s.pull("src/widget.js")).items) == []
    ws = await s.client.workspace_diagnostic_async(T.WorkspaceDiagnosticParams(previous_result_ids=[]))
    gone = [i for i in ws.items if i.uri == s.uri("src/widget.js")]
    assert len(gone) == 1 and gone[0].kind == "full" and list(gone[0].items) == []
    # said once: the next report leaves it out
    ws = await s.client.workspace_diagnostic_async(T.WorkspaceDiagnosticParams(previous_result_ids=[]))
    assert s.uri("src/widget.js") not in {i.uri for i in ws.items}
