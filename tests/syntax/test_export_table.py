"""syntax/exports.py: what a TypeScript module exports, value or type (the whole-program tsc
decisions built on it are held to tsc in tests/project/test_tsc_reexports.py), and the import
bindings whose only value uses are the file's own exports."""
from __future__ import annotations

from tla_lens.syntax import Dialect, extract
from tla_lens.syntax.exports import CONST_ENUM, TYPE, VALUE, Export, export_table

SOURCE = b"""
import { I as II } from "./types";
import type { Q } from "./q";
import * as NSX from "./n";
import x = require("m");
interface Local {}
declare const dx: number;
const hidden = 1; type hidden = string;
export interface Iface {}
export type Alias = string;
export const { a, b: [c], ...r } = o, z = 1;
export function f() {}
export abstract class AC {}
export enum E { A }
export const enum CE { A }
export namespace TN { export type X = 1 }
export namespace VN { export const q = 1 }
export declare namespace DN { const a: number }
export module M.N { export const q = 1 }
export default interface DI {}
export { Local, dx as dy, hidden, II, Q, NSX, x, Nope, type Local as TL };
export type { Local as TL2 };
export type * from "./t";
export * as ns from "./m";
export * from "./m2";
export { "a-b" as c2, y as "y z", type k } from "./m";
export import A = N.B;
"""


def test_the_table():
    got = {(e.name, e.meaning, e.specifier, e.imported) for e in export_table(SOURCE, Dialect.TS)}
    assert got == {
        ("Iface", TYPE, None, None), ("Alias", TYPE, None, None),
        ("a", VALUE, None, None), ("c", VALUE, None, None), ("r", VALUE, None, None), ("z", VALUE, None, None),
        ("f", VALUE, None, None), ("AC", VALUE | TYPE, None, None), ("E", VALUE | TYPE, None, None),
        ("CE", CONST_ENUM | TYPE, None, None), ("TN", TYPE, None, None), ("VN", VALUE | TYPE, None, None),
        ("DN", VALUE | TYPE, None, None), ("M", VALUE | TYPE, None, None), ("default", TYPE, None, None),
        ("Local", TYPE, None, None), ("dy", VALUE, None, None), ("hidden", VALUE | TYPE, None, None),
        ("II", 0, "./types", "I"), ("Q", TYPE, None, None), ("NSX", VALUE | TYPE, None, None),
        ("x", VALUE | TYPE, None, None), ("Nope", VALUE, None, None), ("TL", TYPE, None, None),
        ("TL2", TYPE, None, None),
        ("*", TYPE, "./t", "*"), ("ns", VALUE | TYPE, None, None), ("*", 0, "./m2", "*"),
        ("c2", 0, "./m", "a-b"), ("y z", 0, "./m", "y"), ("k", TYPE, "./m", "k"),
        ("A", VALUE | TYPE, None, None),
    }


def test_defaults():
    assert export_table(b"export default class {}\n", Dialect.TS) == (Export("default", VALUE | TYPE),)
    assert export_table(b"export default function () {}\n", Dialect.TS) == (Export("default", VALUE),)
    assert export_table(b"export default 1 + 2;\n", Dialect.TS) == (Export("default", VALUE),)
    assert export_table(b'import { T } from "./t";\nexport default T;\n', Dialect.TS) == (
        Export("default", 0, "./t", "T"),)
    assert export_table(b"type T = 1;\nexport default T;\n", Dialect.TS) == (Export("default", TYPE),)
    assert export_table(b"export { x as default };\nconst x = () => <div/>;\n", Dialect.TSX) == (
        Export("default", VALUE),)


def test_not_es_module_exports():
    assert export_table(b"const x = 1;\nexport = x;\nexport as namespace Q;\n", Dialect.TS) == ()
    assert export_table(b"export { a \n", Dialect.TS) == ()  # (broken text: nothing known)


def test_bindings_used_only_by_local_exports():
    facts = extract(b'import { A, B, C, D } from "./m";\nexport { A };\nexport default B;\n'
                    b'console.log(C);\nexport { C };\nlet t: D;\nexport { D as E };\n'
                    b'function f() { const A = 1; return A; }\n', Dialect.TS)
    (imp,) = facts.imports
    got = {b.local: (b.value_used, b.type_used, b.reexported) for b in imp.bindings}
    assert got == {"A": (True, False, True), "B": (True, False, True), "C": (True, False, False),
                   "D": (True, True, True)}
    # per file the import is kept: exported names are value uses
    assert not imp.erased_default
    # in JavaScript nothing is elided, so nothing is looked for
    (js,) = extract(b'import { A } from "./m";\nexport { A };\n', Dialect.JS).imports
    assert not js.bindings[0].reexported
