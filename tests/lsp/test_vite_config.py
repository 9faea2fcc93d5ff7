"""Vite's configuration in the editor: bundled into CommonJS (a package without `"type":
"module"`), its import of an async package is an error; once the package is an ES module, Vite
loads it with import() and nothing is reported on its imports (held to Vite in
tests/resolve/test_vite_config.py)."""
from __future__ import annotations

import asyncio

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
    hover = await s.hover("vite.config.ts", 0, 10)
    assert "Harmless here: Vite bundles vite.config.ts as an ES module" in hover.contents.value, hover.contents.value


async def test_rename_quick_fix(lsp, node26, engines_node_modules, ts5):
    """"Rename vite.config.ts to vite.config.mts": the file renamed and tsconfig.node.json's
    `include` following it; Vite then loads the configuration and tsc still checks it."""
    import os
    import subprocess

    from lsprotocol import types as T

    from .conftest import capabilities
    from .test_actions import _actions, _by_title

    files = dict(FILES)
    files["tsconfig.json"] = '{"files": [], "references": [{"path": "./tsconfig.node.json"}]}\n'
    files["tsconfig.node.json"] = ('{\n  "compilerOptions": {"composite": true, "module": "ESNext", '
                                   '"moduleResolution": "bundler", "skipLibCheck": true, "noEmit": true},\n'
                                   '  // the configuration\n  "include": ["vite.config.ts"]\n}\n')
    files["node_modules/vite/package.json"] = (engines_node_modules / "vite" / "package.json").read_text()
    caps = capabilities(resource_operations=[T.ResourceOperationKind.Rename])
    s = await lsp(files, caps=caps)
    s.open("vite.config.ts")
    assert await wait_for(lambda: s.diagnostics("vite.config.ts", "require-async"))
    (d,) = s.diagnostics("vite.config.ts", "require-async")
    action = _by_title(await _actions(s, "vite.config.ts", d.range, [d]), "Rename vite.config.ts")
    assert action.title == ("Rename vite.config.ts to vite.config.mts (Vite then loads it as an ES module, with "
                            "import()) and name it so in tsconfig.node.json")
    *edits, rename = action.edit.document_changes
    assert isinstance(rename, T.RenameFile) and rename.new_uri == s.uri("vite.config.mts")
    (tsconfig,) = edits
    text = s.path("tsconfig.node.json").read_text()
    for e in tsconfig.edits:  # (one line each here)
        line = text.split("\n")[e.range.start.line]
        text = text.replace(line, line[:e.range.start.character] + e.new_text + line[e.range.end.character:])
    assert '"include": ["vite.config.mts"]' in text and "// the configuration" in text
    content = s.path("vite.config.ts").read_text()
    s.close("vite.config.ts")
    s.disk({"tsconfig.node.json": text, "vite.config.ts": None, "vite.config.mts": content})
    s.open("vite.config.mts")
    assert await wait_for(lambda: s.diagnostics("vite.config.mts") == [] and not s.diagnostics("vite.config.ts"))
    # the engines: Vite loads the renamed configuration, tsc checks it
    vite = subprocess.run([str(node26), str(engines_node_modules / "vite/bin/vite.js"), "build"], cwd=s.root,
                          capture_output=True, text=True, timeout=120)
    assert vite.returncode == 0, vite.stdout + vite.stderr
    tsc = subprocess.run([str(node26), str(ts5 / "bin" / "tsc"), "-p", "tsconfig.node.json", "--listFilesOnly"],
                         cwd=s.root, capture_output=True, text=True, timeout=120)
    listed = [os.path.basename(f) for f in tsc.stdout.split()]
    assert "vite.config.mts" in listed, tsc.stdout + tsc.stderr


NEXT = {
    "package.json": '{"name": "site", "private": true, "scripts": {"build": "next build"}, '
                    '"dependencies": {"next": "16.5.0"}}',
    "next.config.ts": "import { plugin } from 'asyncpkg';\nexport default { env: { X: typeof plugin } };\n",
    "node_modules/asyncpkg/package.json": FILES["node_modules/asyncpkg/package.json"],
    "node_modules/asyncpkg/index.js": FILES["node_modules/asyncpkg/index.js"],
}


