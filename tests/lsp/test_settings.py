"""Settings: initializationOptions, workspace/configuration, didChangeConfiguration — the keys
of tla-lens.json; a change re-checks at once."""
from __future__ import annotations

import json

from lsprotocol import types as T

from .conftest import WEBPACK, wait_for


def _severity(s, rel, code):
    ds = s.diagnostics(rel, code)
    return ds[0].severity if ds else None


async def test_initialization_options(lsp):
    s = await lsp(WEBPACK, init_options={"severity": {"async-import": "error"}}, configuration=False)
    s.open("src/reports.js")
    assert await wait_for(lambda: _severity(s, "src/reports.js", "async-import") == T.DiagnosticSeverity.Error)
    # the same under a "tlaLens" key
    s2 = await lsp(WEBPACK, init_options={"tlaLens": {"severity": {"async-import": "hint"}}},
                   configuration=False)
    s2.open("src/reports.js")
    assert await wait_for(lambda: _severity(s2, "src/reports.js", "async-import") == T.DiagnosticSeverity.Hint)


async def test_workspace_configuration_at_start(lsp):
    s = await lsp(WEBPACK, settings={"severity": {"async-import": "error", "top-level-await": "off"}})
    s.open("src/reports.js")
    s.open("src/db-connection.js")
    assert await wait_for(lambda: _severity(s, "src/reports.js", "async-import") == T.DiagnosticSeverity.Error)
    await s.sync()
    assert s.client.diagnostics.get(s.uri("src/db-connection.js")) is not None
    assert not s.diagnostics("src/db-connection.js")
    # the verdict is unchanged: severity only changes the message
    assert await s.is_async("src/db-connection.js") is True


async def test_did_change_configuration_rechecks_at_once(lsp):
    s = await lsp(WEBPACK)
    for rel in ("src/reports.js", "src/db-connection.js", "src/index.js"):
        s.open(rel)
    assert await wait_for(lambda: _severity(s, "src/reports.js", "async-import") == T.DiagnosticSeverity.Warning
                          and s.diagnostics("src/db-connection.js", "top-level-await"))

    def push(settings):
        s.client.workspace_did_change_configuration(T.DidChangeConfigurationParams(
            settings={"tlaLens": settings}))

    push({"severity": {"async-import": "error", "top-level-await": "off"}})
    assert await wait_for(lambda: _severity(s, "src/reports.js", "async-import") == T.DiagnosticSeverity.Error
                          and not s.diagnostics("src/db-connection.js"))
    # allowAsync: the database module is async on purpose; nothing reported through it
    push({"allowAsync": ["src/db-connection.js"]})
    assert await wait_for(lambda: not s.diagnostics("src/reports.js") and not s.diagnostics("src/index.js")
                          and not s.diagnostics("src/db-connection.js"))
    assert await s.is_async("src/reports.js") is True
    # back to the defaults
    push({})
    assert await wait_for(lambda: _severity(s, "src/reports.js", "async-import") == T.DiagnosticSeverity.Warning
                          and s.diagnostics("src/db-connection.js", "top-level-await"))


async def test_did_change_configuration_without_payload_pulls(lsp):
    s = await lsp(WEBPACK, settings={})
    s.open("src/reports.js")
    assert await wait_for(lambda: _severity(s, "src/reports.js", "async-import") == T.DiagnosticSeverity.Warning)
    s.client.set_configuration({"severity": {"async-import": "error"}}, section="tlaLens")
    s.client.workspace_did_change_configuration(T.DidChangeConfigurationParams(settings=None))
    assert await wait_for(lambda: _severity(s, "src/reports.js", "async-import") == T.DiagnosticSeverity.Error)


async def test_pull_client_refreshes_after_settings_change(lsp):
    s = await lsp(WEBPACK, pull=True)
    s.open("src/reports.js")
    first = await s.pull("src/reports.js")
    assert first.items[0].severity == T.DiagnosticSeverity.Warning
    n = s.client.diagnostic_refresh_count
    s.client.workspace_did_change_configuration(T.DidChangeConfigurationParams(
        settings={"tlaLens": {"severity": {"async-import": "error"}}}))
    assert await wait_for(lambda: s.client.diagnostic_refresh_count > n)
    report = await s.pull("src/reports.js", first.result_id)
    assert report.kind == "full" and report.items[0].severity == T.DiagnosticSeverity.Error


async def test_file_config_and_editor_settings_merge(lsp):
    files = dict(WEBPACK)
    # tla-lens.json wins over package.json's "tlaLens" key: it names the entries again
    files["tla-lens.json"] = json.dumps({"entries": ["src/index.js"],
                                         "severity": {"async-import": "error", "async-entry": "off"}})
    s = await lsp(files)
    s.open("src/reports.js")
    s.open("src/index.js")
    assert await wait_for(lambda: _severity(s, "src/reports.js", "async-import") == T.DiagnosticSeverity.Error)
    await s.sync()
    assert not s.diagnostics("src/index.js", "async-entry")
    # the editor overrides one key; the file's other key stays
    s.client.workspace_did_change_configuration(T.DidChangeConfigurationParams(
        settings={"tlaLens": {"severity": {"async-import": "information"}}}))
    assert await wait_for(
        lambda: _severity(s, "src/reports.js", "async-import") == T.DiagnosticSeverity.Information)
    assert not s.diagnostics("src/index.js", "async-entry")
    # tla-lens.json edited on disk: re-read
    s.disk({"tla-lens.json": json.dumps({"entries": ["src/index.js"], "severity": {"async-entry": "error"}})})
    assert await wait_for(lambda: _severity(s, "src/index.js", "async-entry") == T.DiagnosticSeverity.Error)
