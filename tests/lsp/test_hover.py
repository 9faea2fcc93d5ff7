"""Hover on imports and on top-level awaits; the custom requests behind the views."""
from __future__ import annotations

import re

from lsprotocol import types as T

from .conftest import WEBPACK


def _links(md: str) -> list[tuple[str, str]]:
    return re.findall(r"\[([^\]]+)\]\(([^)]+)\)", md)


async def test_hover_on_async_import_anywhere_on_the_statement(lsp):
    files = dict(WEBPACK)
    files["src/multi.js"] = ("const x = 1; import {\n"
                             "  listUsers,\n"
                             "} from './UserApi.js';\n"
                             "export { x };\n")
    s = await lsp(files)
    s.open("src/reports.js")
    line = 'import { listUsers } from "./UserApi.js";'
    for ch in (0, 3, line.index("listUsers"), line.index("from"), line.index("./User"), len(line) - 1):
        h = await s.hover("src/reports.js", 1, ch)
        assert h is not None, ch
        assert h.contents.kind == T.MarkupKind.Markdown
        md = h.contents.value
        assert "async module** because of `./db-connection.js`" in md
        assert h.range == T.Range(T.Position(1, 0), T.Position(1, len(line)))
    links = _links(md)
    # the chain: each hop as a link to its file and line, ending at the await
    assert links == [
        ("src/reports.js:2", s.uri("src/reports.js") + "#L2"),
        ("src/UserApi.js:1", s.uri("src/UserApi.js") + "#L1"),
        ("src/db-connection.js:6", s.uri("src/db-connection.js") + "#L6"),
    ]
    assert md.index("imports `./UserApi.js`") < md.index("imports `./db-connection.js`") \
        < md.index("top-level await")
    # ending with the awaiting line of code, quoted
    assert md.rstrip().endswith("Load it with `import()` where it is used to keep this module synchronous.")
    assert "```js\nexport const db = await openPool(url);\n```" in md

    # a statement over three lines: its last line counts too; the `const` before it does not
    s.open("src/multi.js")
    for pos in ((0, 14), (1, 4), (2, 10)):
        h = await s.hover("src/multi.js", *pos)
        assert h is not None and "because of `./db-connection.js`" in h.contents.value, pos
    assert await s.hover("src/multi.js", 0, 2) is None
    assert await s.hover("src/multi.js", 3, 3) is None


async def test_hover_direct_tla_import_and_nothing_on_sync_imports(lsp):
    s = await lsp(WEBPACK)
    s.open("src/UserApi.js")
    h = await s.hover("src/UserApi.js", 0, 25)
    assert h is not None
    assert "`./db-connection.js` has a top-level `await`" in h.contents.value
    # imports of sync modules, dynamic imports, bodies and comments: nothing
    s.open("src/db-connection.js")
    s.open("src/actions.js")
    s.open("src/index.js")
    assert await s.hover("src/db-connection.js", 1, 10) is None           # ./pool.js is sync
    assert await s.hover("src/db-connection.js", 0, 5) is None            # a comment
    assert await s.hover("src/actions.js", 1, 40) is None                 # import() is lazy
    assert await s.hover("src/index.js", 0, 10) is None                   # ./actions.js is sync
    assert await s.hover("src/index.js", 1, 10) is not None               # ./reports.js is async


async def test_hover_on_top_level_await(lsp):
    s = await lsp(WEBPACK)
    s.open("src/db-connection.js")
    h = await s.hover("src/db-connection.js", 5, 20)
    assert h is not None
    assert h.range == T.Range(T.Position(5, 18), T.Position(5, 23))
    md = h.contents.value
    assert "makes 3 modules async" in md
    links = _links(md)
    # nearest first, then the entry points affected
    assert [label for label, _ in links] == ["src/UserApi.js:1", "src/reports.js:1", "src/index.js:1",
                                             "src/index.js:1"]
    assert links[0][1] == s.uri("src/UserApi.js") + "#L1"
    assert md.index("Entry points affected") > md.index("src/index.js")
    assert "Entry points affected: [src/index.js:1](" in md
    # `await` inside a function body is not a top-level await
    s.open("src/reports.js")
    assert await s.hover("src/reports.js", 4, 18) is None


