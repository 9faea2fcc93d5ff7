"""Chaos: edits while the start-up index runs over a few hundred files, requests for closed
documents, `$/cancelRequest` for requests in flight, files that vanish or change between the
watched-file event and the read, a folder of unreadable, special and binary files, a 200 MB
generated bundle. Through all of it the server keeps answering, logs instead of popping up
errors, and exits 0 after shutdown/exit (the ``lsp`` fixture checks the last two).

tests/lsp/test_robustness.py covers malformed JSON-RPC, unknown documents, out-of-range
positions, a handler that raises and the basic vanishing/binary cases; not repeated here.
"""
from __future__ import annotations

import asyncio
import os
import random
import time

from lsprotocol import types as T

from .conftest import SERVER, WEBPACK, cli_verdicts, wait_for, write_tree
from .test_incremental_fuzz import WORKSPACE, Walk
from .test_robustness import Raw

MB = 1024 * 1024


def many_files(n: int = 300) -> dict[str, str]:
    files = dict(WORKSPACE)
    for i in range(n):
        dep = f"./m{i - 1:03}.js" if i % 10 else "../src/lib/db.ts" if i % 20 == 0 else "../src/sync.mjs"
        files[f"gen/m{i:03}.js"] = (f'import {{ x }} from "{dep}";\n'
                                    f"// 😀 module {i}\n"
                                    f"export const v{i} = 1;\nexport {{ v{i} as x }};\n")
    return files


async def test_edits_and_requests_while_indexing(lsp, tmp_path):
    s = await lsp(many_files(), wait=False)
    walk = Walk(s, random.Random(99), pull=False)
    # open and edit at once, while the index runs: every edit and every request is served
    for rel in ("src/main.ts", "src/lib/db.ts", "gen/m005.js"):
        s.open(rel)
        walk.open[rel] = s.texts[s.uri(rel)]
    latencies = []
    for i in range(40):
        walk.do_edit()
        if i % 5 == 0:
            t0 = time.perf_counter()
            await s.hover("src/lib/db.ts", 2, 20)
            await s.explain("gen/m005.js")
            latencies.append(time.perf_counter() - t0)
    await s.wait_indexed(timeout=60)
    # requests were answered while the index ran, not after it (a generous bound: busy machine)
    assert max(latencies) < 10, latencies
    await walk.check(tmp_path / "fresh")
    # and one more round of edits after the index
    for _ in range(10):
        walk.do_edit()
    await walk.check(tmp_path / "fresh")
    assert not s.logs("internal error")


async def test_requests_for_closed_documents(lsp):
    s = await lsp(WEBPACK)
    uri = s.open("src/reports.js")
    assert await wait_for(lambda: s.diagnostics("src/reports.js", "async-import"))
    s.change("src/reports.js", ((0, 0), (0, 0), "await 1;\n"))
    s.close("src/reports.js")
    await s.sync()
    assert s.diagnostics("src/reports.js") == []  # the squiggles went with the buffer
    td = T.TextDocumentIdentifier(uri)
    r = T.Range(T.Position(0, 0), T.Position(3, 0))
    # the disk is the truth again: the closed buffer's `await` is gone
    assert (await s.explain("src/reports.js"))["hasTopLevelAwait"] is False
    hover = await s.hover("src/reports.js", 1, 30)
    assert hover is None or "async module" in hover.contents.value
    await s.client.text_document_code_action_async(T.CodeActionParams(
        td, r, T.CodeActionContext(diagnostics=[])))
    await s.client.text_document_code_lens_async(T.CodeLensParams(td))
    await s.client.text_document_inlay_hint_async(T.InlayHintParams(td, r))
    # edits to the closed document, closing it twice, a stale version
    s.client.text_document_did_change(T.DidChangeTextDocumentParams(
        T.VersionedTextDocumentIdentifier(uri=uri, version=99),
        [T.TextDocumentContentChangePartial(range=r, text="await 2;")]))
    s.close("src/reports.js")
    await s.sync()
    assert s.logs("didChange for a document that is not open")
    assert (await s.explain("src/reports.js"))["hasTopLevelAwait"] is False
    # opened again: its (disk) text, its diagnostics back
    s.open("src/reports.js")
    assert await wait_for(lambda: s.diagnostics("src/reports.js", "async-import"))
    assert not s.logs("internal error")


