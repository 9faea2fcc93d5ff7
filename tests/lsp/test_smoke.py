"""The server starts, indexes the webpack example and pushes the async-import squiggle."""
import asyncio
import shutil
from pathlib import Path

import pytest_lsp
from lsprotocol import types as T
from pytest_lsp import ClientServerConfig, LanguageClient

from .conftest import SERVER, attach_handlers

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webpack-app"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient, tmp_path):
    attach_handlers(lsp_client)
    root = tmp_path / "app"
    shutil.copytree(EXAMPLE, root)
    lsp_client.root = root
    await lsp_client.initialize_session(T.InitializeParams(
        capabilities=T.ClientCapabilities(
            window=T.WindowClientCapabilities(work_done_progress=True),
            workspace=T.WorkspaceClientCapabilities(
                configuration=True,
                did_change_watched_files=T.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True))),
        root_uri=root.as_uri()))
    yield
    await lsp_client.shutdown_session()


async def wait_for(cond, timeout=10.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if cond():
            return True
        await asyncio.sleep(0.02)
    return False


async def test_push_squiggle_on_open(client: LanguageClient):
    path = client.root / "src" / "reports.js"
    uri = path.as_uri()
    client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(
        uri=uri, language_id="javascript", version=1, text=path.read_text())))
    assert await wait_for(lambda: any(d.code == "async-import" for d in client.diagnostics.get(uri, [])))
    d = next(d for d in client.diagnostics[uri] if d.code == "async-import")
    assert d.source == "tla-lens" and d.range.start.line == 1
    assert "because of `./db-connection.js` (top-level await at line 6)" in d.message
    hover = await client.text_document_hover_async(T.HoverParams(
        T.TextDocumentIdentifier(uri), T.Position(1, 5)))
    assert "db-connection.js" in hover.contents.value
