"""Every spelling of a static import or re-export, checked against the engines: the modules a
file names are the module requests V8 finds in it (``vm.SourceTextModule#moduleRequests``),
and it has a syntax error exactly where V8 (JavaScript) or TypeScript 5.9 finds one.

A cross-product of import/export forms × import-attribute spellings × what follows the
statement (nothing, a `;`, more code on the next line or on the same one). The grammars split
some of these into several nodes, or insert a `;` where engines do not; tla-lens must read
them as the engines do.
"""
from __future__ import annotations

import itertools

from tla_lens.syntax import Dialect, extract

from .engines import ts_syntax_errors, v8_modules

FORMS = [
    "import 'm'", "import a from 'm'", "import * as ns from 'm'", "import {a} from 'm'",
    "import {a as b, c} from 'm'", "import a, {b} from 'm'", "import a, * as ns from 'm'",
    "import {'a-b' as c} from 'm'", "import {default as d} from 'm'", "import {} from 'm'",
    "import {a,} from 'm'", "export * from 'm'", "export * as ns from 'm'",
    "export * as 'a b' from 'm'", "export {a} from 'm'", "export {a as default} from 'm'",
    "export {default} from 'm'", "export {'a-b' as c} from 'm'", "export {} from 'm'",
    "export {a,} from 'm'",
    # name no module
    "const a = 1; export {a}", "export const a = 1", "export default 1",
]
ATTRIBUTES = ["", " with {}", " with {type: 'json'}", " with {'type': 'json'}", ' with {"type": "json"}',
              " with {type: 'json', 'x-y': 'z'}", " with {type: 'json',}", " with\n{type: 'json'}",
              " /*c*/ with /*d*/ {type /*e*/: 'json'}", " with { type : 'json' }"]
ENDINGS = [";", "", ";\nfoo()", "\nfoo()", " foo()", "; foo()", " /* c */ foo()", " // c\nfoo()"]


def _sources() -> list[str]:
    return [f + a + e + "\n" for f, a, e in itertools.product(FORMS, ATTRIBUTES, ENDINGS)
            if not (a and "from" not in f)]  # (attributes only after a module)


def test_import_and_export_forms_match_v8_and_typescript(node26, ts5):
    sources = _sources()
    v8 = v8_modules(node26, sources)
    ts = ts_syntax_errors(node26, ts5, [(s, "x.ts") for s in sources])
    wrong = []
    valid = 0
    for src, v, diags in zip(sources, v8, ts, strict=True):
        requests = None if "error" in v else v["requests"]
        valid += requests is not None
        for dialect, engine_ok in ((Dialect.JS, requests is not None), (Dialect.TS, not diags)):
            facts = extract(src.encode(), dialect)
            if facts.has_syntax_errors == engine_ok:
                wrong.append((dialect.value, src, "syntax error" if facts.has_syntax_errors else "no syntax error"))
            elif engine_ok and requests is not None and [i.specifier for i in facts.imports] != requests:
                wrong.append((dialect.value, src, [i.specifier for i in facts.imports], requests))
    assert not wrong, f"{len(wrong)} of {2 * len(sources)}: {wrong[:10]}"
    # (the cross-product is not all errors: most forms are valid with most endings)
    assert len(sources) > 1000 and valid > len(sources) // 2
