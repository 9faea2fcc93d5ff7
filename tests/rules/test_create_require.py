"""require functions made by Node's `createRequire` are require() calls: held to Node 26, which
throws ERR_REQUIRE_ASYNC_MODULE when one of them loads an async module."""
from __future__ import annotations

import subprocess

from tla_lens.project import analyse

TLA = "export const v = await Promise.resolve(1);\n"
SYNC = "export const v = 1;\n"

# file name -> (source; whether it loads ./tla.mjs through a require function when it runs)
CASES = {
    "named.mjs": ('import { createRequire } from "node:module";\n'
                  'const req = createRequire(import.meta.url);\n'
                  'export const x = req("./tla.mjs");\n', True),
    "renamed.mjs": ('import { createRequire as make } from "module";\n'
                    'const load = make(import.meta.filename);\n'
                    'export const x = load("./tla.mjs");\n', True),
    "namespace.mjs": ('import * as m from "node:module";\n'
                      'export const r = m.createRequire(import.meta.url);\n'
                      'export const x = r("./tla.mjs");\n', True),
    "default.mjs": ('import nodeModule from "node:module";\n'
                    'let r = nodeModule.createRequire(import.meta.url);\n'
                    'export const x = r("./tla.mjs");\n', True),
    "direct.mjs": ('import { createRequire } from "node:module";\n'
                   'export const x = createRequire(import.meta.url)("./tla.mjs");\n', True),
    "in_function.mjs": ('import { createRequire } from "node:module";\n'
                        'const req = createRequire(import.meta.url);\n'
                        'function load() {\n  return req("./tla.mjs");\n}\n'
                        'export const x = load();\n', True),
    "sync_target.mjs": ('import { createRequire } from "node:module";\n'
                        'const req = createRequire(import.meta.url);\n'
                        'export const x = req("./sync.mjs");\n', False),
    "shadowed.mjs": ('import { createRequire } from "node:module";\n'
                     'const req = createRequire(import.meta.url);\n'
                     'function call(req) {\n  return req("./tla.mjs");\n}\n'
                     'export const x = call((s) => s);\n', False),
    "not_node_module.mjs": ('import { createRequire } from "./fake.mjs";\n'
                            'const req = createRequire(import.meta.url);\n'
                            'export const x = req("./tla.mjs");\n', False),
}


def test_create_require_against_node(workspace, node26):
    files = {"package.json": '{"name": "cr", "type": "module"}\n', "tla.mjs": TLA,
             "sync.mjs": SYNC, "fake.mjs": "export const createRequire = () => (s) => s;\n"}
    files.update({name: src for name, (src, _) in CASES.items()})
    root = workspace(files)
    a = analyse(root)
    reported = {f.path.name for f in a.findings if f.code == "require-async"}
    for name, (_, loads) in CASES.items():
        run = subprocess.run([str(node26), name], cwd=root, capture_output=True, text=True, timeout=60)
        throws = "ERR_REQUIRE_ASYNC_MODULE" in run.stderr
        assert throws == loads, (name, run.stderr)
        assert (name in reported) == throws, (name, sorted(reported))


def test_create_require_message_names_the_function(workspace):
    root = workspace({"package.json": '{"type": "module"}\n', "tla.mjs": TLA,
                      "a.mjs": CASES["named.mjs"][0], "b.mjs": CASES["direct.mjs"][0]})
    a = analyse(root)
    msgs = {f.path.name: f.message for f in a.findings if f.code == "require-async"}
    assert msgs["a.mjs"].startswith('`req("./tla.mjs")` (a require function made by `createRequire`) loads an async module')
    assert msgs["b.mjs"].startswith('`createRequire(import.meta.url)("./tla.mjs")` loads an async module')


def test_another_base_is_not_followed(workspace):
    # made for another folder: its relative specifiers are not this file's (not followed)
    root = workspace({"package.json": '{"type": "module"}\n', "tla.mjs": TLA,
                      "a.mjs": 'import { createRequire } from "node:module";\n'
                               'const req = createRequire("/elsewhere/");\n'
                               'export const x = () => req("./tla.mjs");\n'})
    a = analyse(root)
    assert [f for f in a.findings if f.code == "require-async"] == []
