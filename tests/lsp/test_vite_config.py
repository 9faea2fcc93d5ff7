"""Vite's configuration in the editor: bundled into CommonJS (a package without `"type":
"module"`), its import of an async package is an error; once the package is an ES module, Vite
loads it with import() and nothing is reported on its imports (held to Vite in
tests/resolve/test_vite_config.py)."""
from __future__ import annotations

from .conftest import wait_for

FILES = {
    "package.json": '{"name": "web", "private": true, "scripts": {"dev": "vite", "build": "vite build"}}',
    "vite.config.ts": "import { plugin } from 'asyncpkg';\nexport default { plugins: [plugin()] };\n",
    "index.html": '<script type="module" src="/src/main.ts"></script>\n',
    "src/main.ts": "console.log(1);\n",
    "node_modules/asyncpkg/package.json": '{"name": "asyncpkg", "type": "module", "exports": "./index.js"}',
    "node_modules/asyncpkg/index.js": "await Promise.resolve();\nexport function plugin() { return {}; }\n",
}


async def test_vite_configuration_follows_the_package_type(lsp):
    s = await lsp(FILES)
    s.open("vite.config.ts")
    assert await wait_for(lambda: s.diagnostics("vite.config.ts", "require-async"))
    (d,) = s.diagnostics("vite.config.ts", "require-async")
    assert "Vite's CommonJS bundle of its configuration (vite.config.ts, in a package without " in d.message
    assert "name the file `vite.config.mts`" in d.message, d.message
    s.disk({"package.json": '{"name": "web", "private": true, "type": "module", "scripts": {"dev": "vite"}}'})
    assert await wait_for(lambda: not s.diagnostics("vite.config.ts", "require-async"))
    assert not s.diagnostics("vite.config.ts", "async-import")
