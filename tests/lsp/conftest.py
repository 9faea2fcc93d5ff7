"""pytest-lsp clients that start the real `tla-lens serve` over stdio.

pytest-lsp's client answers workspace/configuration (set_configuration), progress, show-document
and diagnostic-refresh requests itself, but not client/registerCapability nor the code lens /
inlay hint refresh requests: `attach_handlers` adds those.

Most tests use the ``lsp`` fixture: ``session = await lsp(files, ...)`` writes ``files``
(relative path -> text) under a fresh folder, starts a server on it with the capabilities of a
push client (default) or a pull client (``pull=True``), and waits until the start-up index is
done. Every server started is shut down (``shutdown`` + ``exit``) after the test.
"""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any, Callable, Optional, Union

import pytest
from lsprotocol import types as T
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from pygls.protocol import JsonRPCResponseMessage, default_converter

SERVER = [sys.executable, "-m", "tla_lens.cli", "serve"]
REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def _converter():
    """pygls turns the result of a custom request into namedtuples, renaming keys that are
    Python keywords (``async``): keep plain dicts instead."""
    converter = default_converter()
    converter.register_structure_hook(JsonRPCResponseMessage, lambda obj, cls: cls(**obj))

    # lsprotocol reads any object with a "command" key as a Command, so a CodeAction that
    # carries a command (Show documentation) would lose its kind and diagnostics
    def action_or_command(obj, _):
        if isinstance(obj.get("command"), str):
            return converter.structure(obj, T.Command)
        return converter.structure(obj, T.CodeAction)

    converter.register_structure_hook(Union[T.Command, T.CodeAction], action_or_command)
    return converter


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=_converter)
    mine = (T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, T.PROGRESS, T.WINDOW_LOG_MESSAGE)
    register_lsp_features(client, {k: v for k, v in DEFAULT_CLIENT_FEATURES.items() if k not in mine})
    client.published = []
    client.events = []  # ("publish", uri, n diagnostics) / ("log", message) / ("progress", value), in order
    client.on_progress = None  # a hook for tests: called with (token, value)

    @client.feature(T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(params: T.PublishDiagnosticsParams):
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)
        client.events.append(("publish", params.uri, len(params.diagnostics)))

    @client.feature(T.PROGRESS)
    def progress(params: T.ProgressParams):
        DEFAULT_CLIENT_FEATURES[T.PROGRESS](client, params)
        reports = client.progress_reports.get(params.token) or []
        if reports:
            client.events.append(("progress", reports[-1]))
            if client.on_progress is not None:
                client.on_progress(params.token, reports[-1])

    @client.feature(T.WINDOW_LOG_MESSAGE)
    def log_message(params: T.LogMessageParams):
        client.log_messages.append(params)
        client.events.append(("log", params.message))

    attach_handlers(client)
    return client


def attach_handlers(client: LanguageClient) -> None:
    client.registrations = []
    client.refreshes = []

    @client.feature(T.CLIENT_REGISTER_CAPABILITY)
    def register(params: T.RegistrationParams):
        client.registrations.extend(params.registrations)
        return None

    @client.feature(T.WORKSPACE_CODE_LENS_REFRESH)
    def lens_refresh(params):
        client.refreshes.append("codeLens")
        return None

    @client.feature(T.WORKSPACE_INLAY_HINT_REFRESH)
    def hint_refresh(params):
        client.refreshes.append("inlayHint")
        return None


async def wait_for(cond: Callable[[], Any], timeout: float = 10.0) -> bool:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if cond():
            return True
        await asyncio.sleep(0.02)
    return bool(cond())


