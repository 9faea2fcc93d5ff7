"""lazy_import: a static import -> `await import()` in the functions that use it."""
from __future__ import annotations

import pytest

from tla_lens.fixes import Fix, Refusal, lazy_import
from tla_lens.syntax import Dialect, extract

from .helpers import apply_fix, refused

JS, TS, TSX, JSX = Dialect.JS, Dialect.TS, Dialect.TSX, Dialect.JSX


def lazy(src: str, dialect: Dialect = JS, specifier: str | None = None, index: int | None = None):
    """(fix, new text) for the import of ``specifier`` (default: the first import)."""
    data = src.encode()
    if index is None:
        imports = extract(data, dialect).imports
        index = 0 if specifier is None else next(i for i, imp in enumerate(imports) if imp.specifier == specifier)
    fix = lazy_import(data, dialect, index)
    spec = extract(data, dialect).imports[index].specifier
    return fix, apply_fix(fix, data, dialect, spec)


# ---------------------------------------------------------------------------------------
# Binding forms


def test_named_import_in_async_function_is_preferred():
    fix, out = lazy(
        'import { createUser } from "./UserApi.js";\n'
        'import { log } from "./log.js";\n'
        "\n"
        "export async function save(user) {\n"
        "  log(user);\n"
        "  return createUser(user);\n"
        "}\n"
    )
    assert out == (
        'import { log } from "./log.js";\n'
        "\n"
        "export async function save(user) {\n"
        '  const { createUser } = await import("./UserApi.js");\n'
        "  log(user);\n"
        "  return createUser(user);\n"
        "}\n"
    )
    assert fix.title == "Load `./UserApi.js` lazily with `import()`"
    assert fix.preferred is True
    assert fix.functions_made_async == []


def test_default_import():
    fix, out = lazy(
        "import api from './api.js';\n"
        "export async function load() {\n"
        "  return api.get();\n"
        "}\n"
    )
    assert out == (
        "export async function load() {\n"
        "  const { default: api } = await import('./api.js');\n"
        "  return api.get();\n"
        "}\n"
    )


def test_renamed_and_default_plus_named():
    _, out = lazy(
        "import api, { a as b, c } from './m.js';\n"
        "export async function f() {\n"
        "  return [b(), c, api];\n"
        "}\n"
        "export async function g() {\n"
        "  return b();\n"
        "}\n"
    )
    assert out == (
        "export async function f() {\n"
        "  const { default: api, a: b, c } = await import('./m.js');\n"
        "  return [b(), c, api];\n"
        "}\n"
        "export async function g() {\n"
        "  const { a: b } = await import('./m.js');\n"
        "  return b();\n"
        "}\n"
    )


def test_namespace_import():
    _, out = lazy(
        "import * as db from './db.js';\n"
        "export async function q(sql) {\n"
        "  return db.query(sql);\n"
        "}\n"
    )
    assert out == (
        "export async function q(sql) {\n"
        "  const db = await import('./db.js');\n"
        "  return db.query(sql);\n"
        "}\n"
    )


def test_namespace_and_default():
    _, out = lazy(
        "import api, * as ns from './m.js';\n"
        "export async function f() {\n"
        "  return api(ns.x);\n"
        "}\n"
    )
    assert out == (
        "export async function f() {\n"
        "  const ns = await import('./m.js');\n"
        "  const { default: api } = ns;\n"
        "  return api(ns.x);\n"
        "}\n"
    )


def test_string_export_name():
    _, out = lazy(
        "import { 'a-b' as ab } from './m.js';\n"
        "export async function f() {\n"
        "  return ab;\n"
        "}\n"
    )
    assert "const { 'a-b': ab } = await import('./m.js');" in out


