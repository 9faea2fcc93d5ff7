"""Typing: incremental sync; fact changes re-verdict every dependent at once, other edits cost
no graph work."""
from __future__ import annotations

from lsprotocol import types as T

from .conftest import WEBPACK, wait_for

IMPORT = 'import { listUsers } from "./UserApi.js";'


def _sync_kind(result: T.InitializeResult):
    sync = result.capabilities.text_document_sync
    return getattr(sync, "change", sync)


async def test_incremental_sync_is_announced(lsp):
    s = await lsp(WEBPACK)
    assert _sync_kind(s.result) == T.TextDocumentSyncKind.Incremental
    assert s.result.server_info.name == "tla-lens"


async def test_removing_and_restoring_the_await_updates_every_dependent(lsp):
    s = await lsp(WEBPACK)
    for rel in ("src/db-connection.js", "src/reports.js", "src/index.js", "src/UserApi.js"):
        s.open(rel)
    assert await wait_for(lambda: s.diagnostics("src/reports.js", "async-import")
                          and s.diagnostics("src/index.js", "async-entry"))
    n = len(s.logs("graph changed"))
    # delete `await ` in the (unsaved) buffer
    s.change("src/db-connection.js", ((5, 18), (5, 24), ""))
    assert await wait_for(lambda: not s.diagnostics("src/reports.js")
                          and not s.diagnostics("src/index.js")
                          and not s.diagnostics("src/UserApi.js")
                          and not s.diagnostics("src/db-connection.js"))
    for rel in ("src/UserApi.js", "src/reports.js", "src/index.js", "src/db-connection.js"):
        assert await s.is_async(rel) is False, rel
    assert len(s.logs("update db-connection.js took")) >= 2
    assert len(s.logs("graph changed")) == n + 1
    # the disk still has the await: the buffer wins
    assert "await openPool" in s.path("src/db-connection.js").read_text()
    # type it back
    s.change("src/db-connection.js", ((5, 18), (5, 18), "await "))
    assert await wait_for(lambda: s.diagnostics("src/reports.js", "async-import")
                          and s.diagnostics("src/index.js", "async-entry")
                          and s.diagnostics("src/db-connection.js", "top-level-await"))
    assert await s.is_async("src/index.js") is True


async def test_adding_an_import_and_changing_a_specifier(lsp):
    s = await lsp(WEBPACK)
    for rel in ("src/actions.js", "src/index.js", "src/reports.js"):
        s.open(rel)
    assert await wait_for(lambda: s.diagnostics("src/reports.js"))
    assert await s.is_async("src/actions.js") is False
    # add an import of an async module to actions.js (index.js imports it)
    s.change("src/actions.js", ((0, 0), (0, 0), 'import "./UserApi.js";\n'))
    assert await wait_for(lambda: s.diagnostics("src/actions.js", "async-import"))
    [d] = s.diagnostics("src/actions.js", "async-import")
    assert d.range == T.Range(T.Position(0, 0), T.Position(0, len('import "./UserApi.js";')))
    assert await wait_for(lambda: len(s.diagnostics("src/index.js", "async-import")) == 2)
    # change the specifier in reports.js: ./UserApi.js -> ./pool.js (sync)
    col = IMPORT.index("UserApi.js")
    s.change("src/reports.js", ((1, col), (1, col + len("UserApi")), "pool"))
    assert await wait_for(lambda: not s.diagnostics("src/reports.js"))
    assert await s.is_async("src/reports.js") is False
    # index.js still async through actions.js now
    assert await s.is_async("src/index.js") is True
    [d] = s.diagnostics("src/index.js", "async-import")
    assert d.range.start.line == 0
    # remove the added import: index.js is sync again, its diagnostics follow at once
    s.change("src/actions.js", ((0, 0), (1, 0), ""))
    assert await wait_for(lambda: not s.diagnostics("src/index.js") and not s.diagnostics("src/actions.js"))
    assert await s.is_async("src/index.js") is False


async def test_unsaved_buffer_breaks_the_chain_for_its_importers(lsp):
    s = await lsp(WEBPACK)
    s.open("src/UserApi.js")
    s.open("src/reports.js")
    assert await wait_for(lambda: s.diagnostics("src/reports.js"))
    # comment the import out in UserApi.js without saving
    s.change("src/UserApi.js", ((0, 0), (0, 0), "// "))
    assert await wait_for(lambda: not s.diagnostics("src/reports.js") and not s.diagnostics("src/UserApi.js"))
    assert await s.is_async("src/reports.js") is False
    assert await s.hover("src/reports.js", 1, 5) is None
    # closing the buffer without saving: the disk is the truth again
    s.close("src/UserApi.js")
    assert await wait_for(lambda: s.diagnostics("src/reports.js", "async-import"))


async def test_typing_in_a_function_body_costs_no_graph_work(lsp):
    s = await lsp(WEBPACK)
    s.open("src/reports.js")
    s.open("src/index.js")
    assert await wait_for(lambda: s.diagnostics("src/reports.js"))
    await s.sync()
    published = len(s.client.published)
    s.client.refreshes.clear()
    # type inside userReport's body, character by character
    for i, ch in enumerate("const n = 1;"):
        s.change("src/reports.js", ((5, 2 + i), (5, 2 + i), ch))
    await s.sync()
    logs = s.logs("tla-lens: update reports.js took")
    assert len(logs) >= 13  # the open, then one per keystroke
    import re
    for line in logs[-12:]:
        assert re.fullmatch(r"tla-lens: update reports\.js took \d+\.\d+ ms \(no graph change\)", line), line
    # nothing changed for the client: no new diagnostics, no refreshes
    assert len(s.client.published) == published
    assert s.client.refreshes == []
    assert await s.is_async("src/reports.js") is True
    # typing `await` inside the function is still not a top-level await
    s.change("src/reports.js", ((5, 2), (5, 2), "await 0; "))
    await s.sync()
    assert s.logs("update reports.js")[-1].endswith("(no graph change)")
    assert (await s.explain("src/reports.js"))["hasTopLevelAwait"] is False


async def test_edit_that_moves_lines_moves_the_squiggle(lsp):
    s = await lsp(WEBPACK)
    uri = s.open("src/reports.js")
    assert await wait_for(lambda: s.diagnostics("src/reports.js"))
    # two changes in one notification, applied in order: add two lines above, then one more
    s.change("src/reports.js", ((0, 0), (0, 0), "// a\n// b\n"), ((0, 0), (0, 0), "\n"))
    assert await wait_for(lambda: s.diagnostics("src/reports.js")
                          and s.diagnostics("src/reports.js")[0].range.start.line == 4)
    assert "no graph change" in s.logs("update reports.js")[-1]
    [d] = s.diagnostics("src/reports.js")
    assert d.range.end == T.Position(4, len(IMPORT))
    assert d.related_information[0].location.uri == uri
    assert d.related_information[0].location.range.start.line == 4
    # and the hover follows: the old line is now a comment
    assert await s.hover("src/reports.js", 1, 2) is None
    assert await s.hover("src/reports.js", 4, 2) is not None
    # a deletion across lines: "", "// a", "// b" become "// c"; the import is on line 2
    s.change("src/reports.js", ((0, 0), (3, 0), "// c\n"))
    assert await wait_for(lambda: s.diagnostics("src/reports.js")[0].range.start.line == 2)