def write_tree(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_bytes(text.encode("utf-8"))


def capabilities(pull: bool = False, encodings: Optional[list[str]] = None,
                 progress: bool = True, watch: bool = True, configuration: bool = True,
                 refresh: bool = True, experimental: Any = None,
                 resource_operations: Optional[list] = None) -> T.ClientCapabilities:
    td = T.TextDocumentClientCapabilities(
        synchronization=T.TextDocumentSyncClientCapabilities(did_save=True),
        hover=T.HoverClientCapabilities(content_format=[T.MarkupKind.Markdown, T.MarkupKind.PlainText]),
        code_action=T.CodeActionClientCapabilities(
            code_action_literal_support=T.ClientCodeActionLiteralOptions(
                code_action_kind=T.ClientCodeActionKindOptions(value_set=[
                    T.CodeActionKind.QuickFix, T.CodeActionKind.RefactorRewrite])),
            disabled_support=True, data_support=True, is_preferred_support=True),
        publish_diagnostics=T.PublishDiagnosticsClientCapabilities(
            related_information=True, version_support=True, code_description_support=True),
        diagnostic=T.DiagnosticClientCapabilities(related_document_support=True) if pull else None,
    )
    ws = T.WorkspaceClientCapabilities(
        configuration=configuration,
        workspace_edit=T.WorkspaceEditClientCapabilities(document_changes=True,
                                                         resource_operations=resource_operations),
        did_change_watched_files=T.DidChangeWatchedFilesClientCapabilities(dynamic_registration=watch),
        diagnostics=T.DiagnosticWorkspaceClientCapabilities(refresh_support=refresh) if pull else None,
        code_lens=T.CodeLensWorkspaceClientCapabilities(refresh_support=True),
        inlay_hint=T.InlayHintWorkspaceClientCapabilities(refresh_support=True),
    )
    return T.ClientCapabilities(
        text_document=td, workspace=ws,
        window=T.WindowClientCapabilities(work_done_progress=progress,
                                          show_document=T.ShowDocumentClientCapabilities(support=True)),
        general=T.GeneralClientCapabilities(position_encodings=encodings) if encodings else None,
        experimental=experimental,
    )


LANG = {".ts": "typescript", ".tsx": "typescriptreact", ".mts": "typescript", ".cts": "typescript",
        ".jsx": "javascriptreact", ".vue": "vue", ".svelte": "svelte"}


class Session:
    """One server over one folder, with the few moves an editor makes."""

    def __init__(self, client: LanguageClient, root: Path) -> None:
        self.client = client
        self.root = root
        self.result: Optional[T.InitializeResult] = None
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}

    @property
    def encoding(self) -> str:
        chosen = self.result.capabilities.position_encoding if self.result else None
        return str(getattr(chosen, "value", chosen) or "utf-16")

    # -- names -----------------------------------------------------------------------------
    def path(self, rel: str) -> Path:
        return self.root / rel

    def uri(self, rel: str) -> str:
        return self.path(rel).as_uri()

    # -- documents -------------------------------------------------------------------------
    def open(self, rel: str, text: Optional[str] = None) -> str:
        uri = self.uri(rel)
        if text is None:
            text = self.path(rel).read_bytes().decode("utf-8")
        self.versions[uri] = 1
        self.texts[uri] = text
        self.client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(
            uri=uri, language_id=LANG.get(Path(rel).suffix, "javascript"), version=1, text=text)))
        return uri

    def close(self, rel: str) -> None:
        self.client.text_document_did_close(T.DidCloseTextDocumentParams(
            T.TextDocumentIdentifier(self.uri(rel))))

    def change(self, rel: str, *changes: tuple[tuple[int, int], tuple[int, int], str]) -> int:
        """Incremental edits ((line, char), (line, char), text), applied in order."""
        uri = self.uri(rel)
        self.versions[uri] = self.versions.get(uri, 0) + 1
        parts = [T.TextDocumentContentChangePartial(range=T.Range(T.Position(*a), T.Position(*b)), text=t)
                 for a, b, t in changes]
        if uri in self.texts:
            for p in parts:
                self.texts[uri] = apply_text_edits(self.texts[uri], [T.TextEdit(p.range, p.text)],
                                                   self.encoding)
        self.client.text_document_did_change(T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=parts))
        return self.versions[uri]

    def replace(self, rel: str, text: str) -> int:
        uri = self.uri(rel)
        self.versions[uri] = self.versions.get(uri, 0) + 1
        self.texts[uri] = text
        self.client.text_document_did_change(T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=[T.TextDocumentContentChangeWholeDocument(text=text)]))
        return self.versions[uri]

    def disk(self, changes: dict[str, Optional[str]], send: bool = True) -> None:
        """Write (text) or delete (None) files, then send one didChangeWatchedFiles batch."""
        events = []
        for rel, text in changes.items():
            p = self.path(rel)
            existed = p.exists()
            if text is None:
                p.unlink()
                kind = T.FileChangeType.Deleted
            else:
                write_tree(self.root, {rel: text})
                kind = T.FileChangeType.Changed if existed else T.FileChangeType.Created
            events.append(T.FileEvent(uri=p.as_uri(), type=kind))
        if send:
            self.client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(changes=events))

    # -- requests --------------------------------------------------------------------------
    async def explain(self, rel: str) -> Optional[dict]:
        return await self.client.protocol.send_request_async(
            "tla-lens/explain", {"textDocument": {"uri": self.uri(rel)}})

    async def is_async(self, rel: str) -> Optional[bool]:
        r = await self.explain(rel)
        return None if r is None else r["async"]

    async def settle_async(self, rel: str, expected: bool, timeout: float = 10.0) -> bool:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while loop.time() < end:
            if await self.is_async(rel) is expected:
                return True
            await asyncio.sleep(0.03)
        return False

    async def sync(self) -> None:
        """A round trip: every notification sent before it has been handled."""
        await self.explain("__sync__.js")

    async def pull(self, rel: str, previous: Optional[str] = None):
        return await self.client.text_document_diagnostic_async(T.DocumentDiagnosticParams(
            text_document=T.TextDocumentIdentifier(self.uri(rel)), previous_result_id=previous))

    def diagnostics(self, rel: str, code: Optional[str] = None) -> list[T.Diagnostic]:
        ds = list(self.client.diagnostics.get(self.uri(rel), []))
        return [d for d in ds if code is None or d.code == code]

    async def hover(self, rel: str, line: int, char: int) -> Optional[T.Hover]:
        return await self.client.text_document_hover_async(T.HoverParams(
            T.TextDocumentIdentifier(self.uri(rel)), T.Position(line, char)))

    def logs(self, contains: str = "") -> list[str]:
        return [m.message for m in self.client.log_messages if contains in m.message]

    def error_popups(self) -> list[T.ShowMessageParams]:
        return [m for m in self.client.messages if m.type in (T.MessageType.Error, T.MessageType.Warning)]

    async def wait_indexed(self, timeout: float = 20.0) -> None:
        assert await wait_for(lambda: self.logs("indexed "), timeout), "start-up index did not finish"