def test_only_used_bindings_per_function_and_unused_dropped():
    _, out = lazy(
        "import { a, b, unused } from './m.js';\n"
        "async function f() { return a; }\n"
        "async function g() { return b; }\n"
    )
    assert out == (
        "async function f() { const { a } = await import('./m.js'); return a; }\n"
        "async function g() { const { b } = await import('./m.js'); return b; }\n"
    )


# ---------------------------------------------------------------------------------------
# Functions that become async


def test_several_functions_made_async_not_preferred():
    fix, out = lazy(
        'import { createUser, loadUser } from "./UserApi.js";\n'
        "\n"
        "function save(u) {\n"
        "  return createUser(u);\n"
        "}\n"
        "const load = function (id) {\n"
        "  return loadUser(id);\n"
        "};\n"
    )
    assert out == (
        "\n"
        "async function save(u) {\n"
        '  const { createUser } = await import("./UserApi.js");\n'
        "  return createUser(u);\n"
        "}\n"
        "const load = async function (id) {\n"
        '  const { loadUser } = await import("./UserApi.js");\n'
        "  return loadUser(id);\n"
        "};\n"
    )
    assert fix.title == "Load `./UserApi.js` lazily with `import()` (makes `save`, `load` async)"
    assert fix.functions_made_async == ["save", "load"]
    assert fix.preferred is False


def test_arrow_with_expression_body():
    fix, out = lazy(
        "import { createUser } from './UserApi.js';\n"
        "export const make = (u) => createUser(u);\n"
        "items.forEach(u => createUser({ ...u }));\n"
    )
    assert out == (
        "export const make = async (u) => {\n"
        "  const { createUser } = await import('./UserApi.js');\n"
        "  return createUser(u);\n"
        "};\n"
        "items.forEach(async u => {\n"
        "  const { createUser } = await import('./UserApi.js');\n"
        "  return createUser({ ...u });\n"
        "});\n"
    )
    assert fix.functions_made_async == ["make", "the arrow function on line 3"]


def test_arrow_returning_object_literal_and_indented():
    _, out = lazy(
        "import { a } from './m.js'\n"
        "export function f() {\n"
        "    return () => ({ v: a })\n"
        "}\n"
    )
    # the outer function does not use `a` itself: the arrow takes the import
    assert out == (
        "export function f() {\n"
        "    return async () => {\n"
        "        const { a } = await import('./m.js')\n"
        "        return ({ v: a })\n"
        "    }\n"
        "}\n"
    )


def test_methods_object_and_class():
    fix, out = lazy(
        "import { api } from './api.js';\n"
        "export class Service {\n"
        "  static async create() {\n"
        "    return api.create();\n"
        "  }\n"
        "  fetch(id) {\n"
        "    return api.get(id);\n"
        "  }\n"
        "  #priv() { return api; }\n"
        "}\n"
        "export const o = {\n"
        "  run() {\n"
        "    api.run();\n"
        "  },\n"
        "};\n"
    )
    assert out == (
        "export class Service {\n"
        "  static async create() {\n"
        "    const { api } = await import('./api.js');\n"
        "    return api.create();\n"
        "  }\n"
        "  async fetch(id) {\n"
        "    const { api } = await import('./api.js');\n"
        "    return api.get(id);\n"
        "  }\n"
        "  async #priv() { const { api } = await import('./api.js'); return api; }\n"
        "}\n"
        "export const o = {\n"
        "  async run() {\n"
        "    const { api } = await import('./api.js');\n"
        "    api.run();\n"
        "  },\n"
        "};\n"
    )
    assert fix.functions_made_async == ["fetch", "#priv", "run"]


def test_nested_functions_outer_takes_the_import():
    fix, out = lazy(
        "import { fmt, parse } from './m.js';\n"
        "export async function outer(xs) {\n"
        "  const inner = (x) => parse(x);\n"
        "  function deeper() {\n"
        "    return () => fmt(1);\n"
        "  }\n"
        "  return xs.map(inner).map(fmt);\n"
        "}\n"
    )
    assert out == (
        "export async function outer(xs) {\n"
        "  const { fmt, parse } = await import('./m.js');\n"
        "  const inner = (x) => parse(x);\n"
        "  function deeper() {\n"
        "    return () => fmt(1);\n"
        "  }\n"
        "  return xs.map(inner).map(fmt);\n"
        "}\n"
    )
    assert fix.preferred is True and fix.functions_made_async == []


