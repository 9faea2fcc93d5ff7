"""Write an import's specifier as another runtime finds the module: a relative import in a file
Node runs by type stripping names the file exactly (`./util.ts`, where TypeScript also accepts
`./util.js` or `./util`)."""
from __future__ import annotations

from ..syntax.facts import Span
from .edits import Fix, Refusal, TextEdit


def respell(source: bytes, specifier_span: Span, specifier: str, new: str) -> "Fix | Refusal":
    """The string literal at ``specifier_span`` (quotes included) rewritten to ``new``, its
    quotes kept."""
    title = f"Import `{new}`, the file Node finds"
    literal = source[specifier_span.start:specifier_span.end]
    if len(literal) < 2 or literal[:1] not in (b"'", b'"', b"`") or literal[-1:] != literal[:1]:
        return Refusal(title, "the specifier is not a plain string literal")
    if literal[1:-1].decode("utf-8", "replace") != specifier:
        return Refusal(title, "the specifier is written with escapes")
    if any(c in new for c in ("\\", literal[:1].decode())):
        return Refusal(title, "the new specifier would need escapes")
    quote = literal[:1].decode()
    return Fix(title, [TextEdit(specifier_span, f"{quote}{new}{quote}")], preferred=True)