async def start_session(root: Path, *, pull: bool = False, settings: Optional[dict] = None,
                        init_options: Any = None, encodings: Optional[list[str]] = None,
                        wait: bool = True, caps: Optional[T.ClientCapabilities] = None,
                        command: Optional[list[str]] = None, **cap_kwargs) -> Session:
    client = make_client()
    if settings is not None:
        client.set_configuration(settings, section="tlaLens")
    await client.start_io(*(command or SERVER), cwd=str(root))
    session = Session(client, root)
    session.result = await client.initialize_session(T.InitializeParams(
        capabilities=caps or capabilities(pull=pull, encodings=encodings, **cap_kwargs),
        root_uri=root.as_uri(),
        trace=T.TraceValue.Verbose,  # the server logs per-edit timings only when traced
        workspace_folders=[T.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        initialization_options=init_options))
    if wait:
        await session.wait_indexed()
    return session


@pytest.fixture
async def lsp(tmp_path):
    """``await lsp(files, **options)`` -> a Session over a new folder holding ``files``."""
    sessions: list[Session] = []
    counter = [0]

    async def start(files: dict[str, str | bytes], **kwargs) -> Session:
        counter[0] += 1
        root = tmp_path / f"ws{counter[0]}"
        root.mkdir()
        write_tree(root, files)
        session = await start_session(root, **kwargs)
        sessions.append(session)
        return session

    yield start
    codes = []
    for s in sessions:
        try:
            await asyncio.wait_for(s.client.shutdown_session(), 10)
            codes.append(s.client._server.returncode if s.client._server else None)
        except Exception as e:
            codes.append(repr(e))
        finally:
            try:
                await s.client.stop()
            except Exception:
                pass
    # `shutdown` then `exit` ends every server cleanly
    assert codes == [0] * len(sessions), codes
    # errors are logged, never shown as popups
    for s in sessions:
        assert not [m for m in s.client.messages if m.type == T.MessageType.Error], s.client.messages


def copy_example(name: str) -> dict[str, str]:
    base = EXAMPLES / name
    return {str(p.relative_to(base)): p.read_text(encoding="utf-8")
            for p in base.rglob("*") if p.is_file()}


def cli_verdicts(root: Path) -> dict[str, bool]:
    """`tla-lens check --format json` run on ``root`` as a subprocess: the from-scratch answer."""
    import subprocess
    out = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--format", "json", str(root)],
                         capture_output=True, text=True, cwd=str(root), timeout=120)
    data = json.loads(out.stdout)
    return {m["path"]: m["async"] for m in data["modules"] if m.get("workspace", True)}


