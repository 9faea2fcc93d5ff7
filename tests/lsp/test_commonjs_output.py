"""TypeScript that tsc compiles into CommonJS, in the editor: the import of an async module is an
error (held to tsc and Node in tests/project/test_tsc_commonjs.py), the hover says so, and the
tsconfig changed on disk to ES modules makes it an async import again."""
from __future__ import annotations

import json

from .conftest import wait_for
from .test_actions import _actions
from .test_files import _watched

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


TSHY_FILES = {
    "package.json": json.dumps({"name": "lib", "type": "module", "scripts": {"prepare": "tshy"},
                                "tshy": {"exports": {".": "./src/index.ts"}}}),
    "tsconfig.json": json.dumps({"compilerOptions": {"strict": True}}),
    "src/index.ts": 'import { pool } from "db-pool";\n\nexport function start() {\n  return pool;\n}\n',
    "node_modules/db-pool/package.json": '{"name": "db-pool", "type": "module", "exports": "./pool.js"}',
    "node_modules/db-pool/pool.js": "export const pool = await Promise.resolve({});\n",
}


async def test_tshy_commonjs_dialect_in_the_editor(lsp):
    """tshy builds src/ into CommonJS too (held to tshy and Node in tests/resolve/test_tshy.py):
    the import is an error; `"dialects": ["esm"]` written to package.json makes it an async
    import again."""
    s = await lsp(TSHY_FILES)
    s.open("src/index.ts")
    assert await wait_for(lambda: s.diagnostics("src/index.ts", "require-async"))
    (d,) = s.diagnostics("src/index.ts", "require-async")
    assert "(tshy, by the `\"tshy\"` field of package.json, builds it into CommonJS too" in d.message, d.message
    manifest = json.loads(TSHY_FILES["package.json"])
    manifest["tshy"]["dialects"] = ["esm"]
    s.disk({"package.json": json.dumps(manifest)})
    assert await s.settle_async("src/index.ts", True)
    assert await wait_for(lambda: s.diagnostics("src/index.ts", "async-import"))
    assert not s.diagnostics("src/index.ts", "require-async")


JEST_FILES = {
    "package.json": '{"name": "app", "scripts": {"test": "jest"}}',
    "src/db.js": "export const db = await Promise.resolve({ ok: true });\n",
    "src/repo.js": 'import { db } from "./db.js";\nexport const get = () => db;\n',
    "src/repo.test.js": 'import { get } from "./repo.js";\ntest("repo", () => { expect(get().ok).toBe(true); });\n',
}


async def test_jest_test_file_in_the_editor(lsp):
    """A test file Jest runs as CommonJS (held to Jest in tests/project/test_jest_commonjs.py):
    the error at its import; no lazy import() fix (import() fails there too); the script run
    in Jest's ES module mode, the import is an async import again; a jest.mock factory typed
    in the test file, nothing."""
    s = await lsp(JEST_FILES)
    s.open("src/repo.test.js")
    assert await wait_for(lambda: s.diagnostics("src/repo.test.js", "require-async"))
    (d,) = s.diagnostics("src/repo.test.js", "require-async")
    assert d.message.startswith("Jest (script `test` of package.json) runs this test file as CommonJS")
    titles = [a.title for a in await _actions(s, "src/repo.test.js", d.range, [d])]
    assert not [t for t in titles if t.startswith("Load `./repo.js` lazily")], titles
    s.replace("src/repo.test.js", 'jest.mock("./repo.js", () => ({ get: () => ({ ok: true }) }));\n'
              + JEST_FILES["src/repo.test.js"])
    assert await wait_for(lambda: not s.diagnostics("src/repo.test.js", "require-async"))
    s.replace("src/repo.test.js", JEST_FILES["src/repo.test.js"])
    assert await wait_for(lambda: s.diagnostics("src/repo.test.js", "require-async"))
    s.disk({"package.json": '{"name": "app", "type": "module", "scripts": '
                            '{"test": "node --experimental-vm-modules node_modules/jest/bin/jest.js"}}'})
    assert await wait_for(lambda: s.diagnostics("src/repo.test.js", "async-import"))
    assert not s.diagnostics("src/repo.test.js", "require-async")


PLAYWRIGHT_FILES = {
    "package.json": '{"name": "app", "scripts": {"e2e": "playwright test"}}',
    "playwright.config.ts": "export default { testDir: 'e2e' };\n",
    "src/db.ts": "export const db = await Promise.resolve(1);\n",
    "src/esm/package.json": '{"type": "module"}',
    "src/esm/db.ts": "export const db = await Promise.resolve(2);\n",
    "e2e/a.spec.ts": 'import { db } from "../src/db";\nconsole.log(db);\n',
    "e2e/b.spec.ts": 'import { db } from "../src/esm/db";\nconsole.log(db);\n',
    "other/c.spec.ts": 'import { db } from "../src/db";\nconsole.log(db);\n',
}


