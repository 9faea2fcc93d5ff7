"""pytest-lsp clients that start the real `tla-lens serve` over stdio.

pytest-lsp's client answers workspace/configuration (set_configuration), progress, show-document
and diagnostic-refresh requests itself, but not client/registerCapability nor the code lens /
inlay hint refresh requests: `attach_handlers` adds those.
"""
from __future__ import annotations

import sys

from lsprotocol import types as T
from pytest_lsp import LanguageClient

SERVER = [sys.executable, "-m", "tla_lens.cli", "serve"]


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
