"""Incremental infection: after a change of facts only the modules that reach a changed module are
re-derived (infection.reinfect), and the result is exactly what a fresh computation gives:
distances, roots and chains (the very same edges). On hand-made graphs (no files), with random
edit sequences, and on projects on disk."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tla_lens.config import Config
from tla_lens.project import Project
from tla_lens.project.infection import (Infection, infect, reach_back_all, reinfect,
                                        strongly_connected)

SETTINGS = dict(derandomize=True, deadline=None, database=None,
                phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# -- hand-made graphs --------------------------------------------------------------------------
@dataclass(eq=False)
class E:
    source: Path
    target: Optional[Path]
    pos: int


class G:
    """A graph as the project keeps it: nodes, TLA nodes, each node's edges by position."""

    def __init__(self, nodes, tla, edges) -> None:
        self.nodes: set[Path] = set(nodes)
        self.tla: set[Path] = set(tla)
        self.out: dict[Path, list[E]] = {n: [] for n in self.nodes}
        for a, b in edges:
            self.add_edge(a, b)

    def add_edge(self, a: Path, b: Path) -> None:
        lst = self.out[a]
        lst.append(E(a, b, (lst[-1].pos + 1) if lst else 0))

    def importers(self) -> dict[Path, list[E]]:
        imp: dict[Path, list[E]] = {}
        for n in sorted(self.nodes):
            for e in self.out[n]:
                if e.target in self.nodes:
                    imp.setdefault(e.target, []).append(e)
        for lst in imp.values():
            lst.sort(key=lambda e: (str(e.source), e.pos))
        return imp

    def edges_of(self, n: Path) -> list[E]:
        return [e for e in self.out[n] if e.target in self.nodes]


def P(name) -> Path:
    return Path(f"n{name}")


def _view(inf: Infection) -> tuple:
    return (dict(inf.distance), dict(inf.root), {k: id(v) for k, v in inf.via.items()},
            {k: inf.chain(k) for k in inf.distance})


def _oracle(g: G, blocked=lambda p: False) -> dict[Path, tuple[Path, list[Path], list[E]]]:
    """The documented rule, by brute force: every module's chain goes to the smallest of its
    nearest TLA modules, through the smallest sequence of modules among the shortest chains
    there, each hop through the first import (by position) of the next module."""
    inf = infect(g.tla, g.importers(), blocked)  # distances only (plain BFS distances)
    dist = inf.distance
    out = {}
    for v in dist:
        best = None

        def walk(node, chain, edges):
            nonlocal best
            if dist[node] == 0:
                key = (node, chain)
                if best is None or key < best[0]:
                    best = (key, list(edges))
                return
            seen = set()
            for e in g.edges_of(node):
                t = e.target
                if t in seen or dist.get(t) != dist[node] - 1:
                    continue
                seen.add(t)
                walk(t, chain + [t], edges + [e])

        walk(v, [], [])
        (root, chain), edges = best
        out[v] = (root, chain, edges)
    return out


def test_equal_chains_take_the_smaller_next_module():
    # v imports b and a; both reach t in two hops (a through y, b through x): a is smaller
    g = G(map(P, "vabxyt"), [P("t")],
          [(P("v"), P("b")), (P("v"), P("a")), (P("a"), P("y")), (P("b"), P("x")),
           (P("x"), P("t")), (P("y"), P("t"))])
    inf = infect(g.tla, g.importers())
    assert inf.chain(P("v")) == [P("a"), P("y"), P("t")]
    # the smallest nearest root wins first: t2 < t3, both one hop away from w
    g = G(map(P, ["w", "t3", "t2"]), [P("t3"), P("t2")], [(P("w"), P("t3")), (P("w"), P("t2"))])
    assert infect(g.tla, g.importers()).chain(P("w")) == [P("t2")]


def test_first_import_of_the_chosen_module_is_the_chain_edge():
    g = G(map(P, "abt"), [P("t")], [(P("a"), P("b")), (P("a"), P("b")), (P("b"), P("t"))])
    inf = infect(g.tla, g.importers())
    assert inf.via[P("a")] is g.out[P("a")][0]


