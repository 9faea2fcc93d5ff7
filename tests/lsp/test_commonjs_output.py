"""TypeScript that tsc compiles into CommonJS, in the editor: the import of an async module is an
error (held to tsc and Node in tests/project/test_tsc_commonjs.py), the hover says so, and the
tsconfig changed on disk to ES modules makes it an async import again."""
from __future__ import annotations

import json

from .conftest import wait_for

TSCONFIG = {"compilerOptions": {"module": "commonjs", "target": "es2022", "outDir": "dist"}}
FILES = {
    "package.json": '{"name": "api"}',
    "tsconfig.json": json.dumps(TSCONFIG),
    "src/server.ts": 'import { pool } from "db-pool";\n\nexport function start() {\n  return pool;\n}\n',
    "node_modules/db-pool/package.json": '{"name": "db-pool", "type": "module", "exports": "./pool.js"}',
    "node_modules/db-pool/pool.js": "export const pool = await Promise.resolve({});\n",
}


async def test_tsc_commonjs_in_the_editor(lsp):
    s = await lsp(FILES)
    s.open("src/server.ts")
    assert await wait_for(lambda: s.diagnostics("src/server.ts", "require-async"))
    (d,) = s.diagnostics("src/server.ts", "require-async")
    assert d.message.startswith("tsc compiles this import to `require(\"db-pool\")` (tsconfig.json's `module` "
                                "is `commonjs`)"), d.message
    md = (await s.hover("src/server.ts", 0, 3)).contents.value
    assert "`require()` of it throws `ERR_REQUIRE_ASYNC_MODULE` in Node" in md
    assert await s.settle_async("src/server.ts", False)
    s.disk({"tsconfig.json": json.dumps({"compilerOptions": {**TSCONFIG["compilerOptions"], "module": "esnext"}})})
    assert await s.settle_async("src/server.ts", True)
    assert await wait_for(lambda: s.diagnostics("src/server.ts", "async-import"))
    assert not s.diagnostics("src/server.ts", "require-async")