async def test_next_configuration_follows_its_name(lsp):
    """next.config.ts (require()d once SWC made it CommonJS): an error; renamed next.config.mts
    (import()ed), nothing (held to Next.js in tests/resolve/test_next_config.py)."""
    s = await lsp(NEXT)
    s.open("next.config.ts")
    assert await wait_for(lambda: s.diagnostics("next.config.ts", "async-entry"))
    (d,) = s.diagnostics("next.config.ts", "async-entry")
    assert d.severity == 1 and "ERR_REQUIRE_ASYNC_MODULE" in d.message, d
    hover = await s.hover("next.config.ts", 0, 10)
    assert "Next.js compiles next.config.ts into CommonJS with SWC and loads it with require(): an async module " \
           "here makes Node throw" in hover.contents.value, hover.contents.value
    assert not s.diagnostics("next.config.ts", "async-import")
    content = s.path("next.config.ts").read_text()
    s.close("next.config.ts")
    s.disk({"next.config.ts": None, "next.config.mts": content})
    s.open("next.config.mts")
    assert await wait_for(lambda: not s.diagnostics("next.config.ts"))
    assert await s.is_async("next.config.mts")  # (analysed: async, and nothing to say about it)
    await asyncio.sleep(0.5)
    assert s.diagnostics("next.config.mts") == []


async def test_next_rename_quick_fix(lsp):
    """"Rename next.config.ts to next.config.mts" on its async-entry error: the file renamed and
    tsconfig.json's `"**/*.ts"` include given the new name; where Node could not load it (an
    import without the file's extension), the action is there, disabled, saying why (held to
    Next.js and tsc in tests/fixes/test_next_config_rename.py)."""
    from lsprotocol import types as T

    from .conftest import capabilities
    from .test_actions import _actions, _by_title

    files = dict(NEXT)
    files["next.config.ts"] = ("import { plugin } from 'asyncpkg';\nimport { env } from './env.ts';\n"
                               "export default { env: { X: typeof plugin + env } };\n")
    files["env.ts"] = "export const env: string = 'x';\n"
    files["tsconfig.json"] = '{\n  "compilerOptions": { "strict": true },\n  "include": ["next-env.d.ts", "**/*.ts"]\n}\n'
    caps = capabilities(resource_operations=[T.ResourceOperationKind.Rename])
    s = await lsp(files, caps=caps)
    s.open("next.config.ts")
    assert await wait_for(lambda: s.diagnostics("next.config.ts", "async-entry"))
    (d,) = s.diagnostics("next.config.ts", "async-entry")
    action = _by_title(await _actions(s, "next.config.ts", d.range, [d]), "Rename next.config.ts")
    assert action.title == ("Rename next.config.ts to next.config.mts (Next.js then loads it with import(), Node "
                            "stripping its types) and name it so in tsconfig.json")
    assert action.disabled is None and action.is_preferred
    *edits, rename = action.edit.document_changes
    assert isinstance(rename, T.RenameFile) and rename.new_uri == s.uri("next.config.mts")
    (tsconfig,) = edits
    (e,) = tsconfig.edits
    line = s.path("tsconfig.json").read_text().split("\n")[e.range.start.line]
    assert e.new_text == ', "next.config.mts"' and e.range.start == e.range.end, e
    assert line[:e.range.start.character].endswith('"**/*.ts"') and line[e.range.start.character:] == "]", line
    # the import of env.ts without its extension: Node would not find it
    s.replace("next.config.ts", s.path("next.config.ts").read_text().replace("'./env.ts'", "'./env'"))
    await asyncio.sleep(0.5)
    assert await wait_for(lambda: s.diagnostics("next.config.ts", "async-entry"))
    (d,) = s.diagnostics("next.config.ts", "async-entry")
    action = _by_title(await _actions(s, "next.config.ts", d.range, [d]), "Rename next.config.ts")
    assert action.edit is None and action.disabled is not None
    assert action.disabled.reason == ("`./env` in next.config.ts: Node needs the file's own name (`./env.ts`), as "
                                      "it keeps each import as written"), action.disabled


async def test_next_native_flag_follows_the_imports(lsp):
    """`next build --experimental-next-config-strip-types`: Next.js import()s next.config.ts
    where Node can load it; an import without the file's extension makes it fall back to SWC's
    CommonJS, and the await below fails it; written with the extension, nothing (held to Next.js
    in tests/resolve/test_next_config.py)."""
    files = dict(NEXT)
    files["package.json"] = ('{"name": "site", "private": true, "scripts": {"build": "next build '
                             '--experimental-next-config-strip-types"}, "dependencies": {"next": "16.5.0"}}')
    files["next.config.ts"] = "import { v } from './lib/value';\nexport default { env: { X: v } };\n"
    files["lib/value.ts"] = "export const v: string = await Promise.resolve('2');\n"
    s = await lsp(files)
    s.open("next.config.ts")
    assert await wait_for(lambda: s.diagnostics("next.config.ts", "async-entry"))
    (d,) = s.diagnostics("next.config.ts", "async-entry")
    assert "but Node could not: `./lib/value` in next.config.ts: Node needs the file's own name" in d.message
    s.replace("next.config.ts", files["next.config.ts"].replace("'./lib/value'", "'./lib/value.ts'"))
    assert await wait_for(lambda: not s.diagnostics("next.config.ts"))
    hover = await s.hover("next.config.ts", 0, 10)
    assert "Next.js loads next.config.ts with import(), Node stripping its types" in hover.contents.value, \
        hover.contents.value
    s.replace("next.config.ts", files["next.config.ts"])  # (and back)
    assert await wait_for(lambda: s.diagnostics("next.config.ts", "async-entry"))


