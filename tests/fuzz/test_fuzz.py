"""Differential fuzzing of tla-lens against the real engines (see the README's "What is verified").

Hypothesis generates sources, TypeScript files, workspaces and package maps (strategies.py); one
long-lived Node 26 process (engine.mjs, the ``engine`` fixture) answers for V8, TypeScript 5.9 and
Node's resolver. Properties:

(a) ``extract(src).has_tla`` == V8's ``hasTopLevelAwait()`` — JavaScript sources with the JS
    grammar; JavaScript and TypeScript sources with the TS grammar against V8 on TypeScript 5.9's
    output. A module V8 rejects (an ``await`` beyond a function boundary) must not be TLA for us.
(b) the imports tla-lens keeps (``not erased_default`` / ``not erased_verbatim``) == the import and
    export-from declarations left in ``ts.transpileModule``'s output.
(c) every module's ``has_tla`` / ``is_async`` (``tla_lens.project.analyse`` of the workspace on
    disk) == V8's ``hasTopLevelAwait()`` / ``hasAsyncGraph()`` with ground-truth links, and the
    chain shown is a shortest real path (the V8 oracle's own comparison).
(d) ``tla_lens.resolve.Resolver`` == ``import.meta.resolve`` for generated ``exports``/``imports``.

Budget: conftest.budget (``TLA_FUZZ_EXAMPLES`` scales every property; ``TLA_FUZZ_RANDOM=1`` for
fresh random examples instead of the fixed, derandomized ones). A counterexample is shrunk by
Hypothesis; keep it in regressions/ (test_regressions.py).
"""
from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from hypothesis import event as _event, given, reject
from hypothesis.control import currently_in_test_context
from hypothesis import strategies as st

from tla_lens.resolve import Resolver
from tla_lens.syntax import Dialect, extract

from .conftest import budget
from .strategies import (
    _load, elision_sources, invalid_await_sources, module_sources, package_layouts, workspaces,
)

TESTS = Path(__file__).resolve().parent.parent
oracle_test = _load("tla_lens_oracle_test", TESTS / "oracle" / "test_oracle.py")
resolve_test = _load("tla_lens_resolve_vs_node", TESTS / "resolve" / "test_resolve_vs_node.py")
_fresh = itertools.count()


def event(what: str) -> None:
    """hypothesis.event, also callable outside a Hypothesis test (test_regressions.py)."""
    if currently_in_test_context():
        _event(what)


# ------------------------------------------------------------------------ (a) top-level await
def tla_disagreement(src: str, engine_answer: dict, dialect: Dialect):
    """None when tla-lens agrees with the engine's answer for ``src``; else a message."""
    facts = extract(src.encode(), dialect)
    ours = facts.has_tla
    if "error" in engine_answer and engine_answer["error"].startswith("TypeScript:"):
        # TypeScript's own parser rejects the file (`await {}.a` is "Declaration or statement
        # expected" there, though legal JavaScript): no TypeScript project can contain it
        event("TypeScript rejected the text")
        return None
    if "error" in engine_answer and dialect.is_typescript and "has already been declared" in engine_answer["error"]:
        # TypeScript 5.9 emits a statement twice after a reparsed `await` (`(await\n0); await using
        # u = null;` comes out with two `await using u`): its output is invalid, not the text
        # (regressions/ts-emit-duplicates-statement.json). The generator never redeclares a name.
        event("TypeScript emitted a statement twice")
        return None
    if "error" in engine_answer:
        # the engine rejects the module: it is not TLA. tree-sitter may recover into an await
        # expression in a file it also marks as broken; that is no claim about a valid module.
        if ours and not facts.has_syntax_errors:
            return f"{dialect.value}: engine rejects the module ({engine_answer['error']}), tla-lens says TLA"
        return None
    if ours != engine_answer["tla"]:
        return (f"{dialect.value}: engine tla={engine_answer['tla']}, tla-lens tla={ours} "
                f"(sites {[(s.kind.value, src.encode()[s.span.start:s.span.end].decode()) for s in facts.tla]}, "
                f"syntax errors: {facts.has_syntax_errors})")
    return None


@budget(400)
@given(src=module_sources(ts=False))
def test_tla_javascript(engine, src):
    js = engine.ask(op="tla", src=src)
    if "error" in js:
        event("V8 rejected the generated JavaScript")
        reject()  # the generator only makes legal modules here; errors are property (a'')'s
    event(f"tla={js['tla']}")
    assert (msg := tla_disagreement(src, js, Dialect.JS)) is None, msg
    # the same text as a TypeScript file: V8 on TypeScript's output
    tsr = engine.ask(op="tla", src=src, ts=True)
    assert (msg := tla_disagreement(src, tsr, Dialect.TS)) is None, msg