def _graphs(max_nodes=7):
    @st.composite
    def build(draw):
        n = draw(st.integers(1, max_nodes))
        nodes = [P(i) for i in range(n)]
        edges = draw(st.lists(st.tuples(st.sampled_from(nodes), st.sampled_from(nodes)),
                              max_size=3 * n))
        tla = draw(st.sets(st.sampled_from(nodes), max_size=3))
        blocked = draw(st.sets(st.sampled_from(nodes), max_size=2))
        return G(nodes, tla, edges), blocked
    return build()


@settings(max_examples=300, **SETTINGS)
@given(gb=_graphs())
def test_infect_follows_the_documented_rule(gb):
    g, blocked_set = gb
    for blocked in (lambda p: False, blocked_set.__contains__):
        inf = infect(g.tla, g.importers(), blocked)
        oracle = _oracle(g, blocked)
        assert set(oracle) == set(inf.distance)
        for v, (root, chain, edges) in oracle.items():
            assert inf.root[v] == root
            assert inf.chain(v) == chain
            assert [id(e) for e in inf.edges(v)] == [id(e) for e in edges]


OPS = st.lists(st.tuples(st.sampled_from(["tla", "add", "drop", "node+", "node-"]),
                         st.integers(0, 9), st.integers(0, 9)), min_size=1, max_size=12)


@settings(max_examples=300, **SETTINGS)
@given(gb=_graphs(), ops=OPS)
def test_random_edits_rederive_what_a_fresh_infection_gives(gb, ops):
    g, blocked_set = gb
    blocked = blocked_set.__contains__
    live = infect(g.tla, g.importers())
    live_rep = infect(g.tla, g.importers(), blocked)
    cycles = strongly_connected(g.nodes, {n: [e.target for e in g.edges_of(n)] for n in g.nodes})
    for op, i, j in ops:
        a, b = P(i), P(j)
        changed: set[Path] = set()
        removed: set[Path] = set()
        importers_before = g.importers()
        if op == "node+" and a not in g.nodes:
            g.nodes.add(a)
            g.out.setdefault(a, [])
            changed.add(a)
            if i % 2:
                g.tla.add(a)
        elif op == "node-" and a in g.nodes:
            # its importers' edges lead nowhere now (they stay, like unresolved targets)
            changed.update(e.source for e in importers_before.get(a, ()))
            g.nodes.discard(a)
            g.tla.discard(a)
            removed.add(a)
        elif op == "tla" and a in g.nodes:
            g.tla ^= {a}
            changed.add(a)
        elif op == "add" and a in g.nodes:
            g.add_edge(a, b)
            changed.add(a)
        elif op == "drop" and a in g.nodes and g.out[a]:
            del g.out[a][j % len(g.out[a])]
            changed.add(a)
        if not changed and not removed:
            continue
        importers = g.importers()
        region = reach_back_all({c for c in changed if c in g.nodes}, importers)
        tla = [p for p in region if p in g.tla]
        old = reinfect(live, region, tla, importers, g.edges_of)
        reinfect(live_rep, region, tla, importers, g.edges_of, blocked)
        for p in removed:
            for inf in (live, live_rep):
                for d in (inf.distance, inf.root, inf.via):
                    d.pop(p, None)
        fresh = infect(g.tla, importers)
        assert _view(live) == _view(fresh), (op, i, j)
        assert _view(live_rep) == _view(infect(g.tla, importers, blocked)), (op, i, j)
        # the region is closed under importers, and nothing outside it changed
        assert set(old) == region
        # import cycles re-found in the region only equal the cycles of the whole graph
        succ = {n: [e.target for e in g.edges_of(n)] for n in g.nodes}
        gone = region | removed
        cycles = sorted([c for c in cycles if not any(p in gone for p in c)]
                        + strongly_connected(region, {n: [t for t in succ[n] if t in region]
                                                      for n in region}), key=lambda c: c[0])
        assert cycles == strongly_connected(g.nodes, succ)