async def test_cancel_requests_in_flight(tmp_path):
    """`$/cancelRequest` for requests in flight (a command waiting on the client), for ones
    already answered and for ids never used: every request gets exactly one answer."""
    write_tree(tmp_path, many_files(200))
    proc = await asyncio.create_subprocess_exec(
        *SERVER, cwd=str(tmp_path), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    raw = Raw(proc)
    held: list[dict] = []  # requests from the server we do not answer (yet)

    async def pump(until, timeout=20.0):
        async def loop():
            while not until():
                msg = await raw.read()
                if "method" in msg and "id" in msg:
                    if msg["method"] == "window/showDocument":
                        held.append(msg)
                    else:
                        raw.send({"id": msg["id"], "result": None})
        await asyncio.wait_for(loop(), timeout)

    def answers(i):
        return [m for m in raw.inbox if m.get("id") == i and "method" not in m]

    try:
        raw.send({"id": 1, "method": "initialize", "params": {
            "processId": os.getpid(), "rootUri": tmp_path.as_uri(),
            "capabilities": {"window": {"showDocument": {"support": True}}}}})
        await raw.answer(1)
        raw.send({"method": "initialized", "params": {}})
        uri = (tmp_path / "src" / "main.ts").resolve().as_uri()
        # while indexing: requests cancelled at once
        for i in range(10, 40):
            raw.send({"id": i, "method": "tla-lens/explain", "params": {"textDocument": {"uri": uri}}})
            raw.send({"method": "$/cancelRequest", "params": {"id": i}})
        raw.send({"method": "$/cancelRequest", "params": {"id": 123456}})  # never used
        await pump(lambda: all(answers(i) for i in range(10, 40)))
        for i in range(10, 40):
            [a] = answers(i)
            assert "result" in a or a["error"]["code"] == -32800, a
        # wait for the index: main.ts is async (lib/db.ts awaits)
        ok = False
        for i in range(200, 400):
            raw.send({"id": i, "method": "tla-lens/explain", "params": {"textDocument": {"uri": uri}}})
            await pump(lambda: answers(i))
            if (answers(i)[0].get("result") or {}).get("async"):
                ok = True
                break
            await asyncio.sleep(0.1)
        assert ok
        # a request in flight: showChain waits for the client's showDocument, then cancelled
        raw.send({"id": 50, "method": "workspace/executeCommand",
                  "params": {"command": "tla-lens.showChain", "arguments": [uri]}})
        await pump(lambda: held)
        raw.send({"method": "$/cancelRequest", "params": {"id": 50}})
        await pump(lambda: answers(50))
        [a] = answers(50)
        assert a.get("error", {}).get("code") == -32800 or "result" in a, a
        # the client answers the held showDocument late: nothing breaks
        raw.send({"id": held[0]["id"], "result": {"success": True}})
        # cancelling an answered request again
        raw.send({"method": "$/cancelRequest", "params": {"id": 50}})
        raw.send({"id": 60, "method": "tla-lens/explain", "params": {"textDocument": {"uri": uri}}})
        await pump(lambda: answers(60))
        assert answers(60)[0]["result"]["async"] is True
        assert len(answers(50)) == 1

        raw.send({"id": 70, "method": "shutdown"})
        await pump(lambda: answers(70))
        raw.send({"method": "exit"})
        assert await asyncio.wait_for(proc.wait(), 15) == 0
        popups = [m for m in raw.inbox if m.get("method") == "window/showMessage"]
        assert not [m for m in popups if m["params"]["type"] == 1], popups
        logs = [m["params"]["message"] for m in raw.inbox if m.get("method") == "window/logMessage"]
        assert not [m for m in logs if "internal error" in m], logs
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def _special_files(root) -> list[str]:
    """Files that cannot be read as text, as many kinds as this machine allows."""
    junk = root / "junk"
    junk.mkdir(exist_ok=True)
    made = []
    os.mkfifo(junk / "pipe.js")
    made.append("junk/pipe.js")
    (junk / "folder.js").mkdir()
    made.append("junk/folder.js")
    (junk / "loop1.js").symlink_to(junk / "loop2.js")
    (junk / "loop2.js").symlink_to(junk / "loop1.js")
    made += ["junk/loop1.js", "junk/loop2.js"]
    (junk / "dangling.ts").symlink_to(junk / "nowhere.ts")
    made.append("junk/dangling.ts")
    if os.geteuid() != 0:  # root reads through chmod 000
        p = junk / "locked.js"
        p.write_text("export const x = await 1;\n")
        p.chmod(0)
        made.append("junk/locked.js")
    rnd = random.Random(5)
    for i in range(20):
        (junk / f"bin{i}.js").write_bytes(bytes(rnd.randrange(256) for _ in range(2000)) + b"\x00")
        made.append(f"junk/bin{i}.js")
    (junk / "utf16.ts").write_bytes("export const x = await 1;\n".encode("utf-16"))
    (junk / "bad-utf8.js").write_bytes(b"export const s = '\xff\xfe\xc3'; await 1;\n")
    made += ["junk/utf16.ts", "junk/bad-utf8.js"]
    return made


def _bundle(path, size: int) -> None:
    """A generated bundle of ``size`` bytes, written sparsely: real code at both ends."""
    head = b'import "../src/lib/db.ts";\nexport const bundle = await 1;\n'
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(size)
        fh.seek(size - 20)
        fh.write(b"\nawait bundle; //end\n"[:20])


async def test_unreadable_special_binary_and_huge_files(lsp, tmp_path):
    files = dict(WEBPACK)
    files["src/uses-bundle.js"] = 'import { bundle } from "./dist-like/app.bundle.js";\nexport const u = bundle;\n'
    s = await lsp(files, wait=False)
    made = _special_files(s.root)
    (s.root / "src" / "dist-like").mkdir()
    _bundle(s.root / "src" / "dist-like" / "app.bundle.js", 200 * MB)
    await s.wait_indexed(timeout=60)
    # the bundle is skipped, with a logged warning, not parsed: a sync module for its importers
    assert await wait_for(lambda: s.logs("over maxFileSize"))
    assert await s.is_async("src/uses-bundle.js") is False
    # every special file, touched on disk (with an event), keeps the server answering
    s.client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(changes=[
        T.FileEvent(s.uri(rel), T.FileChangeType.Changed) for rel in made]
        + [T.FileEvent(s.uri("src/dist-like/app.bundle.js"), T.FileChangeType.Changed)]))
    t0 = time.perf_counter()
    hover = await asyncio.wait_for(s.hover("src/reports.js", 1, 30), 30)
    assert time.perf_counter() - t0 < 10
    assert hover is not None and "async module" in hover.contents.value
    # open buffers importing them
    unreadable = [rel for rel in made if rel != "junk/bad-utf8.js"]
    s.open("src/probe.js", "".join(f'import "../{rel}";\n' for rel in unreadable) + "export const p = 1;\n")
    await s.sync()
    assert await s.is_async("src/probe.js") is False  # none of them was read as an async module
    # invalid UTF-8 is read (with replacement characters): its await counts
    s.change("src/probe.js", ((0, 0), (0, 0), 'import "../junk/bad-utf8.js";\n'))
    assert await s.settle_async("src/probe.js", True)
    # the verdicts are those of a fresh run (which reads the same disk)
    s.close("src/probe.js")
    await s.sync()
    expected = {k: v for k, v in cli_verdicts(s.root).items()}
    for rel, is_async in expected.items():
        assert await s.is_async(rel) is is_async, rel
    assert expected["src/reports.js"] is True and "src/uses-bundle.js" in expected
    assert not s.logs("internal error")


