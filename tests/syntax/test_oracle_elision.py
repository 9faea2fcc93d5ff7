"""TypeScript import elision compared with TypeScript 5.9 ``transpileModule``.

Every case runs with ``verbatimModuleSyntax`` false and true, all in ONE node process
(tests/syntax/elision_oracle.js). A statement survived when its module specifier still
appears in an import / export-from / require in the output.
"""
from __future__ import annotations

import re

import pytest

from tla_lens.syntax import Dialect, dialect_for_path, extract

from .elision_corpus import ELISION_CORPUS
from .engines import ts_transpiled

_SURVIVOR_RES = (
    re.compile(r"""\bfrom\s*["']([^"']+)["']"""),
    re.compile(r"""^\s*import\s*["']([^"']+)["']""", re.M),
    re.compile(r"""\brequire\(\s*["']([^"']+)["']\s*\)"""),
)


def survivors(output: str) -> set[str]:
    found: set[str] = set()
    for rx in _SURVIVOR_RES:
        found.update(rx.findall(output))
    found.discard("react/jsx-runtime")
    return found


@pytest.fixture(scope="module")
def ts_outputs(node26, ts5) -> list[dict]:
    cases = [
        {"src": src, "fileName": opts.get("fileName", "x.ts"), "module": opts.get("module", "esnext")}
        for src, opts in ELISION_CORPUS
    ]
    return ts_transpiled(node26, ts5, cases)


def test_corpus_is_big_enough():
    assert len(ELISION_CORPUS) >= 30


def ours(src: str, file_name: str, verbatim: bool) -> set[str]:
    dialect = dialect_for_path(file_name)
    assert dialect is not None and dialect.is_typescript
    facts = extract(src.encode(), dialect)
    kept = {i.specifier for i in facts.imports if not i.in_ambient and not i.erased(verbatim)}
    kept |= {r.specifier for r in facts.requires if not r.erased(verbatim)}
    return kept


@pytest.mark.parametrize(
    "index", range(len(ELISION_CORPUS)), ids=[repr(s)[:60] for s, _ in ELISION_CORPUS]
)
@pytest.mark.parametrize("verbatim", [False, True], ids=["default", "verbatim"])
def test_elision_matches_typescript(ts_outputs, index, verbatim):
    src, opts = ELISION_CORPUS[index]
    output = ts_outputs[index]["verbatim" if verbatim else "default"]
    expected = survivors(output)
    assert ours(src, opts.get("fileName", "x.ts"), verbatim) == expected, output


def test_javascript_never_erases():
    for src, opts in ELISION_CORPUS:
        if "type " in src or ":" in src or "<" in src or "require" in src or "@" in src or "declare" in src:
            continue
        facts = extract(src.encode(), Dialect.JS)
        assert not any(i.erased_default or i.erased_verbatim for i in facts.imports), src