# -- projects on disk ----------------------------------------------------------------------------
def _project_state(p: Project, among=None) -> dict:
    """Verdicts, chains, cycles, findings (of the modules ``among`` a set: a live project keeps
    dependencies nothing imports any more, a fresh one does not load them)."""
    rel = p.graph.rel
    keep = p.modules if among is None else among
    out = {}
    for name, inf in (("infection", p.infection), ("reportable", p.reportable)):
        out[name] = {rel(m): (inf.distance[m], rel(inf.root[m]), [rel(x) for x in inf.chain(m)],
                              [(rel(e.source), e.span.start) for e in inf.edges(m)])
                     for m in inf.distance if m in keep}
    out["async"] = sorted(rel(m) for m, mod in p.modules.items() if mod.is_async and m in keep)
    out["cycles"] = [[rel(x) for x in c] for c in p.cycles]
    out["cycle_of"] = {rel(k): [rel(x) for x in c] for k, c in p.cycle_of.items()}
    out["findings"] = sorted((rel(f.path), f.code, f.span.start, f.message) for f in p.findings)
    return out


def _verdicts(p: Project) -> dict:
    return {m: (p.infection.root[m], d) for m, d in p.infection.distance.items()}


def _fresh(root: Path, overlays: dict, config: Config) -> Project:
    p = Project(root, config)
    p.overlays.update(overlays)
    p.discover(); p.load(); p.recompute()
    return p


N = 8
DEP = 'node_modules/dep{}/{}'
EDITS = st.lists(st.tuples(
    st.sampled_from(["tla", "import", "dep", "unresolved", "drop", "noop", "create", "close",
                     "vanish", "disk"]),
    st.integers(0, N - 1), st.integers(0, N - 1)), min_size=1, max_size=10)


def _text(imports, tla, i):
    lines = [f'import "{s}";' for s in imports]
    if tla:
        lines.append("await 0;")
    lines.append(f"export const v{i} = {i};")
    return "\n".join(lines) + "\n"


@settings(max_examples=150, **SETTINGS)
@given(seed=st.lists(st.tuples(st.sets(st.integers(0, N - 1), max_size=3), st.booleans()),
                     min_size=N, max_size=N),
       allow=st.booleans(), edits=EDITS)
def test_project_edits_match_a_fresh_analysis(seed, allow, edits):
    config = Config(allow_async=("m1.js", "m2.js") if allow else ())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp).resolve()
        files = {"package.json": '{"type": "module", "exports": "./m0.js"}'}
        for i, (imports, tla) in enumerate(seed):
            files[f"m{i}.js"] = _text([f"./m{j}.js" for j in sorted(imports)], tla and i % 3 == 0, i)
        for k in range(2):
            files[DEP.format(k, "package.json")] = \
                f'{{"name": "dep{k}", "type": "module", "exports": "./index.js"}}'
            files[DEP.format(k, "index.js")] = _text(["dep1"] if k == 0 else [], k == 1, k)
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        live = Project(root, config)
        live.discover(); live.load(); live.recompute()
        overlays: dict[Path, bytes] = {}
        for step, (op, i, j) in enumerate(edits):
            prev = _verdicts(live)
            path = root / f"m{i}.js"
            text = overlays[path].decode() if path in overlays else \
                path.read_text() if path.exists() else _text([], False, i)
            if op == "tla":
                text = text.replace("await 0;\n", "") if "await 0;" in text else text + "await 0;\n"
            elif op == "import":
                text = f'import "./m{j}.js";\n' + text
            elif op == "dep":
                text = f'import "dep{j % 2}";\n' + text
            elif op == "unresolved":  # typing an import: no evaluation edge yet
                text = f'import "./nope{j}.js";\n' + text
            elif op == "drop":
                lines = text.splitlines(keepends=True)
                imports = [k for k, line in enumerate(lines) if line.startswith("import")]
                if imports:
                    del lines[imports[j % len(imports)]]
                text = "".join(lines)
            elif op == "noop":
                text = "// moved\n" + text
            elif op == "create":  # a buffer of a file that is not on disk (nothing resolves to it)
                path = root / f"new{i}.js"
                text = _text([f"./m{j}.js"], i % 2 == 0, i)
                live.workspace_files.add(path)  # as a rediscovery would (open buffers count)
            if op == "close":  # a buffer closes: the disk is the truth again
                if j % 2:
                    path = root / f"new{i}.js"
                overlays.pop(path, None)
                change = live.set_overlay(path, None)
            elif op == "vanish":  # deleted on disk; the watcher is late, the buffer closes
                if path.exists():
                    path.unlink()
                overlays.pop(path, None)
                change = live.set_overlay(path, None)
            elif op == "disk":  # written on disk (created if missing), the watcher reports it
                path.write_text(text)
                change = live.files_changed([path])
            else:
                overlays[path] = text.encode()
                change = live.set_overlay(path, overlays[path])
            fresh = _fresh(root, overlays, config)
            assert not {m for m in live.modules.keys() - fresh.modules.keys() if live.modules[m].workspace}
            assert _project_state(live, fresh.modules) == _project_state(fresh), \
                f"step {step}: {op} {path.name}\n{text}"
            # the update names exactly the modules whose verdict or chain root/distance changed
            now = _verdicts(live)
            assert change.verdicts == {m for m in prev.keys() | now.keys() if prev.get(m) != now.get(m)}


