"""Robustness: malformed messages, unknown documents, out-of-range positions, vanishing files,
a handler that raises — logged, never a popup, never fatal; shutdown/exit end with code 0."""
from __future__ import annotations

import asyncio
import json
import os
import sys

from lsprotocol import types as T

from .conftest import SERVER, WEBPACK, wait_for, write_tree


# == raw transport ================================================================================
class Raw:
    """The server as a subprocess, spoken to byte by byte."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.inbox: list[dict] = []

    def send_bytes(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def read(self) -> dict:
        assert self.proc.stdout is not None
        length = None
        while True:
            line = await self.proc.stdout.readline()
            if not line:
                raise EOFError
            if line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        msg = json.loads(await self.proc.stdout.readexactly(length))
        self.inbox.append(msg)
        return msg

    async def answer(self, msg_id, timeout: float = 10.0) -> dict:
        async def loop():
            while True:
                msg = await self.read()
                if msg.get("id") == msg_id and "method" not in msg:
                    return msg
                if "method" in msg and "id" in msg:  # a request from the server: answer it
                    self.send({"id": msg["id"], "result": None})
        return await asyncio.wait_for(loop(), timeout)


async def test_malformed_messages_never_stop_the_server(tmp_path):
    write_tree(tmp_path, WEBPACK)
    proc = await asyncio.create_subprocess_exec(
        *SERVER, cwd=str(tmp_path), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    raw = Raw(proc)
    try:
        raw.send({"id": 1, "method": "initialize",
                  "params": {"processId": os.getpid(), "rootUri": tmp_path.as_uri(), "capabilities": {}}})
        init = await raw.answer(1)
        assert init["result"]["serverInfo"]["name"] == "tla-lens"
        raw.send({"method": "initialized", "params": {}})

        # invalid JSON with a correct header
        raw.send_bytes(b"Content-Length: 9\r\n\r\n{not json")
        # a body that is JSON but not JSON-RPC
        raw.send_bytes(b"Content-Length: 2\r\n\r\n[]")
        # an unknown request: MethodNotFound
        raw.send({"id": 2, "method": "tla-lens/nope", "params": {}})
        err = await raw.answer(2)
        assert err["error"]["code"] == -32601
        # an unknown notification: ignored
        raw.send({"method": "$/somethingElse", "params": {"x": 1}})
        raw.send({"method": "textDocument/didSave"})  # no params at all
        # invalid params for a known request
        raw.send({"id": 3, "method": "textDocument/hover", "params": {"textDocument": 5}})
        err = await raw.answer(3)
        assert "error" in err and err["error"]["code"] in (-32602, -32603)
        # a request without params
        raw.send({"id": 4, "method": "tla-lens/explain"})
        assert (await raw.answer(4)).get("result") is None

        # still alive and right
        uri = (tmp_path / "src" / "reports.js").resolve().as_uri()
        ok = None
        for attempt in range(50):
            raw.send({"id": 100 + attempt, "method": "tla-lens/explain", "params": {"textDocument": {"uri": uri}}})
            ok = await raw.answer(100 + attempt)
            if ok.get("result"):
                break
            await asyncio.sleep(0.1)
        assert ok["result"]["async"] is True

        raw.send({"id": 5, "method": "shutdown"})
        assert (await raw.answer(5))["result"] is None
        raw.send({"method": "exit"})
        assert await asyncio.wait_for(proc.wait(), 10) == 0
        # no error popups were sent, ever
        popups = [m for m in raw.inbox if m.get("method") == "window/showMessage"]
        assert not [m for m in popups if m["params"]["type"] == 1], popups
        logs = [m["params"]["message"] for m in raw.inbox if m.get("method") == "window/logMessage"]
        assert logs  # the server told about the indexing at least
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_exit_without_shutdown_is_exit_code_1(tmp_path):
    write_tree(tmp_path, WEBPACK)
    proc = await asyncio.create_subprocess_exec(
        *SERVER, cwd=str(tmp_path), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    raw = Raw(proc)
    try:
        raw.send({"id": 1, "method": "initialize",
                  "params": {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}})
        await raw.answer(1)
        raw.send({"method": "exit"})
        assert await asyncio.wait_for(proc.wait(), 10) == 1
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


# == unknown documents, out-of-range positions ===================================================
async def test_unknown_documents(lsp):
    s = await lsp(WEBPACK)
    ghost = s.uri("src/never-opened.js")
    td = T.TextDocumentIdentifier(ghost)
    r = T.Range(T.Position(0, 0), T.Position(0, 5))
    assert await s.client.text_document_hover_async(T.HoverParams(td, T.Position(0, 0))) is None
    assert not await s.client.text_document_code_action_async(T.CodeActionParams(
        td, r, T.CodeActionContext(diagnostics=[])))
    assert not await s.client.text_document_code_lens_async(T.CodeLensParams(td))
    assert not await s.client.text_document_inlay_hint_async(T.InlayHintParams(td, r))
    s.client.text_document_did_change(T.DidChangeTextDocumentParams(
        T.VersionedTextDocumentIdentifier(uri=ghost, version=7),
        [T.TextDocumentContentChangePartial(range=r, text="await 1;")]))
    s.client.text_document_did_close(T.DidCloseTextDocumentParams(td))
    s.client.text_document_did_save(T.DidSaveTextDocumentParams(td))
    # other schemes: an untitled buffer, a remote file
    for uri in ("untitled:Untitled-1", "https://example.com/x.js"):
        s.client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(
            uri, "javascript", 1, 'import "./src/UserApi.js";\nawait 1;\n')))
        assert await s.client.text_document_hover_async(T.HoverParams(
            T.TextDocumentIdentifier(uri), T.Position(1, 1))) is None
    await s.sync()
    assert s.logs("didChange for a document that is not open")
    # a later request still works
    assert await s.is_async("src/reports.js") is True
    assert not s.error_popups()


async def test_out_of_range_positions_and_ranges(lsp):
    s = await lsp(WEBPACK)
    uri = s.open("src/reports.js")
    td = T.TextDocumentIdentifier(uri)
    assert await wait_for(lambda: s.diagnostics("src/reports.js"))
    far = T.Position(10_000, 10_000)
    assert await s.hover("src/reports.js", 10_000, 10_000) is None
    assert await s.hover("src/reports.js", 4, 10_000) is None  # past the end of a line
    # past the end of the import's line: clamped to its end, which is still on the statement
    assert (await s.hover("src/reports.js", 1, 10_000)).range.start.line == 1
    assert not await s.client.text_document_code_action_async(T.CodeActionParams(
        td, T.Range(T.Position(500, 0), far), T.CodeActionContext(diagnostics=[])))
    # a reversed range
    acts = await s.client.text_document_code_action_async(T.CodeActionParams(
        td, T.Range(T.Position(1, 30), T.Position(1, 2)), T.CodeActionContext(diagnostics=[])))
    assert isinstance(acts, (list, tuple))
    hints = await s.client.text_document_inlay_hint_async(T.InlayHintParams(td, T.Range(T.Position(0, 0), far)))
    assert [h.label for h in hints] == ["async"]
    # an edit past the end of the document lands at the end (clamped), like editors do
    s.change("src/reports.js", ((9_999, 0), (9_999, 5), "\nawait 0;\n"))
    assert await wait_for(lambda: s.diagnostics("src/reports.js", "top-level-await"))
    r = await s.explain("src/reports.js")
    assert r["hasTopLevelAwait"] is True
    assert r["topLevelAwait"][0]["start"]["line"] == 8
    # an edit past the end of a line lands at the end of that line
    s.change("src/reports.js", ((0, 500), (0, 600), " tail\n"))
    assert await wait_for(lambda: s.diagnostics("src/reports.js", "async-import")
                          and s.diagnostics("src/reports.js", "async-import")[0].range.start.line == 2)
    assert (await s.explain("src/reports.js"))["topLevelAwait"][0]["start"]["line"] == 9
    assert not s.logs("internal error")
    assert not s.error_popups()


async def test_files_vanishing_and_unreadable(lsp, tmp_path):
    files = dict(WEBPACK)
    for i in range(200):
        files[f"gen/g{i:03}.js"] = f'import "../src/reports.js";\nexport const g = {i};\n'
    s = await lsp(files, wait=False)
    # remove half of them while the server starts and indexes
    for i in range(0, 200, 2):
        (s.root / f"gen/g{i:03}.js").unlink()
    (s.root / "src" / "dangling.js").symlink_to(s.root / "src" / "missing.js")
    (s.root / "src" / "folder.js").mkdir()
    (s.root / "src" / "binary.js").write_bytes(b"\x00\x01\x02await\x00")
    (s.root / "src" / "latin1.js").write_bytes(b'const s = "\xe9\xff"; export const x = await 1;\n')
    await s.wait_indexed(timeout=30)
    s.disk({"src/dangling.js": "export const x = 1;\n"}, send=False)
    s.client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(changes=[
        T.FileEvent(s.uri("gen/g000.js"), T.FileChangeType.Deleted),
        T.FileEvent(s.uri("gen/g001.js"), T.FileChangeType.Changed),
        T.FileEvent(s.uri("src/folder.js"), T.FileChangeType.Created),
        T.FileEvent(s.uri("src/nothing-here.js"), T.FileChangeType.Changed)]))
    await s.sync()
    assert await s.explain("gen/g000.js") is None
    assert (await s.explain("gen/g001.js"))["async"] is True
    assert (await s.explain("src/latin1.js"))["hasTopLevelAwait"] is True
    assert not s.logs("internal error")
    assert not s.error_popups()
    assert await s.is_async("src/reports.js") is True


FAULTY = [sys.executable, "-c", """
import sys
import tla_lens.rules as rules
import tla_lens.lsp.server as srv

