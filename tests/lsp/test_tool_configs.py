"""Tools' own configurations in the editor, as their tools load them (held to the tools in
tests/resolve/test_svelte_config.py and test_jest_config.py): Svelte's and Jest's are loaded with
import() (Jest's after require() throws on the await), so their imports of async modules are
harmless; the same file in a package that does not use the tool is an ordinary module."""
from __future__ import annotations

import asyncio
import json

from lsprotocol import types as T

from .conftest import apply_workspace_edit, wait_for

ASYNC_PKG = {
    "node_modules/asyncpkg/package.json": '{"name": "asyncpkg", "type": "module", "exports": "./index.js"}',
    "node_modules/asyncpkg/index.js": "await Promise.resolve();\nexport function plugin() { return {}; }\n",
}
CONFIG = "import { plugin } from 'asyncpkg';\nexport default { plugins: [plugin()] };\n"


def _manifest(**extra) -> str:
    return json.dumps({"name": "web", "private": True, "type": "module", **extra})


async def test_svelte_configuration_follows_the_dependencies(lsp):
    s = await lsp({"package.json": _manifest(scripts={"dev": "vite dev"}), "svelte.config.js": CONFIG,
                   **ASYNC_PKG})
    s.open("svelte.config.js")
    assert await wait_for(lambda: s.diagnostics("svelte.config.js", "async-import"))
    s.disk({"package.json": _manifest(scripts={"dev": "vite dev"}, devDependencies={"@sveltejs/kit": "^2.70.0"})})
    assert await wait_for(lambda: not s.diagnostics("svelte.config.js", "async-import"))
    hover = await s.hover("svelte.config.js", 0, 10)
    assert "Harmless here: SvelteKit loads svelte.config.js with import()" in hover.contents.value, \
        hover.contents.value
    assert await s.is_async("svelte.config.js")


async def test_jest_configuration_follows_the_script(lsp):
    s = await lsp({"package.json": _manifest(scripts={"test": "jest -c config/jest.unit.mjs"}),
                   "config/jest.unit.mjs": CONFIG, "src/a.test.js": "test('a', () => {});\n", **ASYNC_PKG})
    s.open("config/jest.unit.mjs")
    assert await s.is_async("config/jest.unit.mjs")
    await asyncio.sleep(0.5)
    assert s.diagnostics("config/jest.unit.mjs") == []
    hover = await s.hover("config/jest.unit.mjs", 0, 10)
    assert "Jest loads jest.unit.mjs with require(), and again with import()" in hover.contents.value, \
        hover.contents.value
    # the script no longer names it: nobody's configuration
    s.disk({"package.json": _manifest(scripts={"test": "jest"})})
    assert await wait_for(lambda: s.diagnostics("config/jest.unit.mjs", "async-import"))


async def test_a_configuration_created_while_the_editor_runs(lsp):
    """prettier.config.mjs and webpack.config.mjs written while the server runs: read as their
    tools load them (import()), nothing to say on their imports; a plain module beside them with
    the same import warns (held to Prettier and webpack-cli in tests/resolve/)."""
    s = await lsp({"package.json": _manifest(scripts={"format": "prettier --write .", "build": "webpack"}),
                   "src/main.js": "export const x = 1;\n", **ASYNC_PKG})
    s.open("src/main.js")
    assert await s.is_async("src/main.js") is False
    s.disk({"prettier.config.mjs": CONFIG, "webpack.config.mjs": CONFIG, "other.mjs": CONFIG,
            "legacy/.prettierrc.mjs": CONFIG})
    s.open("other.mjs")
    assert await wait_for(lambda: s.diagnostics("other.mjs", "async-import"))
    for name, tool in (("prettier.config.mjs", "Prettier"), ("webpack.config.mjs", "webpack-cli"),
                       ("legacy/.prettierrc.mjs", "Prettier")):
        s.open(name)
        assert await s.is_async(name)
        hover = await s.hover(name, 0, 10)
        assert f"Harmless here: {tool} loads {name.split('/')[-1]} with import()" in hover.contents.value, hover.contents.value
        assert s.diagnostics(name) == []


async def test_import_node_does_not_find_in_a_configuration(lsp):
    """An extensionless import in a configuration Node loads for its tool (held to Prettier in
    tests/resolve/test_node_loaded_configs.py): an unresolved-import as it is typed, whose quick
    fix writes the file's name; under a tool that bundles its configuration, nothing."""
    s = await lsp({"package.json": _manifest(scripts={"format": "prettier --write ."}),
                   "prettier.config.mjs": "import { semi } from './base.mjs';\nexport default { semi };\n",
                   "base.mjs": "export const semi = false;\n"})
    s.open("prettier.config.mjs")
    assert await s.is_async("prettier.config.mjs") is False
    assert s.diagnostics("prettier.config.mjs", "unresolved-import") == []
    s.change("prettier.config.mjs", ((0, 28), (0, 32), ""))  # './base.mjs' -> './base'
    assert await wait_for(lambda: s.diagnostics("prettier.config.mjs", "unresolved-import"))
    (d,) = s.diagnostics("prettier.config.mjs", "unresolved-import")
    assert "Prettier loads prettier.config.mjs with import()" in d.message and "ERR_MODULE_NOT_FOUND" in d.message
    out = await s.client.text_document_code_action_async(T.CodeActionParams(
        T.TextDocumentIdentifier(s.uri("prettier.config.mjs")), d.range, T.CodeActionContext(diagnostics=[d])))
    fix = next(a for a in out if a.title == "Import `./base.mjs`, the file Node finds")
    text = apply_workspace_edit(s, fix.edit)[s.uri("prettier.config.mjs")]
    assert text.startswith("import { semi } from './base.mjs';\n")
    assert await wait_for(lambda: not s.diagnostics("prettier.config.mjs", "unresolved-import"))
    # the same file as Vite's configuration (bundled: Vite finds base.mjs): nothing to say
    s.change("prettier.config.mjs", ((0, 28), (0, 32), ""))
    assert await wait_for(lambda: s.diagnostics("prettier.config.mjs", "unresolved-import"))
    s.disk({"package.json": _manifest(scripts={"build": "vite build"})})
    assert await wait_for(lambda: not s.diagnostics("prettier.config.mjs", "unresolved-import"))
