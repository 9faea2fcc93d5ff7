"""MDX documents against @mdx-js/mdx and V8.

Each `.mdx` file is compiled by @mdx-js/mdx 3.1 (tests/syntax/sfc_oracle.mjs) and V8 (Node 26)
links the result: which documents have a top-level await and which are async must be the same
for tla-lens. The cases: where ESM blocks are (after a blank line, a heading or a thematic break;
not continuing a paragraph, a list item or a quote; not in a fenced code block; `import ` with a
space only), how far a block runs (across blank lines inside unfinished statements), and that an
`await` of an exported declaration is a top-level await while one in the content is not.
"""
from __future__ import annotations

from .test_sfc_vs_compilers import compiled_verdicts, our_verdicts

ASYNC = "export const value = await Promise.resolve(1);\nexport default value;\n"
DOCS = {
    "Basic": "import { value } from './a/basic.js'\n\n# Hello {value}\n",
    "AfterHeading": "# H\nimport v from './a/after-heading.js'\n\n{v}\n",
    "AfterBreak": "***\nimport v from './a/after-break.js'\n",
    "Setext": "Title\n---\nimport v from './a/setext.js'\n\n{v}\n",
    "InParagraph": "Some text\nimport v from './a/in-paragraph.js'\n",
    "InList": "- item\nimport v from './a/in-list.js'\n",
    "InQuote": "> quote\nimport v from './a/in-quote.js'\n",
    "InFence": "# T\n\n```js\nimport v from './a/in-fence.js'\n```\n",
    "InLongFence": "````md\n```\nimport v from './a/in-long-fence.js'\n````\n",
    "InTildeFence": "~~~\nimport v from './a/in-tilde-fence.js'\n~~~\n",
    "NoSpace": "import{v} from './a/no-space.js'\n",
    "Indented": " import v from './a/indented.js'\n",
    "AfterIndentedText": "    text\nimport v from './a/after-indented.js'\n",
    "BlankInside": "import {\n\n  value } from './a/blank-inside.js'\n\n# x\n",
    "InJsxBlock": "<div>\n\nimport v from './a/in-jsx.js'\n\n</div>\n",
    "ExportAwait": "export const rows = await Promise.resolve([1])\n\n# {rows.length} rows\n",
    "ExportAwaitLate": "# Title\n\nSome text.\n\nexport const later = {\n\n  n: await Promise.resolve(2),\n}\n\n{later.n}\n",
    "ReExport": "export { value } from './a/re-export.js'\n",
    "Crlf": "import v from './a/crlf.js'\r\n\r\n{v}\r\n",
    "Sync": "import { s } from './sync.js'\n\n{s}\n",
}


def test_mdx_documents_are_async_exactly_when_their_compiled_modules_are(node26, ts5, engines_node_modules, workspace):
    files = {"package.json": '{"type": "module"}', "src/sync.js": "export const s = 1;\n"}
    for name, text in DOCS.items():
        files[f"src/{name}.mdx"] = text
    for target in {t for text in DOCS.values() for t in __import__("re").findall(r"'\./a/([\w-]+)\.js'", text)}:
        files[f"src/a/{target}.js"] = ASYNC
    root = workspace(files)
    modules = sorted(f for f in files if f.endswith((".js", ".mdx")))
    v8 = compiled_verdicts(node26, root, modules, TS5=str(ts5),
                           MDX=(engines_node_modules / "@mdx-js" / "mdx" / "index.js").as_uri())
    assert our_verdicts(root, modules) == {f: v8[f] for f in modules}
    doc = lambda name: v8[f"src/{name}.mdx"]  # noqa: E731
    assert all(doc(n)["async"] for n in ("Basic", "AfterHeading", "AfterBreak", "Setext", "BlankInside",
                                         "InJsxBlock", "ReExport", "Crlf"))
    assert not any(doc(n)["async"] for n in ("InParagraph", "InList", "InQuote", "InFence", "InLongFence",
                                             "InTildeFence", "NoSpace", "Indented", "AfterIndentedText", "Sync"))
    assert doc("ExportAwait")["tla"] and doc("ExportAwaitLate")["tla"]


def _random_docs(seed: int, count: int) -> dict[str, str]:
    """Documents of random markdown blocks around one import (of its own async module), so
    whether the import is ESM shows in whether the document is async; some with an exported
    await."""
    import random

    rnd = random.Random(seed)
    blocks = ["# Heading", "Some *text* here.", "text\nmore text", "- a list\n- item", "1. one\n2. two",
              "> a quote", "```js\nconst x = 1\n```", "~~~\ncode\n~~~", "***", "Title\n===", "Title\n---",
              "<div>\n  <p>x</p>\n</div>", "<Note>hi</Note>", "{1 + 1}", "    indented text", "| a | b |\n|---|---|\n| 1 | 2 |",
              "export const n = 1", "export const later = await Promise.resolve(3)",
              "import { s } from './sync.js'", "{/* a comment */}", "   ```\n   fenced\n   ```"]
    docs = {}
    for i in range(count):
        parts = rnd.sample(blocks, rnd.randint(0, 5))
        imp = rnd.choice([f"import v from './a/m{i}.js'", f"import {{ value }} from './a/m{i}.js'",
                          f"import * as ns from './a/m{i}.js'", f"export {{ value }} from './a/m{i}.js'",
                          f"import {{\n\n  value\n}} from './a/m{i}.js'"])
        if rnd.random() < 0.4:  # right after a line of text, a list, a quote, a JSX line...
            imp = rnd.choice(["Some text", "- item", "> quote", "<Note>hi</Note>", "{1} and text", "  text",
                              "<Note />", "{x}", "## Heading", "<A>", "   {/* c */}"]) + "\n" + imp
        parts.insert(rnd.randint(0, len(parts)), imp)
        text = ""
        for p in parts:
            text += p + rnd.choice(["\n", "\n\n", "\n\n", "\n\n\n"])
        docs[f"src/d{i}.mdx"] = text
        docs[f"src/a/m{i}.js"] = ASYNC
    return docs


def test_random_documents_agree_with_mdx(node26, ts5, engines_node_modules, workspace):
    files = {"package.json": '{"type": "module"}', "src/sync.js": "export const s = 1;\n",
             **_random_docs(seed=3, count=150)}
    root = workspace(files)
    modules = sorted(f for f in files if f.endswith((".js", ".mdx")))
    v8 = compiled_verdicts(node26, root, modules, TS5=str(ts5), allow_errors=True,
                           MDX=(engines_node_modules / "@mdx-js" / "mdx" / "index.js").as_uri())
    compiled = [f for f in modules if "error" not in v8[f]]
    assert len(compiled) > 100  # (a document MDX cannot compile — ESM it cannot parse — is left out)
    ours = our_verdicts(root, modules)
    wrong = {f: (ours[f], v8[f], files[f]) for f in compiled if ours[f] != v8[f]}
    assert not wrong, "\n\n".join(f"{f}: ours {o}, engine {e}\n{text}" for f, (o, e, text) in wrong.items())
    docs = [f for f in compiled if f.endswith(".mdx")]
    assert 20 < sum(v8[f]["async"] for f in docs) < len(docs) - 20