async def test_max_file_size_is_configurable(lsp):
    files = dict(WEBPACK)
    files["src/big.js"] = "export const big = await 1;\n" + "// padding\n" * 2000
    files["src/uses-big.js"] = 'import { big } from "./big.js";\nexport const u = big;\n'
    s = await lsp(files, settings={"maxFileSize": 10_000})
    assert await s.is_async("src/uses-big.js") is False
    assert s.logs("over maxFileSize")
    # raised in the settings: the file is read again
    s.client.set_configuration({"maxFileSize": 1_000_000}, section="tlaLens")
    s.client.workspace_did_change_configuration(T.DidChangeConfigurationParams(
        settings={"tlaLens": {"maxFileSize": 1_000_000}}))
    assert await s.settle_async("src/uses-big.js", True, timeout=30)


async def test_files_that_vanish_or_change_between_event_and_read(lsp):
    s = await lsp(WEBPACK)
    s.open("src/index.js")
    rnd = random.Random(3)
    names = [f"src/flicker{i}.js" for i in range(6)]
    s.disk({"src/actions.js": "".join(f'import "./flicker{i}.js";\n' for i in range(6))
            + "export function createUserAction() {}\n"})
    for round_ in range(30):
        rel = rnd.choice(names)
        p = s.path(rel)
        # (not a FIFO: one that appears between the server's stat and its read would block it;
        # FIFOs in place before the event are in test_unreadable_special_binary_and_huge_files)
        action = rnd.choice(["create-then-delete", "delete-then-create", "replace-with-dir",
                             "replace-with-symlink", "write"])
        # the event goes out first; the disk changes again before (or while) the server reads
        kind = T.FileChangeType.Created if not os.path.lexists(p) else T.FileChangeType.Changed
        s.client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(
            changes=[T.FileEvent(s.uri(rel), kind)]))
        if os.path.islink(p) or p.is_file() or p.is_fifo():
            p.unlink()
        elif p.is_dir():
            p.rmdir()
        if action in ("delete-then-create", "write"):
            p.write_text(rnd.choice(["export const f = await 1;\n", "export const f = 1;\n"]))
        elif action == "replace-with-dir":
            p.mkdir()
        elif action == "replace-with-symlink":
            p.symlink_to(s.path("src/db-connection.js"))
        if round_ % 3 == 0:
            await s.sync()
    # settle: one last event for every name, then the server agrees with a fresh run
    s.client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(changes=[
        T.FileEvent(s.uri(rel), T.FileChangeType.Changed) for rel in names]))
    await s.sync()
    expected = cli_verdicts(s.root)
    for rel, is_async in sorted(expected.items()):
        assert await s.is_async(rel) is is_async, rel
    assert not s.logs("internal error")