def test_nested_function_only_inner_uses():
    fix, out = lazy(
        "import { fmt } from './m.js';\n"
        "export function outer(xs) {\n"
        "  return xs.map(async (x) => {\n"
        "    return fmt(x);\n"
        "  });\n"
        "}\n"
    )
    assert out == (
        "export function outer(xs) {\n"
        "  return xs.map(async (x) => {\n"
        "    const { fmt } = await import('./m.js');\n"
        "    return fmt(x);\n"
        "  });\n"
        "}\n"
    )
    assert fix.preferred is True


def test_parameter_default_is_hosted_by_the_enclosing_function():
    _, out = lazy(
        "import { def } from './m.js';\n"
        "export async function f() {\n"
        "  const g = (x = def) => x;\n"
        "  return g();\n"
        "}\n"
    )
    assert out == (
        "export async function f() {\n"
        "  const { def } = await import('./m.js');\n"
        "  const g = (x = def) => x;\n"
        "  return g();\n"
        "}\n"
    )


def test_class_field_inside_a_function_is_hosted_by_the_function():
    _, out = lazy(
        "import { make } from './m.js';\n"
        "export async function f() {\n"
        "  class C { x = make(); }\n"
        "  return new C();\n"
        "}\n"
    )
    assert "  const { make } = await import('./m.js');\n  class C { x = make(); }" in out


def test_async_generator_is_fine():
    fix, out = lazy(
        "import { rows } from './m.js';\n"
        "export async function* all() {\n"
        "  yield* rows();\n"
        "}\n"
    )
    assert out == (
        "export async function* all() {\n"
        "  const { rows } = await import('./m.js');\n"
        "  yield* rows();\n"
        "}\n"
    )
    assert fix.preferred


def test_directive_prologue_stays_first():
    _, out = lazy(
        "import { a } from './m.js';\n"
        "async function f() {\n"
        "  'use strict';\n"
        "  return a;\n"
        "}\n"
    )
    assert out == (
        "async function f() {\n"
        "  'use strict';\n"
        "  const { a } = await import('./m.js');\n"
        "  return a;\n"
        "}\n"
    )


def test_shadowed_names_are_not_uses():
    fix, out = lazy(
        "import { a } from './m.js';\n"
        "function p(a) { return a; }\n"
        "function q() { const a = 1; return a; }\n"
        "function r() { for (const a of []) a; try {} catch (a) { a; } var b = () => { var a; a; }; }\n"
        "async function s() { return a; }\n"
    )
    assert out == (
        "function p(a) { return a; }\n"
        "function q() { const a = 1; return a; }\n"
        "function r() { for (const a of []) a; try {} catch (a) { a; } var b = () => { var a; a; }; }\n"
        "async function s() { const { a } = await import('./m.js'); return a; }\n"
    )
    assert fix.preferred


def test_jsx_component():
    fix, out = lazy(
        "import Chart from './Chart.jsx';\n"
        "export async function render() {\n"
        "  return <div><Chart /></div>;\n"
        "}\n",
        JSX,
    )
    assert out == (
        "export async function render() {\n"
        "  const { default: Chart } = await import('./Chart.jsx');\n"
        "  return <div><Chart /></div>;\n"
        "}\n"
    )


# ---------------------------------------------------------------------------------------
# Style


def test_double_quotes_kept():
    _, out = lazy('import { a } from "./m.js";\nasync function f() {\n  a();\n}\n')
    assert '  const { a } = await import("./m.js");\n' in out