@budget(300)
@given(src=module_sources(ts=True))
def test_tla_typescript(engine, src):
    tsr = engine.ask(op="tla", src=src, ts=True)
    if "error" in tsr:
        event("TypeScript/V8 rejected the generated TypeScript")
        reject()
    event(f"tla={tsr['tla']}")
    assert (msg := tla_disagreement(src, tsr, Dialect.TS)) is None, msg


@budget(150)
@given(src=invalid_await_sources(ts=False))
def test_await_beyond_a_boundary_is_not_tla(engine, src):
    js = engine.ask(op="tla", src=src)
    assert "error" in js, f"generator: V8 accepted {src!r}"
    assert (msg := tla_disagreement(src, js, Dialect.JS)) is None, msg
    tsr = engine.ask(op="tla", src=src, ts=True)
    assert (msg := tla_disagreement(src, tsr, Dialect.TS)) is None, msg


# ------------------------------------------------------------------------ (b) import elision
def kept_by_us(src: str, verbatim: bool) -> set[str]:
    facts = extract(src.encode(), Dialect.TS)
    return {i.specifier for i in facts.imports if not i.in_ambient and not i.erased(verbatim)}


@budget(400)
@given(src=elision_sources(), verbatim=st.booleans())
def test_elision_matches_typescript(engine, src, verbatim):
    out = engine.ask(op="elide", src=src, verbatim=verbatim)
    if out.get("error"):
        event("TypeScript reported a syntactic error")
        reject()
    ours = kept_by_us(src, verbatim)
    event(f"kept {len(out['kept'])}")
    assert ours == set(out["kept"]), (
        f"verbatimModuleSyntax={verbatim}: TypeScript keeps {sorted(out['kept'])}, tla-lens keeps {sorted(ours)}\n"
        f"TypeScript output:\n{out['output']}")


# ------------------------------------------------------------------------ (c) workspaces
@pytest.fixture(scope="module")
def ws_base(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-ws")


@budget(40)
@given(ws=workspaces())
def test_workspace_verdicts_match_v8(engine, ws_base, ws):
    esm = {p: ws.files[p] for p, kind in ws.modules.items() if kind == "esm"}
    v8 = engine.ask(op="graph", files=esm, kinds=ws.modules, links=ws.links, verbatim=ws.verbatim)
    if v8["errors"]:
        event("V8 rejected a generated workspace")
        reject()
    root = ws.write(ws_base / f"ws{next(_fresh)}")
    problems = oracle_test.compare("fuzz", root, v8)
    assert not problems, "\n".join(problems[:4])


# ------------------------------------------------------------------------ (d) exports/imports
@pytest.fixture(scope="module")
def pkg_base(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-pkg")


@budget(120)
@given(layout=package_layouts())
def test_package_maps_resolve_like_node(engine, pkg_base, layout):
    files, specs = layout
    # a fresh directory every time: Node caches package.json files by path
    root = pkg_base / f"p{next(_fresh)}"
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    parent = root / "src" / "main.js"
    cases = [(s, str(parent), "import") for s in specs]
    node = [engine.ask(op="resolve", spec=s, parent=str(parent)) for s in specs]
    event(f"node resolved {sum('ok' in n for n in node)}/{len(node)}")
    r = Resolver(root)
    # Node's legacy "main"/subpath resolution without "exports" answers a path that does not exist
    # (`pkg/lib/x/y`); tla-lens probes extensions and finds y.js there (documented in
    # tla_lens.resolve.resolver: "Node's ESM would reject ..."). Only that leniency is allowed.
    lenient = set()
    for s, n in zip(specs, node):
        if "ok" in n and os.path.isabs(n["ok"]) and not os.path.exists(n["ok"]):
            ours = r.resolve(s, parent, "import")
            if ours.path is not None and (str(ours.path).startswith(os.path.realpath(n["ok"]) + ".")
                                          or str(ours.path).startswith(os.path.realpath(n["ok"]) + "/index.")):
                lenient.add(s)
                event("lenient: extension probing where Node's ESM gives a missing path")
    bad = resolve_test.compare(r, cases, node, frozenset(lenient))
    assert not bad, "\n".join(bad) + "\n" + files["node_modules/pkg/package.json"] + "\n" + files["package.json"]
