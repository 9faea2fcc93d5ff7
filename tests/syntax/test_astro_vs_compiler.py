"""Astro components against Astro's compiler and V8.

Each `.astro` file is compiled as Astro 7.4.8 compiles it (tests/syntax/sfc_oracle.mjs:
@astrojs/compiler-rs 0.5.3 with the options Astro passes) and V8 (Node 26) links the result:
which modules have a top-level await and which are async must be the same for tla-lens
analysing the sources. The cases: where the frontmatter is (white space or a comment before the
fence, `---` in a string, a template literal, a regular expression, a comment, or in the middle
of a line of code), which `await` is the module's (in an exported declaration) and which the
render function's, and which imports the compiler elides (unused, used only as a type, used
only in a quoted attribute or a client `<script>`, or kept by a template expression, an
attribute expression or a component tag).
"""
from __future__ import annotations

from .test_sfc_vs_compilers import compiled_verdicts, our_verdicts

FILES = {
    "package.json": '{"type": "module"}',
    "src/db.ts": "export const db: number = await Promise.resolve(1);\nexport interface Row { id: number }\n",
    "src/sync.ts": "export const s = 1;\nexport const items = [1, 2];\n",
    # an await in the frontmatter is the render function's; the import is used in the template
    "src/pages/TemplateUse.astro": (
        "---\nimport { db } from '../db.ts';\nconst rows = await fetch('/rows');\n---\n"
        "<p>{db} {rows.status}</p>\n"),
    # the compiler elides what only a type, nothing, a quoted attribute or a client script uses
    "src/pages/TypeOnly.astro": (
        "---\nimport { Row } from '../db.ts';\nconst r: Row = { id: 1 };\n---\n<p>{r.id}</p>\n"),
    "src/pages/Unused.astro": "---\nimport { db } from '../db.ts';\n---\n<p>db</p>\n",
    "src/pages/QuotedAttr.astro": "---\nimport { db } from '../db.ts';\n---\n<p title=\"{db}\">x</p>\n",
    "src/pages/ClientOnly.astro": (
        "---\nimport { db } from '../db.ts';\n---\n<p class=\"db\">x</p>\n"
        "<script>\n  console.log(db);\n</script>\n<style>\n  .db { color: red }\n</style>\n"),
    "src/pages/SideEffect.astro": "---\nimport '../db.ts';\n---\n<p>x</p>\n",
    "src/pages/AttrUse.astro": "---\nimport { db } from '../db.ts';\n---\n<p data-n={db + 1}>x</p>\n",
    # exported declarations are hoisted to the module: their awaits are top-level awaits
    "src/pages/ExportAwait.astro": (
        "  \n---\nexport const prerender = true;\nexport const data = await Promise.resolve(2);\n"
        "export async function getStaticPaths() { return [await Promise.resolve(3)]; }\n---\n<p>{data}</p>\n"),
    "src/pages/RenderAwait.astro": (
        "---\nconst data = await Promise.resolve(2);\nfor await (const x of [1]) {}\n---\n<p>{data}</p>\n"),
    # fences: `---` in strings, template literals, regular expressions and comments is code
    "src/pages/FenceInCode.astro": (
        "---\nconst t = `\n---\n`;\nconst q = '---';\nconst r = /---/;\n/*\n---\n*/\n"
        "import { db } from '../db.ts';\n---\n<p>{t}{q}{r}{db}</p>\n"),
    # … but in the middle of a line of code it ends the frontmatter
    "src/pages/MidLine.astro": (
        "---\nimport { s } from '../sync.ts';\nlet x = s; x---\nimport { db } from '../db.ts';\n<p>{s}</p>\n"),
    "src/pages/CommentFirst.astro": (
        "<!-- no frontmatter -->\n---\nimport { db } from '../db.ts';\nexport const y = await db;\n---\n<p/>\n"),
    # components: a tag is a use; a tag inside an expression too; an unused one is elided
    "src/components/Card.astro": "---\nimport { db } from '../db.ts';\n---\n<div>{db}</div>\n",
    "src/pages/UsesCard.astro": (
        "---\nimport Card from '../components/Card.astro';\n---\n<main><Card /></main>\n"),
    "src/pages/CardInExpression.astro": (
        "---\nimport Card from '../components/Card.astro';\nimport { items } from '../sync.ts';\n---\n"
        "<ul>{items.map((i) => <li><Card n={i} /></li>)}</ul>\n"),
    "src/pages/CardUnused.astro": (
        "---\nimport Card from '../components/Card.astro';\n---\n<main><card /></main>\n"),
    "src/pages/Namespace.astro": (
        "---\nimport * as ui from '../components/ui.ts';\n---\n<ui.Card />\n"),
    "src/components/ui.ts": "export { default as Card } from './Card.astro';\n",
}