def test_no_semicolon_style_and_asi_hazard():
    _, out = lazy(
        "import { a } from './m.js'\n"
        "import b from './b.js'\n"
        "async function f() {\n"
        "  a()\n"
        "}\n"
        "async function g() {\n"
        "  ;[a].forEach(x => x)\n"
        "}\n"
        "async function h() {\n"
        "  (a || b)()\n"
        "}\n"
    )
    assert out == (
        "import b from './b.js'\n"
        "async function f() {\n"
        "  const { a } = await import('./m.js')\n"
        "  a()\n"
        "}\n"
        "async function g() {\n"
        "  const { a } = await import('./m.js')\n"
        "  ;[a].forEach(x => x)\n"
        "}\n"
        "async function h() {\n"
        "  const { a } = await import('./m.js');\n"
        "  (a || b)()\n"
        "}\n"
    )


def test_brace_spacing_follows_the_import():
    _, out = lazy("import {a, b as c} from './m.js';\nasync function f() { return a + c; }\n")
    assert out == "async function f() { const {a, b: c} = await import('./m.js'); return a + c; }\n"


def test_crlf_file():
    src = (
        "import { a } from './m.js';\r\n"
        "\r\n"
        "const f = (x) => a(x);\r\n"
        "function g() {\r\n"
        "  return a;\r\n"
        "}\r\n"
    )
    _, out = lazy(src)
    assert out == (
        "\r\n"
        "const f = async (x) => {\r\n"
        "  const { a } = await import('./m.js');\r\n"
        "  return a(x);\r\n"
        "};\r\n"
        "async function g() {\r\n"
        "  const { a } = await import('./m.js');\r\n"
        "  return a;\r\n"
        "}\r\n"
    )


def test_tabs():
    _, out = lazy(
        "import { a } from './m.js';\n"
        "export class K {\n"
        "\trun() {\n"
        "\t\treturn [1].map((x) => a(x));\n"
        "\t}\n"
        "}\n"
    )
    assert out == (
        "export class K {\n"
        "\trun() {\n"
        "\t\treturn [1].map(async (x) => {\n"
        "\t\t\tconst { a } = await import('./m.js');\n"
        "\t\t\treturn a(x);\n"
        "\t\t});\n"
        "\t}\n"
        "}\n"
    )


def test_four_space_indent_unit_for_new_blocks():
    _, out = lazy(
        "import { a } from './m.js';\n"
        "function f() {\n"
        "    return 1;\n"
        "}\n"
        "export const g = () => a;\n"
    )
    assert out.endswith(
        "export const g = async () => {\n"
        "    const { a } = await import('./m.js');\n"
        "    return a;\n"
        "};\n"
    )


def test_import_not_alone_on_its_line():
    _, out = lazy("import { a } from './m.js'; import { b } from './b.js';\nasync function f() { return a + b; }\n")
    assert out == "import { b } from './b.js';\nasync function f() { const { a } = await import('./m.js'); return a + b; }\n"


def test_one_line_function_body():
    fix, out = lazy("import { a } from './m.js';\nfunction f() { return a }\n")
    assert out == "async function f() { const { a } = await import('./m.js'); return a }\n"


# ---------------------------------------------------------------------------------------
# TypeScript


def test_ts_mixed_type_and_value_uses():
    fix, out = lazy(
        "import { User, type Role, createUser, unused } from './user';\n"
        "import { log } from './log';\n"
        "\n"
        "export function save(u: User, r: Role): User {\n"
        "  log(r);\n"
        "  return createUser(u);\n"
        "}\n",
        TS,
        "./user",
    )
    assert out == (
        "import type { User, Role } from './user';\n"
        "import { log } from './log';\n"
        "\n"
        "export async function save(u: User, r: Role): Promise<User> {\n"
        "  const { createUser } = await import('./user');\n"
        "  log(r);\n"
        "  return createUser(u);\n"
        "}\n"
    )
    assert fix.functions_made_async == ["save"]