def fail_on_boom(fn):
    def wrapped(*args, **kwargs):
        for a in args:
            if getattr(a, "name", None) == "boom.js" or getattr(getattr(a, "path", None), "name", None) == "boom.js":
                raise RuntimeError("boom: injected fault")
        return fn(*args, **kwargs)
    return wrapped

rules.findings_for_module = fail_on_boom(rules.findings_for_module)
srv._hover_import = fail_on_boom(srv._hover_import)
srv._hover_tla = fail_on_boom(srv._hover_tla)
srv.explain_data = fail_on_boom(srv.explain_data)
sys.exit(srv.serve())
"""]


async def test_a_file_that_makes_handlers_raise(lsp):
    files = dict(WEBPACK)
    files["src/boom.js"] = 'import { listUsers } from "./UserApi.js";\nexport const b = await listUsers();\n'
    s = await lsp(files, command=FAULTY)
    s.open("src/boom.js")
    s.open("src/reports.js")
    # boom.js's diagnostics fail; reports.js's (published after it) still arrive
    assert await wait_for(lambda: s.diagnostics("src/reports.js", "async-import"))
    assert await s.hover("src/boom.js", 1, 23) is None
    assert await s.hover("src/boom.js", 0, 3) is None
    assert await s.explain("src/boom.js") is None
    assert s.logs("boom: injected fault")
    errors = [m for m in s.client.log_messages if m.type == T.MessageType.Error]
    assert errors and all("internal error (RuntimeError)" in m.message for m in errors)
    # edits keep flowing to the other files
    s.open("src/db-connection.js")
    s.change("src/db-connection.js", ((5, 18), (5, 24), ""))
    assert await wait_for(lambda: not s.diagnostics("src/reports.js"))
    # pull clients get the other files' reports too
    p = await lsp(files, command=FAULTY, pull=True)
    ws = await p.client.workspace_diagnostic_async(T.WorkspaceDiagnosticParams(previous_result_ids=[]))
    assert p.uri("src/reports.js") in {i.uri for i in ws.items}
    assert not s.error_popups() and not p.error_popups()
    assert await s.is_async("src/UserApi.js") is False