# The example everybody knows: db-connection.js awaits at top level, UserApi.js imports it,
# reports.js imports UserApi.js, index.js (an entry) imports reports.js.
WEBPACK = {
    "package.json": json.dumps({"name": "app", "type": "module", "tlaLens": {"entries": ["src/index.js"]}}),
    "src/pool.js": "export function openPool(url) {\n  return Promise.resolve({ url });\n}\n",
    "src/db-connection.js": (
        "// The database driver\n"
        "import { openPool } from \"./pool.js\";\n"
        "\n"
        "const url = \"postgres://localhost/app\";\n"
        "\n"
        "export const db = await openPool(url);\n"
        "\n"
        "export function query(sql) {\n"
        "  return db;\n"
        "}\n"),
    "src/UserApi.js": (
        "import { query } from \"./db-connection.js\";\n"
        "\n"
        "export async function listUsers() {\n"
        "  return query(\"select * from users\");\n"
        "}\n"),
    "src/reports.js": (
        "// reports\n"
        "import { listUsers } from \"./UserApi.js\";\n"
        "\n"
        "export async function userReport() {\n"
        "  const users = await listUsers();\n"
        "  return users;\n"
        "}\n"),
    "src/actions.js": (
        "export async function createUserAction(name) {\n"
        "  const { listUsers } = await import(\"./UserApi.js\");\n"
        "  return listUsers(name);\n"
        "}\n"),
    "src/index.js": (
        "import { createUserAction } from \"./actions.js\";\n"
        "import { userReport } from \"./reports.js\";\n"
        "\n"
        "createUserAction(\"Ada\");\n"
        "userReport();\n"),
}


def _offset(text: str, line: int, char: int, encoding: str = "utf-16") -> int:
    """Index into ``text`` of an LSP position; lines end at \\r\\n, \\r, \\n only."""
    i = 0
    for _ in range(line):
        j = min([k for k in (text.find("\r", i), text.find("\n", i)) if k != -1], default=-1)
        if j == -1:
            return len(text)
        i = j + (2 if text.startswith("\r\n", j) else 1)
    units = 0
    while i < len(text) and units < char and text[i] not in "\r\n":
        if encoding == "utf-8":
            units += len(text[i].encode("utf-8"))
        else:
            units += 2 if ord(text[i]) > 0xFFFF else 1
        i += 1
    return i


def apply_text_edits(text: str, edits, encoding: str = "utf-16") -> str:
    """Apply LSP TextEdits (all relative to ``text``) the way an editor does."""
    spans = sorted(((_offset(text, e.range.start.line, e.range.start.character, encoding),
                     _offset(text, e.range.end.line, e.range.end.character, encoding), e.new_text)
                    for e in edits), key=lambda x: (x[0], x[1]), reverse=True)
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    return text


def apply_workspace_edit(session: "Session", edit: T.WorkspaceEdit) -> dict[str, str]:
    """Apply a WorkspaceEdit to the open documents like an editor: each document's edits go
    out as one didChange (edits in reverse document order, so earlier ranges stay valid).
    Returns the new texts by URI."""
    out = {}
    changes = []
    for dc in edit.document_changes or []:
        changes.append((dc.text_document.uri, dc.text_document.version, dc.edits))
    for uri, edits in (edit.changes or {}).items():
        changes.append((uri, None, edits))
    for uri, version, edits in changes:
        if version is not None:
            assert version == session.versions[uri], "edit made for another version"
        text = session.texts[uri]
        new = apply_text_edits(text, edits, session.encoding)
        ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                         reverse=True)
        session.versions[uri] += 1
        session.texts[uri] = new
        session.client.text_document_did_change(T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=session.versions[uri]),
            content_changes=[T.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                             for e in ordered]))
        out[uri] = new
    return out