async def test_explain_and_async_modules(lsp):
    s = await lsp(WEBPACK)
    r = await s.explain("src/reports.js")
    assert r["async"] is True and r["hasTopLevelAwait"] is False
    assert r["cause"] == s.uri("src/db-connection.js")
    assert [(h["uri"], h["module"]) for h in r["chain"]] == [
        (s.uri("src/reports.js"), s.uri("src/UserApi.js")),
        (s.uri("src/UserApi.js"), s.uri("src/db-connection.js")),
        (s.uri("src/db-connection.js"), s.uri("src/db-connection.js")),
    ]
    assert r["chain"][0]["range"]["start"] == {"line": 1, "character": 0}
    assert r["chain"][-1]["message"] == "top-level await"
    assert r["chain"][-1]["range"] == {"start": {"line": 5, "character": 18},
                                       "end": {"line": 5, "character": 23}}
    assert r["infects"] == [s.uri("src/index.js")]
    assert r["entries"] == [s.uri("src/index.js")]

    db = await s.explain("src/db-connection.js")
    assert db["hasTopLevelAwait"] and db["cause"] is None
    assert db["infects"] == [s.uri("src/UserApi.js"), s.uri("src/reports.js"), s.uri("src/index.js")]

    sync = await s.explain("src/actions.js")
    assert sync["async"] is False and sync["chain"] == [] and sync["infects"] == []
    assert await s.explain("src/nope.js") is None

    sites = await s.client.protocol.send_request_async("tla-lens/asyncModules", {})
    assert len(sites) == 1
    [site] = sites
    assert site["uri"] == s.uri("src/db-connection.js")
    assert site["kind"] == "await"
    assert site["range"]["start"] == {"line": 5, "character": 18}
    assert site["infects"] == db["infects"]
    assert site["entries"] == [s.uri("src/index.js")]


async def test_code_lens_and_inlay_hints(lsp):
    s = await lsp(WEBPACK)
    for rel in ("src/reports.js", "src/db-connection.js", "src/pool.js", "src/index.js"):
        s.open(rel)

    async def lenses(rel):
        return await s.client.text_document_code_lens_async(T.CodeLensParams(
            T.TextDocumentIdentifier(s.uri(rel))))

    async def hints(rel):
        return await s.client.text_document_inlay_hint_async(T.InlayHintParams(
            T.TextDocumentIdentifier(s.uri(rel)), T.Range(T.Position(0, 0), T.Position(100, 0))))

    [lens] = await lenses("src/reports.js")
    assert lens.range.start == T.Position(0, 0)
    assert lens.command.title == "async module · because of db-connection.js"
    [lens] = await lenses("src/db-connection.js")
    assert lens.command.title == "async module · top-level await · makes 3 modules async"
    assert not await lenses("src/pool.js")

    [hint] = await hints("src/reports.js")
    assert hint.label == "async"
    assert hint.position == T.Position(1, len('import { listUsers } from "./UserApi.js";'))
    [hint] = await hints("src/index.js")  # after ./reports.js, not after ./actions.js
    assert hint.position.line == 1
    assert not await hints("src/pool.js")
    # a range that excludes the import: no hint
    assert await s.client.text_document_inlay_hint_async(T.InlayHintParams(
        T.TextDocumentIdentifier(s.uri("src/reports.js")),
        T.Range(T.Position(3, 0), T.Position(6, 0)))) in ([], ())

    # a facts change asks the client to refresh both views
    s.client.refreshes.clear()
    s.change("src/db-connection.js", ((5, 18), (5, 24), ""))
    await s.sync()
    assert "codeLens" in s.client.refreshes and "inlayHint" in s.client.refreshes
    assert not await lenses("src/reports.js")
    assert not await hints("src/reports.js")


async def test_views_switched_off_in_settings(lsp):
    s = await lsp(WEBPACK, settings={"codeLens": False, "inlayHints": False})
    s.open("src/reports.js")
    await s.sync()
    assert await s.is_async("src/reports.js")
    assert await s.client.text_document_code_lens_async(T.CodeLensParams(
        T.TextDocumentIdentifier(s.uri("src/reports.js")))) in ([], ())
    assert await s.client.text_document_inlay_hint_async(T.InlayHintParams(
        T.TextDocumentIdentifier(s.uri("src/reports.js")),
        T.Range(T.Position(0, 0), T.Position(9, 0)))) in ([], ())
    # switched back on with didChangeConfiguration
    s.client.set_configuration({"codeLens": True, "inlayHints": True}, section="tlaLens")
    s.client.workspace_did_change_configuration(T.DidChangeConfigurationParams(settings=None))
    from .conftest import wait_for

    async def on():
        return await s.client.text_document_code_lens_async(T.CodeLensParams(
            T.TextDocumentIdentifier(s.uri("src/reports.js"))))
    lens = []
    for _ in range(100):
        lens = await on()
        if lens:
            break
        await wait_for(lambda: False, 0.05)
    assert lens and lens[0].command.title.startswith("async module")
    hints = await s.client.text_document_inlay_hint_async(T.InlayHintParams(
        T.TextDocumentIdentifier(s.uri("src/reports.js")),
        T.Range(T.Position(0, 0), T.Position(9, 0))))
    assert [h.label for h in hints] == ["async"]
