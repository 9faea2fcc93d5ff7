"""The infection algorithm on hand-made graphs (no files)."""
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from tla_lens.project.infection import infect, reach_back, strongly_connected


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