def test_ts_binding_used_as_type_and_value():
    _, out = lazy(
        "import Client, * as types from './client'\n"
        "\n"
        "export const connect = async (url: string): Promise<Client> => {\n"
        "  const c: types.Options = { url }\n"
        "  return new Client(c)\n"
        "}\n",
        TS,
    )
    assert out == (
        "import type Client from './client'\n"
        "import type * as types from './client'\n"
        "\n"
        "export const connect = async (url: string): Promise<Client> => {\n"
        "  const { default: Client } = await import('./client')\n"
        "  const c: types.Options = { url }\n"
        "  return new Client(c)\n"
        "}\n"
    )


def test_tsx_arrow_method_with_generics():
    fix, out = lazy(
        "import { fetchAll } from './api';\n"
        "export class Store<T> {\n"
        "  private items: T[] = [];\n"
        "  load = <K,>(k: K): T[] => fetchAll<T>(k);\n"
        "}\n",
        TSX,
    )
    assert out == (
        "export class Store<T> {\n"
        "  private items: T[] = [];\n"
        "  load = async <K,>(k: K): Promise<T[]> => {\n"
        "    const { fetchAll } = await import('./api');\n"
        "    return fetchAll<T>(k);\n"
        "  };\n"
        "}\n"
    )
    assert fix.functions_made_async == ["load"]


# ---------------------------------------------------------------------------------------
# Refusals


@pytest.mark.parametrize(
    "src, dialect, fragments",
    [
        ("import { a } from './m.js';\na();\n", JS, ["`a` is used at module top level (line 2)"]),
        ("import { a } from './m.js';\nexport default a;\n", JS, ["module top level"]),
        ("import { a } from './m.js';\nif (x) { console.log(a) }\n", JS, ["module top level"]),
        ("import { a } from './m.js';\nclass C extends a {}\n", JS, ["module top level"]),
        ("import { a } from './m.js';\nclass C { x = a; }\n", JS, ["class field initializer (line 2)"]),
        ("import { a } from './m.js';\nclass C { static { a(); } }\n", JS, ["class static block"]),
        ("import { a } from './m.js';\nfunction* g() { yield a; }\n", JS, ["`g` is a generator function"]),
        ("import { a } from './m.js';\nclass C { *g() { yield a; } }\n", JS, ["`g` is a generator function"]),
        ("import { a } from './m.js';\nexport { a };\n", JS, ["`a` is re-exported"]),
        ("import { a } from './m.js';\nexport { a as b };\n", JS, ["re-exported"]),
        ("export { a } from './m.js';\n", JS, ["re-exports the module"]),
        ("export * from './m.js';\n", JS, ["re-exports the module"]),
        ("import './m.js';\n", JS, ["side effects"]),
        ("import {} from './m.js';\n", JS, ["side effects"]),
        ("import { a } from './m.js';\nfunction f() {}\n", JS, ["no binding is used as a value"]),
        ("import { a } from './m.js';\nfunction f(x = a) {}\n", JS, ["parameters of `f`"]),
        ("import { a } from './m.js';\nclass C { get v() { return a; } }\n", JS, ["`v` is a getter"]),
        ("import { a } from './m.js';\nclass C { set v(x) { a(x); } }\n", JS, ["`v` is a setter"]),
        ("import { a } from './m.js';\nclass C { constructor() { a(); } }\n", JS, ["`constructor` is a constructor"]),
        ("import d from './d.json' with { type: 'json' };\nfunction f() { return d; }\n", JS, ["attributes"]),
        ("import type { T } from './m';\nlet x: T;\n", TS, ["type-only import"]),
        ("import { T } from './m';\nlet x: T;\n", TS, ["convert it to `import type`"]),
        ("import { a } from './m';\nnamespace N { a(); }\n", TS, ["module top level"]),
        ("import { a } from './m';\nenum E { X = a }\n", TS, ["module top level"]),
        ("import { a } from './m';\nfunction isA(x: unknown): x is string { return a(x); }\n", TS, ["type predicate"]),
        ("import { dec } from './m';\n@dec class C {}\n", TS, ["module top level"]),
    ],
)
def test_refusals(src, dialect, fragments):
    result = lazy_import(src.encode(), dialect, 0)
    refused(result, *fragments)
    assert result.title.startswith("Load `")


