"""Shared checks for the fixes tests."""
from __future__ import annotations

from tla_lens.fixes import Fix, Refusal, apply_edits
from tla_lens.syntax import Dialect, extract
from tla_lens.syntax.grammar import parser


def parses_cleanly(text: bytes, dialect: Dialect) -> bool:
    root = parser(dialect).parse(text).root_node
    return not root.has_error


def apply_fix(fix, source: str | bytes, dialect: Dialect, specifier: str | None = None) -> str:
    """Apply ``fix`` to ``source``; assert the result parses without ERROR/MISSING nodes and
    (for an import fix) that no static import of ``specifier`` carries async-ness any more."""
    assert isinstance(fix, Fix), f"expected a Fix, got {fix!r}"
    data = source.encode() if isinstance(source, str) else source
    new = apply_edits(data, fix.edits)
    assert parses_cleanly(new, dialect), new.decode()
    if specifier is not None:
        facts = extract(new, dialect)
        assert not facts.has_syntax_errors
        for imp in facts.imports:
            if imp.specifier == specifier:
                assert not imp.carries_async(False), new.decode()
                assert not imp.carries_async(True), new.decode()
        assert any(d.specifier == specifier for d in facts.dynamic_imports), new.decode()
    return new.decode()


def refused(result, *fragments: str) -> str:
    assert isinstance(result, Refusal), f"expected a Refusal, got {result!r}"
    for f in fragments:
        assert f in result.reason, result.reason
    return result.reason
