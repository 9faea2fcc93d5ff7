"""WebAssembly that webpack loads asynchronously (experiments.asyncWebAssembly): in the editor,
the import of the `.wasm` module and its importers are marked, the hover says why (a binary file
has no await to quote), and "show the chain" opens the import of the `.wasm` file, not the
binary file. tests/resolve/test_bundler_entries.py holds the verdicts to webpack."""
from __future__ import annotations

import json

from lsprotocol import types as T

from .conftest import wait_for

WASM = bytes([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 7, 5, 1, 1, 0x66, 0, 0,
              10, 6, 1, 4, 0, 0x41, 42, 0x0b])
FILES = {
    "package.json": json.dumps({"name": "app", "type": "module"}),
    "webpack.config.js": "export default { entry: './src/app.js', experiments: { asyncWebAssembly: true } };\n",
    "pkg/lib_bg.wasm": WASM,
    "pkg/lib.js": 'import * as wasm from "./lib_bg.wasm";\nexport const f = () => wasm.f();\n',
    "src/app.js": "import { f } from '../pkg/lib.js';\nexport const run = () => f();\n",
}


async def test_async_webassembly_in_the_editor(lsp):
    s = await lsp(FILES)
    s.open("src/app.js")
    s.open("pkg/lib.js")
    assert await wait_for(lambda: s.diagnostics("src/app.js", "async-import"))
    assert await wait_for(lambda: s.diagnostics("pkg/lib.js", "async-import"))
    (d,) = s.diagnostics("pkg/lib.js", "async-import")
    assert "WebAssembly, which the bundler loads asynchronously (webpack's experiments.asyncWebAssembly" in d.message
    hover = await s.hover("src/app.js", 0, 20)
    text = hover.contents.value
    assert "because of `../pkg/lib_bg.wasm`" in text and "WebAssembly" in text and "```" not in text
    await s.client.workspace_execute_command_async(T.ExecuteCommandParams(
        command="tla-lens.showChain", arguments=[s.uri("src/app.js")]))
    assert await wait_for(lambda: s.client.shown_documents)
    shown = s.client.shown_documents[-1]
    assert shown.uri == s.uri("pkg/lib.js") and shown.selection.start.line == 0
    # without the experiment, webpack (and Node) load it synchronously: nothing to report
    s.disk({"webpack.config.js": "export default { entry: './src/app.js', experiments: { syncWebAssembly: true } };\n"})
    assert await wait_for(lambda: not s.diagnostics("src/app.js", "async-import"))