async def test_playwright_test_files_in_the_editor(lsp):
    """Playwright compiles the test files of its `testDir` into CommonJS (held to Playwright in
    tests/project/test_playwright.py): an error at the import that brings a top-level await in,
    the lazy import() fix where the imported graph is an ES module for Playwright (b.spec.ts),
    not where the await itself is compiled (a.spec.ts); `testDir` edited on disk, the errors
    follow the test files."""
    s = await lsp(PLAYWRIGHT_FILES)
    for f in ("e2e/a.spec.ts", "e2e/b.spec.ts", "other/c.spec.ts"):
        s.open(f)
    assert await wait_for(lambda: s.diagnostics("e2e/a.spec.ts", "require-async")
                          and s.diagnostics("e2e/b.spec.ts", "require-async"))
    assert not s.diagnostics("other/c.spec.ts", "require-async")
    for f, lazy in (("e2e/a.spec.ts", False), ("e2e/b.spec.ts", True)):
        (d,) = s.diagnostics(f, "require-async")
        assert d.message.startswith("Playwright Test (script `e2e` of package.json) compiles this test file into "
                                    "CommonJS")
        titles = [a.title for a in await _actions(s, f, d.range, [d])]
        assert any(t.startswith("Load `") and "lazily" in t for t in titles) is lazy, titles
    s.disk({"playwright.config.ts": "export default { testDir: 'other' };\n"})
    assert await wait_for(lambda: s.diagnostics("other/c.spec.ts", "require-async")
                          and not s.diagnostics("e2e/a.spec.ts", "require-async"))


async def test_jest_preset_edited_on_disk(lsp):
    """Jest's ES module mode with a preset file of the project's that lists `.ts` in
    `extensionsToTreatAsEsm` (held to Jest in tests/project/test_jest_esm_mode.py): the TypeScript
    test file is an ES module, its import an async import; the preset edited on disk to list
    nothing (the server has the client watch that file), the test file is CommonJS and the import
    an error."""
    s = await lsp({
        "package.json": json.dumps({"name": "app", "type": "module", "jest": {"preset": "./tools/esm-preset.json"},
                                    "scripts": {"test": "NODE_OPTIONS=--experimental-vm-modules jest"}}),
        "tools/esm-preset.json": '{"extensionsToTreatAsEsm": [".ts"]}',
        "src/db.ts": "export const db = await Promise.resolve({ ok: true });\n",
        "src/db.test.ts": 'import { db } from "./db";\ntest("db", () => { expect(db.ok).toBe(true); });\n'})
    s.open("src/db.test.ts")
    assert await wait_for(lambda: s.diagnostics("src/db.test.ts", "async-import"))
    assert not s.diagnostics("src/db.test.ts", "require-async")
    assert await wait_for(lambda: _watched(s, "tools/esm-preset.json"))  # (no static glob names it)
    s.disk({"tools/esm-preset.json": '{"extensionsToTreatAsEsm": []}'})
    assert await wait_for(lambda: s.diagnostics("src/db.test.ts", "require-async"))
    (d,) = s.diagnostics("src/db.test.ts", "require-async")
    assert "`.ts` is not in `extensionsToTreatAsEsm`" in d.message, d.message


async def test_tsc_drops_a_reexport_of_a_type_in_the_editor(lsp):
    """A package built by tsc: `export { DbConfig } from "./db.js"` of an interface is dropped by
    tsc (held to tsc and Node in tests/project/test_tsc_reexports.py), so no squiggle; typing
    `class DbConfig {}` into db.ts instead of the interface makes it a value there, and the
    re-export (in a file not open) waits for db — squiggled when opened; undone, not async."""
    s = await lsp({
        "package.json": json.dumps({"name": "api", "type": "module", "scripts": {"build": "tsc"}}),
        "tsconfig.json": json.dumps({"compilerOptions": {"module": "nodenext", "target": "es2022", "outDir": "dist"}}),
        "src/db.ts": "export interface DbConfig { url: string }\nexport const pool = await Promise.resolve({});\n",
        "src/index.ts": 'export { DbConfig } from "./db.js";\n'})
    s.open("src/index.ts")
    assert await s.settle_async("src/index.ts", False)
    assert not s.diagnostics("src/index.ts", "async-import")
    s.open("src/db.ts")
    s.change("src/db.ts", ((0, 0), (0, 41), "export class DbConfig { url = '' }"))
    assert await s.settle_async("src/index.ts", True)
    assert await wait_for(lambda: s.diagnostics("src/index.ts", "async-import"))
    s.change("src/db.ts", ((0, 0), (0, 34), "export interface DbConfig { url: string }"))
    assert await s.settle_async("src/index.ts", False)
    assert await wait_for(lambda: not s.diagnostics("src/index.ts", "async-import"))


async def test_hover_on_a_reexport_tsc_drops(lsp):
    s = await lsp({
        "package.json": json.dumps({"name": "api", "type": "module", "scripts": {"build": "tsc"}}),
        "tsconfig.json": json.dumps({"compilerOptions": {"module": "nodenext", "target": "es2022", "outDir": "dist"}}),
        "src/db.ts": "export interface DbConfig { url: string }\nexport const pool = await Promise.resolve({});\n",
        "src/index.ts": 'export { DbConfig } from "./db.js";\nimport { pool } from "./db.js";\nexport { pool };\n',
        "src/types.ts": 'import { DbConfig } from "./db.js";\nexport { DbConfig as Config };\n'})
    s.open("src/types.ts")
    assert await s.settle_async("src/types.ts", False)
    md = (await s.hover("src/types.ts", 0, 3)).contents.value
    assert md.startswith("**not an async import** — tsc builds this file with the whole program and drops this "
                         "statement: `DbConfig` is only a type in `src/db.ts`, an async module"), md
    s.open("src/index.ts")
    assert await s.settle_async("src/index.ts", True)  # (through its other import)
    assert "**not an async import**" in (await s.hover("src/index.ts", 0, 3)).contents.value
    assert "**async module**" in (await s.hover("src/index.ts", 1, 3)).contents.value