# -- a big graph: an edit far from the awaits re-derives little ------------------------------------
def _tree(root: Path, n: int) -> None:
    """m_i imports m_(i // 2): a binary tree of importers under m1, which has a top-level await;
    every module is async, m_i's importers are m_2i and m_2i+1."""
    (root / "package.json").write_text('{"type": "module"}')
    (root / "m1.js").write_text("await 0;\nexport const v = 1;\n")
    for i in range(2, n + 1):
        (root / f"m{i}.js").write_text(f'import "./m{i // 2}.js";\nexport const v = {i};\n')


def _subtree(k: int, n: int) -> set[int]:
    """m_k and every module that reaches it."""
    out = {k}
    for i in range(k + 1, n + 1):
        if i // 2 in out:
            out.add(i)
    return out


def test_an_edit_far_from_the_await_rederives_only_what_reaches_it(tmp_path):
    n = 1500
    root = tmp_path.resolve()
    _tree(root, n)
    p = Project(root)
    p.discover(); p.load(); p.recompute()
    assert p.rederived == n and all(m.is_async for m in p.modules.values())
    leaf = root / f"m{n}.js"
    # a leaf drops its import: nothing imports it, so it alone is re-derived
    change = p.set_overlay(leaf, b"export const v = 0;\n")
    assert change.graph and p.rederived == 1 and change.verdicts == {leaf}
    assert not p.modules[leaf].is_async
    # typing an import that does not resolve yet, in the tree's second module: only its chain
    mid = root / "m2.js"
    change = p.set_overlay(mid, b'import "./m1.js";\nimport "./nop";\nexport const v = 2;\n')
    assert change.graph and p.rederived == 1 and change.verdicts == set()
    # m3 gets a top-level await of its own: its subtree (m3's importers, transitively) moves
    m3 = root / "m3.js"
    subtree = _subtree(3, n)
    change = p.set_overlay(m3, b'import "./m1.js";\nawait 1;\nexport const v = 3;\n')
    assert p.rederived == len(subtree) < n // 2 + 1
    assert change.verdicts == {root / f"m{i}.js" for i in subtree}
    # m2 imports m4, which imports m2: a cycle, found among m2's importers only
    change = p.set_overlay(root / "m2.js", b'import "./m1.js";\nimport "./m4.js";\n')
    assert p.cycles == [[root / "m2.js", root / "m4.js"]] and change.verdicts == set()
    assert p.rederived == len(_subtree(2, n) - {n})  # the leaf imports nothing now
    fresh = _fresh(root, p.overlays, Config())
    assert _project_state(p) == _project_state(fresh)


def test_an_edit_while_indexing_recomputes_everything(tmp_path):
    # modules loaded after the last recomputation have no verdicts yet: the next update
    # derives them all (as the start-up index does between its batches)
    n = 40
    root = tmp_path.resolve()
    _tree(root, n)
    p = Project(root)
    p.discover()
    p.load([root / "m5.js"]); p.recompute()
    assert p.modules[root / "m5.js"].is_async and root / "m6.js" not in p.modules
    p.load()
    assert not p.modules[root / "m6.js"].is_async
    change = p.set_overlay(root / "m40.js", b"export {};\n")
    assert p.rederived == n and p.modules[root / "m6.js"].is_async
    assert root / "m6.js" in change.verdicts and root / "m40.js" not in change.verdicts
    assert _project_state(p) == _project_state(_fresh(root, p.overlays, Config()))
