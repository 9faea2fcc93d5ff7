"""ignore_comment: a suppression comment above a line."""
from __future__ import annotations

from tla_lens.fixes import Fix, apply_edits, ignore_comment
from tla_lens.syntax import Dialect, extract

from .helpers import parses_cleanly


def _apply(src: bytes, line: int, code: str = "async-import") -> bytes:
    fix = ignore_comment(src, line, code)
    assert isinstance(fix, Fix)
    assert fix.preferred is False and fix.functions_made_async == []
    assert "async-import" in fix.title or code in fix.title
    return apply_edits(src, fix.edits)


def test_inserts_above_with_same_indentation():
    src = b"function f() {\n    import('./x.js')\n}\nimport a from './a.js';\n"
    assert _apply(src, 3) == (
        b"function f() {\n    import('./x.js')\n}\n"
        b"// tla-lens-ignore-next-line async-import -- reason\n"
        b"import a from './a.js';\n"
    )
    assert _apply(src, 1, "require-async") == (
        b"function f() {\n    // tla-lens-ignore-next-line require-async -- reason\n    import('./x.js')\n}\n"
        b"import a from './a.js';\n"
    )


def test_tabs_and_crlf():
    src = b"if (x) {\r\n\tawait 0;\r\n}\r\n"
    out = _apply(src, 1, "top-level-await")
    assert out == b"if (x) {\r\n\t// tla-lens-ignore-next-line top-level-await -- reason\r\n\tawait 0;\r\n}\r\n"
    assert parses_cleanly(out, Dialect.JS)


def test_first_and_last_line_without_break():
    assert _apply(b"import a from 'a'", 0) == b"// tla-lens-ignore-next-line async-import -- reason\nimport a from 'a'"
    src = b"x;\r\nimport a from 'a'"
    assert _apply(src, 1) == b"x;\r\n// tla-lens-ignore-next-line async-import -- reason\r\nimport a from 'a'"


def test_extract_sees_the_suppression():
    src = b"const x = 1;\n  import a from './a.js';\n"
    out = _apply(src, 1)
    facts = extract(out, Dialect.JS)
    (sup,) = facts.suppressions
    assert sup.line == 1 and sup.codes == ("async-import",) and sup.reason == "reason"
    assert facts.imports[0].span.start > sup.span.end
