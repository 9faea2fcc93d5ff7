"""The infection algorithm on hand-made graphs (no files)."""
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from hypothesis import given, settings
from hypothesis import strategies as st

from tla_lens.project.infection import components, infect, reach_back, strongly_connected


@dataclass(eq=False)
class E:
    source: Path
    target: Optional[Path]


def graph(*pairs: str):
    importers: dict[Path, list[E]] = {}
    succ: dict[Path, list[Path]] = {}
    nodes = set()
    for pair in pairs:
        a, b = (Path(x) for x in pair.split(">"))
        nodes |= {a, b}
        importers.setdefault(b, []).append(E(a, b))
        succ.setdefault(a, []).append(b)
    for lst in importers.values():
        lst.sort(key=lambda e: str(e.source))
    return nodes, importers, succ


def test_shortest_chain_wins_and_is_stable():
    nodes, imp, _ = graph("a>b", "b>c", "c>t", "a>d", "d>t2", "x>a")
    inf = infect([Path("t"), Path("t2")], imp)
    assert inf.chain(Path("a")) == [Path("d"), Path("t2")]
    assert inf.chain(Path("x")) == [Path("a"), Path("d"), Path("t2")]
    assert inf.chain(Path("t")) == []
    assert not inf.is_async(Path("z"))


def test_blocked_modules_neither_infected_nor_infecting():
    nodes, imp, _ = graph("a>b", "b>t", "c>t")
    inf = infect([Path("t")], imp, blocked=lambda p: p == Path("b"))
    assert not inf.is_async(Path("b")) and not inf.is_async(Path("a"))
    assert inf.is_async(Path("c"))


def test_cycle_reaching_tla_is_async_as_a_whole():
    nodes, imp, succ = graph("a>b", "b>c", "c>a", "c>t", "d>a")
    inf = infect([Path("t")], imp)
    assert all(inf.is_async(Path(n)) for n in "abcd")
    comps = strongly_connected(nodes, succ)
    assert comps == [[Path("a"), Path("b"), Path("c")]]


def test_long_chain_and_big_cycle_do_not_recurse():
    n = 5000
    chain = [f"m{i}>m{i + 1}" for i in range(n)]
    nodes, imp, succ = graph(*chain, f"m{n}>m0")
    inf = infect([Path(f"m{n}")], imp)
    assert len(inf.chain(Path("m0"))) == n
    comps = strongly_connected(nodes, succ)
    assert len(comps) == 1 and len(comps[0]) == n + 1
    assert len(reach_back(Path("m0"), imp)) == n + 1


def test_self_import_is_a_cycle():
    nodes, imp, succ = graph("a>a", "b>c")
    assert strongly_connected(nodes, succ) == [[Path("a")]]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=30))))
def test_components_equal_mutual_reachability(graph_spec):
    """Tarjan (both entry points, any node order) against the definition: two modules are in
    one cycle when each reaches the other; one module alone only when it imports itself."""
    n, pairs = graph_spec
    succ = {i: [b for a, b in pairs if a == i] for i in range(n)}
    reach = []
    for i in range(n):
        seen, todo = set(), list(succ[i])
        while todo:
            j = todo.pop()
            if j not in seen:
                seen.add(j)
                todo += succ[j]
        reach.append(seen)
    expected = set()
    for i in range(n):
        comp = frozenset(j for j in range(n) if j == i or (j in reach[i] and i in reach[j]))
        if len(comp) > 1 or i in succ[i]:
            expected.add(comp)
    names = [Path(f"m{i}") for i in range(n)]
    key = {p: i for i, p in enumerate(names)}
    for order in (names, names[::-1]):
        by_path = {names[i]: [names[j] for j in succ[i]] for i in range(n)}
        got = strongly_connected(order, by_path)
        assert {frozenset(key[p] for p in c) for c in got} == expected
        assert all(c == sorted(c) for c in got) and got == sorted(got, key=lambda c: c[0].parts)
        adj = [[order.index(names[j]) for j in succ[key[p]]] for p in order]
        assert components(list(order), adj) == got