def test_top_level_use_refused_even_with_function_uses():
    src = b"import { a } from './m.js';\nasync function f() { a(); }\nconsole.log(a);\n"
    refused(lazy_import(src, JS, 0), "`a` is used at module top level (line 3)")


def test_bad_index():
    assert isinstance(lazy_import(b"import a from 'a';\n", JS, 5), Refusal)


def test_deep_nesting_does_not_crash():
    depth = 20000
    src = "import { a } from './m.js';\nasync function f() { return " + "(" * depth + "a" + ")" * depth + "; }\n"
    result = lazy_import(src.encode(), JS, 0)
    assert isinstance(result, (Fix, Refusal))


# -- Vue and Svelte components: the script's functions load the module; the template must not
# need the binding, nor call (outside an event handler) a function the fix makes async ---------

SVELTE_LOAD = """<script lang="ts">
  import { db } from './db';
  let rows = $state<unknown[]>([]);
  function load() {
    rows = db.query();
  }
</script>

<button onclick={load}>Load</button>
<p>{rows.length}</p>
"""
VUE_SAVE = """<template>
  <button @click="save">Save</button> <p>{{ label }}</p>
</template>

<script setup lang="ts">
import { db } from './db'
const label = 'users'
async function save() {
  await db.save()
}
</script>
"""


def test_svelte_component_handler_gets_the_import():
    from tla_lens.fixes import Fix, apply_edits, lazy_import

    fix = lazy_import(SVELTE_LOAD.encode(), Dialect.SVELTE, 0)
    assert isinstance(fix, Fix) and fix.functions_made_async == ["load"], fix
    out = apply_edits(SVELTE_LOAD.encode(), fix.edits).decode()
    assert "import { db }" not in out
    assert "  async function load() {\n    const { db } = await import('./db');\n    rows = db.query();" in out
    facts = extract(out.encode(), Dialect.SVELTE)
    assert not facts.imports and [d.specifier for d in facts.dynamic_imports] == ["./db"]


def test_vue_script_setup_function_gets_the_import():
    from tla_lens.fixes import Fix, apply_edits, lazy_import

    fix = lazy_import(VUE_SAVE.encode(), Dialect.VUE, 0)
    assert isinstance(fix, Fix) and fix.functions_made_async == [], fix
    out = apply_edits(VUE_SAVE.encode(), fix.edits).decode()
    assert "async function save() {\n  const { db } = await import('./db')\n  await db.save()" in out
    assert not extract(out.encode(), Dialect.VUE).imports


@pytest.mark.parametrize("dialect, src, reason", [
    (Dialect.SVELTE, SVELTE_LOAD.replace("<p>{rows.length}</p>", "<p>{load()}</p>"),
     "the fix would make `load` async, and the template uses it outside an event handler"),
    (Dialect.SVELTE, SVELTE_LOAD.replace("<p>{rows.length}</p>", "<p>{db.name}</p>"), "`db` is mentioned in the markup"),
    (Dialect.VUE, VUE_SAVE.replace("{{ label }}", "{{ db.name }}"), "`db` is used by the template"),
    (Dialect.VUE, VUE_SAVE.replace("const label = 'users'", "const label = db.name"),
     "`db` is used at the top level of the component's script"),
])
def test_component_refusals(dialect, src, reason):
    from tla_lens.fixes import Refusal, lazy_import

    r = lazy_import(src.encode(), dialect, 0)
    assert isinstance(r, Refusal) and reason in r.reason, r