async def test_next_native_flag_follows_what_type_stripping_refuses(lsp):
    """Under the flag, an enum typed into a file next.config.ts loads (no import changed):
    Node's type stripping refuses it, Next.js falls back to SWC's CommonJS and the await below
    fails it (held to Next.js in tests/resolve/test_next_config.py); deleted again, nothing."""
    files = dict(NEXT)
    files["package.json"] = ('{"name": "site", "private": true, "scripts": {"build": "next build '
                             '--experimental-next-config-strip-types"}, "dependencies": {"next": "16.5.0"}}')
    files["next.config.ts"] = "import { v } from './lib/value.ts';\nexport default { env: { X: v } };\n"
    files["lib/value.ts"] = "export const v: string = await Promise.resolve('2');\n"
    s = await lsp(files)
    s.open("lib/value.ts")
    s.open("next.config.ts")
    assert await s.is_async("next.config.ts")
    assert s.diagnostics("next.config.ts") == []
    s.replace("lib/value.ts", files["lib/value.ts"] + "export enum Mode { A, B }\n")
    assert await wait_for(lambda: s.diagnostics("next.config.ts", "async-entry"))
    (d,) = s.diagnostics("next.config.ts", "async-entry")
    assert "but Node could not: an enum at lib/value.ts:2: Node's type stripping refuses it" in d.message, d.message
    s.replace("lib/value.ts", files["lib/value.ts"])
    assert await wait_for(lambda: not s.diagnostics("next.config.ts"))


async def test_next_rename_quick_fix_from_a_file_it_loads(lsp):
    """The require-async error of an import() in a file next.config.ts loads (Next.js's require
    hook compiles it with SWC) offers the rename of next.config.ts too: renamed, Node loads both
    itself, the import() stays one, and nothing is left to say (held to Next.js in
    tests/resolve/test_next_config.py and tests/fixes/test_next_config_rename.py)."""
    from lsprotocol import types as T

    from .conftest import capabilities
    from .test_actions import _actions, _by_title

    files = dict(NEXT)
    files["next.config.ts"] = "import { load } from './lib/load.ts';\nexport default async () => ({ env: { X: await load() } });\n"
    files["lib/load.ts"] = "export const load = async (): Promise<string> => typeof (await import('asyncpkg')).plugin;\n"
    s = await lsp(files, caps=capabilities(resource_operations=[T.ResourceOperationKind.Rename]))
    s.open("lib/load.ts")
    assert await wait_for(lambda: s.diagnostics("lib/load.ts", "require-async"))
    (d,) = s.diagnostics("lib/load.ts", "require-async")
    action = _by_title(await _actions(s, "lib/load.ts", d.range, [d]), "Rename next.config.ts")
    assert action.title.startswith("Rename next.config.ts to next.config.mts (Next.js then loads it with import()")
    assert action.disabled is None
    (rename,) = action.edit.document_changes
    assert isinstance(rename, T.RenameFile) and rename.old_uri == s.uri("next.config.ts") and \
        rename.new_uri == s.uri("next.config.mts")
    s.disk({"next.config.ts": None, "next.config.mts": files["next.config.ts"]})  # (as the editor renames it)
    assert await wait_for(lambda: not s.diagnostics("lib/load.ts", "require-async"))
    # where Node could not load it (an import without its extension), disabled, saying why
    s.disk({"next.config.mts": None, "next.config.ts": files["next.config.ts"].replace("'./lib/load.ts'", "'./lib/load'")})
    assert await wait_for(lambda: s.diagnostics("lib/load.ts", "require-async"))
    (d,) = s.diagnostics("lib/load.ts", "require-async")
    action = _by_title(await _actions(s, "lib/load.ts", d.range, [d]), "Rename next.config.ts")
    assert action.edit is None and action.disabled is not None
    assert "`./lib/load` in next.config.ts: Node needs the file's own name (`./lib/load.ts`)" in action.disabled.reason