def test_astro_components_are_async_exactly_when_their_compiled_modules_are(node26, ts5, engines_node_modules, workspace):
    root = workspace(FILES)
    modules = sorted(f for f in FILES if f.endswith((".ts", ".astro")))
    v8 = compiled_verdicts(node26, root, modules, TS5=str(ts5),
                           ASTRO=(engines_node_modules / "@astrojs" / "compiler-rs" / "dist" / "index.mjs").as_uri())
    assert our_verdicts(root, modules) == {f: v8[f] for f in modules}
    # the cases do what they are there for
    page = lambda name: v8[f"src/pages/{name}.astro"]  # noqa: E731
    assert page("TemplateUse") == {"tla": False, "async": True}
    assert all(not page(n)["async"] for n in ("TypeOnly", "Unused", "QuotedAttr", "ClientOnly", "MidLine",
                                              "CommentFirst", "CardUnused", "RenderAwait"))
    assert all(page(n)["async"] for n in ("SideEffect", "AttrUse", "FenceInCode", "UsesCard",
                                          "CardInExpression", "Namespace"))
    assert page("ExportAwait") == {"tla": True, "async": True}


def test_the_import_fix_makes_the_compiled_page_synchronous(node26, ts5, engines_node_modules, workspace):
    """The `await import()` fix of an Astro page, applied, compiles (Astro's compiler) to a
    module that links (V8) and is no longer async; tla-lens agrees."""
    from tla_lens.fixes.edits import Fix, apply_edits
    from tla_lens.fixes.lazy import lazy_import
    from tla_lens.syntax import Dialect

    page = ("---\nimport Card from '../components/Card.astro';\nimport { db, type Row } from '../db.ts';\n"
            "import { s } from '../sync.ts';\nconst rows: Row[] = [{ id: db + s }];\n---\n"
            "<ul>{rows.map((r) => <li><Card n={r.id} /></li>)}</ul><p>{db}</p>\n")
    files = {k: v for k, v in FILES.items() if not k.startswith("src/pages/")}
    src = page.encode()
    for i in (0, 0):  # Card (async through db), then db itself (the first import left)
        fix = lazy_import(src, Dialect.ASTRO, i)
        assert isinstance(fix, Fix), fix
        src = apply_edits(src, fix.edits)
    files["src/pages/Fixed.astro"] = src.decode()
    assert "const { default: Card } = await import('../components/Card.astro');" in files["src/pages/Fixed.astro"]
    assert "import type { Row } from '../db.ts';" in files["src/pages/Fixed.astro"]
    root = workspace(files)
    modules = sorted(f for f in files if f.endswith((".ts", ".astro")))
    v8 = compiled_verdicts(node26, root, modules, TS5=str(ts5),
                           ASTRO=(engines_node_modules / "@astrojs" / "compiler-rs" / "dist" / "index.mjs").as_uri())
    assert v8["src/pages/Fixed.astro"] == {"tla": False, "async": False}
    assert our_verdicts(root, modules) == {f: v8[f] for f in modules}


