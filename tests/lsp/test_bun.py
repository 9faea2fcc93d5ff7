"""The server and files Bun runs (an npm script `bun src/main.ts`): Bun's elision whatever
verbatimModuleSyntax says, its `import {}`, its require() TypeError, in messages and hovers; a
change of package.json's scripts flips them."""
from __future__ import annotations

import json

from tests.project.test_bun import BUN_TSCONFIG

from .conftest import wait_for

PROJECT = {
    "package.json": json.dumps({"type": "module", "scripts": {"dev": "bun --watch src/main.ts"}}),
    "tsconfig.json": BUN_TSCONFIG,
    "src/main.ts": ('import { helper } from "./util.ts";\n'
                    'import {} from "./side.ts";\n'
                    'import { ready } from "./cj.cts";\n'
                    'console.log(ready);\n'),
    "src/util.ts": "export const helper = 1;\nawait new Promise((r) => setTimeout(r, 1));\n",
    "src/side.ts": "await new Promise((r) => setTimeout(r, 1));\n",
    "src/cj.cts": 'const q = require("./util.ts");\nexport const ready = q.helper;\n',
}


async def test_bun_run_file_in_the_editor(lsp):
    s = await lsp(PROJECT)
    s.open("src/main.ts")
    assert await s.settle_async("src/main.ts", True)
    # the unused import is dropped (verbatimModuleSyntax or not); `import {}` is kept
    assert await wait_for(lambda: [d.range.start.line for d in s.diagnostics("src/main.ts", "async-import")] == [1])
    d = s.diagnostics("src/main.ts", "async-import")[0]
    assert "Bun runs this file, from script `dev` of package.json, and keeps an import that names nothing" in d.message
    h = await s.hover("src/main.ts", 1, 3)
    md = h.contents.value
    assert "Bun runs this file (script `dev` of package.json) and keeps an import that names nothing" in md
    assert "imports `./side.ts` (names nothing: Bun keeps it, TypeScript would drop it)" in md
    s.open("src/cj.cts")
    assert await wait_for(lambda: len(s.diagnostics("src/cj.cts", "require-async")) == 1)
    d = s.diagnostics("src/cj.cts", "require-async")[0]
    assert "Bun runs this file (script `dev` of package.json) and throws \"TypeError: require() async module" in d.message
    h = await s.hover("src/cj.cts", 0, 12)
    assert "`require()` of it throws `TypeError: require() async module … is unsupported`" in h.contents.value
    # no script runs it with Bun any more: verbatimModuleSyntax keeps the unused import
    s.disk({"package.json": json.dumps({"type": "module", "scripts": {"build": "vite build"}})})
    assert await wait_for(lambda: [d.range.start.line for d in s.diagnostics("src/main.ts", "async-import")] == [0, 1])
    assert await wait_for(lambda: "Node throws ERR_REQUIRE_ASYNC_MODULE" in
                          " ".join(d.message for d in s.diagnostics("src/cj.cts", "require-async")))


BUILD = {
    "package.json": json.dumps({"name": "api", "scripts": {
        "build": "bun build src/server.ts --outdir dist --target=bun --format=cjs --packages=external"}}),
    "src/server.ts": 'import { pool } from "db-pool";\nexport const start = () => pool;\n',
    "node_modules/db-pool/package.json": '{"name": "db-pool", "type": "module", "exports": "./pool.js"}',
    "node_modules/db-pool/pool.js": "export const pool = await new Promise((r) => setTimeout(() => r({}), 5));\n",
}


async def test_bun_build_in_the_editor(lsp):
    """`bun build --target=bun --format=cjs --packages=external`: the bundle Bun runs require()s
    db-pool, whose await is still waiting then (held to Bun in
    tests/resolve/test_bun_build.py): an error, with Bun's words in the hover; the script
    building ES modules makes it an async import instead."""
    s = await lsp(BUILD)
    s.open("src/server.ts")
    assert await wait_for(lambda: s.diagnostics("src/server.ts", "require-async"))
    (d,) = s.diagnostics("src/server.ts", "require-async")
    assert d.message.startswith("`db-pool` is a package that Bun's CommonJS build (script `build` of package.json) "
                                "keeps external"), d.message
    assert "Bun throws \"TypeError: require() async module … is unsupported\" at this import" in d.message
    md = (await s.hover("src/server.ts", 0, 3)).contents.value
    assert "the bundle loads it with `require(\"db-pool\")`: Bun throws \"TypeError: require() async module … is " \
           "unsupported\" there when the bundle runs." in md, md
    s.disk({"package.json": json.dumps({"name": "api", "scripts": {
        "build": "bun build src/server.ts --outdir dist --target=bun --packages=external"}})})
    assert await wait_for(lambda: not s.diagnostics("src/server.ts", "require-async"))
    assert await s.settle_async("src/server.ts", True)
    assert s.diagnostics("src/server.ts", "async-import")
