"""Incremental re-parsing (what the server does for open files) gives the same facts as a
fresh parse, edit after edit."""
import random

from tla_lens.syntax import Dialect, TreeEdit, edit_tree, extract, extract_incremental

SOURCE = b"""import { a } from './a.js';
import type { T } from './t.js';
export const x = await load();   // \xe2\x80\xa8 and \xf0\x9f\x98\x80 in a comment
function f(v: T) {
  return a + v;
}
class C { [await k] = 1; m() { return import('./lazy.js'); } }
"""
PIECES = [b"await ", b"import './b.js';\n", b"\n", b"{", b"}", b"x", b"'", b"\r\n", b"// c\n",
          b"\xf0\x9f\x98\x80", b"export * from './c.js';\n", b"", b"function g() { await 1 }\n"]


def test_incremental_equals_fresh_over_random_edits():
    rng = random.Random(7)
    for dialect in (Dialect.TS, Dialect.JS):
        src = SOURCE if dialect is Dialect.TS else SOURCE.replace(b"import type { T } from './t.js';\n", b"").replace(b"(v: T)", b"(v)")
        facts, tree = extract_incremental(src, dialect)
        assert facts == extract(src, dialect)
        for _ in range(150):
            start = rng.randrange(len(src) + 1)
            end = min(len(src), start + rng.choice([0, 0, 1, 3, 10]))
            text = rng.choice(PIECES)
            new = src[:start] + text + src[end:]
            edit_tree(tree, [TreeEdit(src, new, start, end, start + len(text))])
            facts, tree = extract_incremental(new, dialect, tree)
            assert facts == extract(new, dialect), (dialect, new)
            src = new
