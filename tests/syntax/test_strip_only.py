"""TypeScript Node's type stripping refuses, held to Node 26 construct by construct: each
snippet is written as a .mts file and imported by Node; tla-lens must name a construct exactly
where Node throws (ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX, or a SyntaxError for what V8 lacks)."""
from __future__ import annotations

import json
import subprocess

from tla_lens.syntax.strip_only import unsupported

SNIPPETS = [
    # refused
    "enum E { A }", "const enum E { A }", "export enum E { A }",
    "namespace N { export const x = 1; }", "export namespace N { export const x = 1 }",
    "module M { export const x = 1; }", "namespace N { declare const x: 1 }",
    "namespace N { export type T = 1 }\nimport X = N.T;",
    "class C { constructor(private a: number) {} }", "class C { constructor(readonly a: number) {} }",
    "class C { constructor(override a: number) {} }", "class C { constructor(public a?: number) {} }",
    "import fs = require('node:fs');", "const a = 1;\nexport = a;",
    "@dec class C {}\nfunction dec() {}", "class C { @dec m() {} }\nfunction dec() {}",
    "let y = 1;\nconst x = <number>y;", "class B { accessor x = 1 }",
    "const x = (;",
    # run
    "declare enum E { A }", "declare const enum E { A }", "export declare enum E { A }",
    "namespace N { export type T = 1; }", "namespace N { export interface I {} }",
    "namespace N { namespace M { export type T = 1 } }", "namespace A.B { export type T = 1 }", "namespace N { }",
    "declare namespace N { const x: 1; }", "declare module 'x' { const x: 1; }",
    "import type fs = require('node:fs');",
    "let y = 1;\nconst x = y as number;", "let y = 1;\nconst x = y satisfies number;",
    "let y: number | undefined = 1;\nconst x = y!;", "function f<T>(a: T): T { return a; }",
    "abstract class A { abstract m(): void; private x = 1; declare y: number; protected z?: string; }",
    "class C { constructor(a: number, b = 2) {} }", "import type { A } from './nothing.ts';\ninterface I { a: A }",
    "type F = (this: Window, readonly: number) => void;",
    "const o = { readonly: 1, accessor: 2, enum: 3 };",
]


def test_what_node_refuses(node26, tmp_path):
    for i, snippet in enumerate(SNIPPETS):
        (tmp_path / f"s{i}.mts").write_text(snippet + "\nexport {};\n")
    probe = ("const out = [];\nfor (let i = 0; i < %d; i++) {\n"
             "  try { await import(`./s${i}.mts`); out.push(null); } catch (e) { out.push(e.code || e.name); }\n}\n"
             "console.log(JSON.stringify(out));\n" % len(SNIPPETS))
    (tmp_path / "probe.mjs").write_text(probe)
    proc = subprocess.run([str(node26), "probe.mjs"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    node = json.loads(proc.stdout)
    ours = [unsupported((snippet + "\nexport {};\n").encode()) for snippet in SNIPPETS]
    disagree = [(s, n, o) for s, n, o in zip(SNIPPETS, node, ours) if (n is None) != (o is None)]
    assert not disagree, disagree
    assert node.count(None) == 20 and "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX" in node and "SyntaxError" in node
    # where and what, for the message
    text = b"const a = 1;\nclass C { constructor(private a: number) {} }\n"
    assert unsupported(text) == (text.index(b"private"), "a parameter property")