def _random_pages(seed: int, count: int) -> dict[str, str]:
    """Pages built from random pieces: one import whose only use takes one of many forms, amid
    noise that must not end the frontmatter or count as a use (strings, template literals,
    regular expressions and comments holding `---` or the name), and awaits in and out of
    exported declarations. Each page imports its own async module, so whether the import is
    kept shows in whether the page is async."""
    import random

    rnd = random.Random(seed)
    uses_template = ["<p>{v}</p>", "<p data-x={v + 1}>x</p>", "<V />", "<ul>{[1].map((i) => <li>{i}{v}</li>)}</ul>",
                     "<p>{`t ${v}`}</p>", "<p title=\"{v}\">x</p>", "<p>{'v'}</p>", "<p>{o.v}</p>",
                     "<!-- {v} <V/> -->", "<style>.v { color: red }</style>", "<script>console.log(v)</script>",
                     "<p>v</p>", "<v.x />"]
    uses_code = ["console.log(v);", "function f() { return v; }", "let t: v;", "const q = { v: 1 };",
                 "const s = 'v';", "// v", "/* v */", "const r = /v/;", "const w = `v`;"]
    noise = ["const a = '---';", "const b = `\n---\n`;", "const c = /---/;", "/*\n---\n*/", "// ---",
             "const d = `${'}'}`;", "const e = 1 / 2 / 3;", "const o = { v: 2 };",
             "const g = await Promise.resolve(1);", "for await (const z of [1]) {}",
             "export const h = await Promise.resolve(2);", "export async function getStaticPaths() { return [await 1]; }",
             "export const k = () => Promise.resolve(3);", "if (o) { const n = `${o.v}`; }"]
    pages = {}
    for i in range(count):
        name = "V" if rnd.random() < 0.3 else "v"
        lines = ["---"] if rnd.random() < 0.8 else ["  ", "---"]
        stmts = rnd.sample(noise, rnd.randint(0, 4))
        clause = rnd.choice([f"{{ {name} }}", f"{name}", f"* as {name}", f"{{ x as {name} }}"])
        target = f"../async/m{i}.ts"
        stmts.insert(rnd.randint(0, len(stmts)), f"import {clause} from '{target}';")
        template = []
        if rnd.random() < 0.6:
            template.append(rnd.choice(uses_template).replace("v", name) if name == "V" and rnd.random() < 0.5
                            else rnd.choice(uses_template))
        else:
            stmts.append(rnd.choice(uses_code))
        lines += stmts + ["---"] + template + ["<footer>end</footer>"]
        pages[f"src/pages/p{i}.astro"] = "\n".join(lines) + "\n"
        pages[f"src/async/m{i}.ts"] = ("const m: number = await Promise.resolve(1);\nexport const v = m;\n"
                                       "export const V = m;\nexport const x = m;\nexport default m;\n"
                                       "export type T = number;\n")
    return pages


def test_random_pages_agree_with_astros_compiler(node26, ts5, engines_node_modules, workspace):
    files = {"package.json": '{"type": "module"}', **_random_pages(seed=7, count=150)}
    root = workspace(files)
    modules = sorted(f for f in files if f.endswith((".ts", ".astro")))
    v8 = compiled_verdicts(node26, root, modules, TS5=str(ts5),
                           ASTRO=(engines_node_modules / "@astrojs" / "compiler-rs" / "dist" / "index.mjs").as_uri())
    ours = our_verdicts(root, modules)
    wrong = {f: (ours[f], v8[f], files[f]) for f in modules if ours[f] != v8[f]}
    assert not wrong, "\n\n".join(f"{f}: ours {o}, engine {e}\n{text}" for f, (o, e, text) in wrong.items())
    pages = [f for f in modules if f.endswith(".astro")]
    # (both outcomes occur: the pieces exercise elision and its absence)
    assert 20 < sum(v8[f]["async"] for f in pages) < len(pages) - 20
