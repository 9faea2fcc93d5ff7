"""A small, self-contained asyncio LSP client over a server's stdio, for the latency benchmark.

Only the standard library: JSON-RPC 2.0 with ``Content-Length`` framing. Every message that
arrives is stamped with ``time.perf_counter()`` the moment its body has been read, so latencies
are measured from the client's side of the pipe without the cost of any protocol library.

What it does: spawn and initialize a server (UTF-16 positions, no pull diagnostics, so the server
pushes ``textDocument/publishDiagnostics``), answer the server's requests
(``client/registerCapability``, ``workspace/configuration`` -> ``[{}]`` per item,
``window/workDoneProgress/create`` -> null, refresh requests -> null), open documents, send
incremental ``didChange``, send requests, and wait for a ``publishDiagnostics`` or a
``window/logMessage`` matching a predicate.
"""
from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, unquote, urlparse

now = time.perf_counter


def path_to_uri(path: Path | str) -> str:
    return "file://" + quote(str(Path(path).resolve()).replace(os.sep, "/"), safe="/")


def uri_to_path(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path))


class LspError(Exception):
    def __init__(self, error: dict):
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.error = error


@dataclass
class Publish:
    t: float                # perf_counter when the notification was read
    seq: int                # arrival order of all server->client messages
    uri: str
    version: int | None
    diagnostics: list[dict]


@dataclass
class LogLine:
    t: float
    seq: int
    type: int
    message: str


@dataclass
class _Waiter:
    kind: str                                  # "publish" | "log"
    pred: Callable[[Any], bool]
    after_seq: int
    fut: asyncio.Future = field(default=None)  # type: ignore[assignment]


class LspClient:
    """Use ``await LspClient.spawn(cmd, cwd=...)``; ``t_spawn`` is the perf_counter just before
    the process was created."""

    def __init__(self) -> None:
        self.proc: asyncio.subprocess.Process | None = None
        self.t_spawn = 0.0
        self._next_id = 0
        self._pending: dict[int, asyncio.Future] = {}
        self._waiters: list[_Waiter] = []
        self.seq = 0
        self.publishes: list[Publish] = []
        self.latest: dict[str, Publish] = {}
        self.logs: list[LogLine] = []
        self.server_requests: list[tuple[float, str]] = []
        self.other_notifications: list[tuple[float, str]] = []
        self.capabilities: dict = {}
        self.server_info: dict = {}
        self._reader_task: asyncio.Task | None = None
        self._stderr_task: asyncio.Task | None = None
        self.stderr_lines: list[str] = []
        self.closed = asyncio.Event()
        self.versions: dict[str, int] = {}
        self.on_log: Callable[[LogLine], None] | None = None

    # ---- process ------------------------------------------------------------------------
    @classmethod
    async def spawn(cls, cmd: list[str], cwd: Path | str | None = None, env: dict | None = None) -> "LspClient":
        self = cls()
        self.t_spawn = now()
        self.proc = await asyncio.create_subprocess_exec(
            *cmd, cwd=cwd, env=env, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, limit=2**26)
        self._reader_task = asyncio.create_task(self._read_loop())
        self._stderr_task = asyncio.create_task(self._stderr_loop())
        return self

    async def _stderr_loop(self) -> None:
        assert self.proc and self.proc.stderr
        while True:
            line = await self.proc.stderr.readline()
            if not line:
                return
            self.stderr_lines.append(line.decode("utf-8", "replace").rstrip("\n"))
            if len(self.stderr_lines) > 5000:
                del self.stderr_lines[:1000]

    async def _read_loop(self) -> None:
        assert self.proc and self.proc.stdout
        out = self.proc.stdout
        try:
            while True:
                length = None
                while True:
                    line = await out.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length is None:
                    continue
                body = await out.readexactly(length)
                t = now()
                self.seq += 1
                self._dispatch(json.loads(body), t)
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            self.closed.set()
            for fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(ConnectionError("server closed its output"))
            for w in self._waiters:
                if not w.fut.done():
                    w.fut.set_exception(ConnectionError("server closed its output"))

    def _dispatch(self, msg: dict, t: float) -> None:
        if "method" in msg and "id" in msg:
            self.server_requests.append((t, msg["method"]))
            self._send({"jsonrpc": "2.0", "id": msg["id"], "result": self._answer(msg["method"], msg.get("params"))})
        elif "method" in msg:
            method, params = msg["method"], msg.get("params") or {}
            if method == "textDocument/publishDiagnostics":
                p = Publish(t, self.seq, params["uri"], params.get("version"), params.get("diagnostics") or [])
                self.publishes.append(p)
                self.latest[p.uri] = p
                self._fire("publish", p)
            elif method == "window/logMessage":
                line = LogLine(t, self.seq, params.get("type", 4), params.get("message", ""))
                self.logs.append(line)
                if self.on_log:
                    self.on_log(line)
                self._fire("log", line)
            else:
                self.other_notifications.append((t, method))
        elif "id" in msg:
            fut = self._pending.pop(msg["id"], None)
            if fut and not fut.done():
                if "error" in msg and msg["error"] is not None:
                    fut.set_exception(LspError(msg["error"]))
                else:
                    fut.set_result((t, msg.get("result")))

    def _answer(self, method: str, params: Any) -> Any:
        if method == "workspace/configuration":
            return [{} for _ in (params or {}).get("items", [])]
        if method == "workspace/workspaceFolders":
            return getattr(self, "_folders", None)
        # client/registerCapability, client/unregisterCapability, window/workDoneProgress/create,
        # workspace/*/refresh, window/showMessageRequest, workspace/applyEdit (declined)
        if method == "workspace/applyEdit":
            return {"applied": False}
        return None

    def _fire(self, kind: str, item: Any) -> None:
        keep = []
        for w in self._waiters:
            if w.fut.done():
                continue
            if w.kind == kind and item.seq > w.after_seq and w.pred(item):
                w.fut.set_result(item)
            else:
                keep.append(w)
        self._waiters = keep

    def _send(self, msg: dict) -> None:
        assert self.proc and self.proc.stdin
        body = json.dumps(msg, separators=(",", ":")).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    # ---- JSON-RPC -----------------------------------------------------------------------
    def notify(self, method: str, params: Any) -> float:
        """Send a notification; returns the perf_counter just before writing it."""
        t = now()
        self._send({"jsonrpc": "2.0", "method": method, "params": params})
        return t

    def request_nowait(self, method: str, params: Any) -> tuple[float, asyncio.Future]:
        self._next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self._pending[self._next_id] = fut
        t = now()
        self._send({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params})
        return t, fut

    async def request(self, method: str, params: Any, timeout: float = 60.0) -> tuple[float, Any]:
        """Returns (round-trip seconds, result). Raises LspError on an error response."""
        t0, fut = self.request_nowait(method, params)
        t1, result = await asyncio.wait_for(fut, timeout)
        return t1 - t0, result

    async def drain(self) -> None:
        assert self.proc and self.proc.stdin
        await self.proc.stdin.drain()

    # ---- waiting ------------------------------------------------------------------------
    def mark(self) -> int:
        """The sequence number of the last message read: wait_* with after=mark() only see later ones."""
        return self.seq

    async def wait_publish(self, pred: Callable[[Publish], bool], after: int | None = None,
                           timeout: float = 30.0) -> Publish:
        after = self.seq if after is None else after
        for p in self.publishes:  # already arrived?
            if p.seq > after and pred(p):
                return p
        w = _Waiter("publish", pred, after, asyncio.get_running_loop().create_future())
        self._waiters.append(w)
        return await asyncio.wait_for(w.fut, timeout)

    async def wait_log(self, pred: Callable[[LogLine], bool], after: int | None = None,
                       timeout: float = 30.0) -> LogLine:
        after = self.seq if after is None else after
        for line in self.logs:
            if line.seq > after and pred(line):
                return line
        w = _Waiter("log", pred, after, asyncio.get_running_loop().create_future())
        self._waiters.append(w)
        return await asyncio.wait_for(w.fut, timeout)

    # ---- LSP ----------------------------------------------------------------------------
    async def initialize(self, root: Path, timeout: float = 120.0, trace: str = "off") -> float:
        """initialize + initialized; returns the perf_counter when the initialize response arrived."""
        root = Path(root).resolve()
        self._folders = [{"uri": path_to_uri(root), "name": root.name}]
        caps = {
            "general": {"positionEncodings": ["utf-16"]},
            "workspace": {
                "configuration": True,
                "workspaceFolders": True,
                "didChangeWatchedFiles": {"dynamicRegistration": True, "relativePatternSupport": True},
                "codeLens": {"refreshSupport": False},
                "diagnostics": {"refreshSupport": False},
            },
            "textDocument": {
                "synchronization": {"dynamicRegistration": True, "didSave": True},
                "publishDiagnostics": {"relatedInformation": True, "versionSupport": True,
                                       "codeDescriptionSupport": True, "dataSupport": True,
                                       "tagSupport": {"valueSet": [1, 2]}},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "refactor"]}}},
                # no "diagnostic" capability: the server must push diagnostics
            },
            "window": {"workDoneProgress": True},
        }
        t0, fut = self.request_nowait("initialize", {
            "processId": os.getpid(),
            "clientInfo": {"name": "tla-lens-bench", "version": "1"},
            "rootUri": path_to_uri(root),
            "rootPath": str(root),
            "workspaceFolders": self._folders,
            "capabilities": caps,
            "initializationOptions": {},
            "trace": trace,
        })
        await self.drain()
        t1, result = await asyncio.wait_for(fut, timeout)
        self.capabilities = (result or {}).get("capabilities", {})
        self.server_info = (result or {}).get("serverInfo", {})
        self.notify("initialized", {})
        await self.drain()
        return t1

    def did_open(self, path: Path, text: str | None = None, language_id: str | None = None) -> tuple[str, float]:
        path = Path(path).resolve()
        if text is None:
            text = path.read_text()
        if language_id is None:
            language_id = {".ts": "typescript", ".tsx": "typescriptreact", ".mts": "typescript",
                           ".cts": "typescript", ".jsx": "javascriptreact"}.get(path.suffix, "javascript")
        uri = path_to_uri(path)
        self.versions[uri] = 1
        t = self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": language_id, "version": 1, "text": text}})
        return uri, t

    def did_change(self, uri: str, changes: list[dict]) -> float:
        """Incremental changes: [{"range": {...}, "text": "..."}]. Returns the send time."""
        self.versions[uri] = self.versions.get(uri, 1) + 1
        return self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": self.versions[uri]}, "contentChanges": changes})

    async def shutdown(self, timeout: float = 10.0) -> int | None:
        """shutdown + exit; kills the process (ours) if it does not exit in time. Returns its exit code."""
        if self.proc is None:
            return None
        try:
            if not self.closed.is_set():
                await self.request("shutdown", None, timeout=timeout)
                self.notify("exit", None)
                await self.drain()
        except (asyncio.TimeoutError, ConnectionError, LspError, BrokenPipeError):
            pass
        try:
            await asyncio.wait_for(self.proc.wait(), timeout)
        except asyncio.TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        for task in (self._reader_task, self._stderr_task):
            if task:
                task.cancel()
        return self.proc.returncode

    def rss_kb(self) -> tuple[int | None, int | None]:
        """(VmRSS, VmHWM) of the server process in kB, from /proc (Linux only)."""
        if self.proc is None:
            return None, None
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None, None
        vals = {}
        for line in status.splitlines():
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                vals[k] = int(v.split()[0])
        return vals.get("VmRSS"), vals.get("VmHWM")


def rng(line: int, char: int, end_line: int | None = None, end_char: int | None = None) -> dict:
    return {"start": {"line": line, "character": char},
            "end": {"line": line if end_line is None else end_line, "character": char if end_char is None else end_char}}


def has_code(p: Publish, code: str = "async-import", source: str = "tla-lens") -> bool:
    return any(d.get("code") == code and d.get("source", source) == source for d in p.diagnostics)
