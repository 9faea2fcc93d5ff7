"""The V8 oracle: tla-lens's verdicts must equal V8's on many random workspaces.

For every ES module of a workspace, ``Module.has_tla`` must equal V8's
``vm.SourceTextModule#hasTopLevelAwait()`` and ``Module.is_async`` must equal
``#hasAsyncGraph()``; the chain tla-lens shows for an async module must be a real shortest path
of V8 edges to a TLA module. V8 sees TypeScript files after TypeScript 5.9's ``transpileModule``
(so the real TypeScript decides import elision) and is linked with the generator's ground truth
(``oracle.json``), never with a resolver of ours.

Workspaces: ``TLA_ORACLE_COUNT`` (default 160) random ones from seed ``TLA_ORACLE_SEED`` (default 0),
plus every hand-made workspace in ``regressions/``. One Node process checks all of them.
A soak run: ``TLA_ORACLE_COUNT=2000 TLA_ORACLE_SEED=5000 pytest tests/oracle``.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections import deque
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def _load_generator():
    # tests run with --import-mode=importlib: load the sibling module by path
    name = "tla_lens_oracle_gen"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE / "oracle_gen.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_gen = _load_generator()
LOOKALIKES, LOOKALIKES_TS, TLA_FORMS, TLA_FORMS_TS = _gen.LOOKALIKES, _gen.LOOKALIKES_TS, _gen.TLA_FORMS, _gen.TLA_FORMS_TS
DEFAULT_TLA, TS_USAGES = _gen.DEFAULT_TLA, _gen.TS_USAGES
generate = _gen.generate
HARNESS = HERE / "oracle_harness.mjs"
REGRESSIONS = HERE / "regressions"
COUNT = int(os.environ.get("TLA_ORACLE_COUNT", "160"))
SEED0 = int(os.environ.get("TLA_ORACLE_SEED", "0"))
SEEDS = list(range(SEED0, SEED0 + COUNT))
REGRESSION_CASES = sorted(p.name for p in REGRESSIONS.iterdir() if (p / "oracle.json").exists()) \
    if REGRESSIONS.is_dir() else []


def run_harness(node: Path, ts5: Path, roots: list[Path], tmp: Path) -> dict:
    listing = tmp / "workspaces.json"
    listing.write_text(json.dumps([str(r) for r in roots]), encoding="utf-8")
    proc = subprocess.run(
        [str(node), "--experimental-vm-modules", "--no-warnings", str(HARNESS), str(ts5), str(listing)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, f"oracle harness failed:\n{proc.stderr[-5000:]}"
    return json.loads(proc.stdout)


@pytest.fixture(scope="session")
def oracle(tmp_path_factory, node26, ts5):
    """{case id: (workspace root, V8 result)} for every generated and regression workspace."""
    base = tmp_path_factory.mktemp("oracle")
    roots: dict[str, Path] = {}
    features: set[str] = set()
    for seed in SEEDS:
        ws = generate(seed)
        features |= ws.features
        roots[f"seed{seed}"] = ws.write(base / f"seed{seed}")
    for name in REGRESSION_CASES:
        # copied out of the repository so nothing above the workspace (the repo's own config) is seen
        roots[f"regression-{name}"] = Path(shutil.copytree(REGRESSIONS / name, base / f"regression-{name}"))
    result = run_harness(node26, ts5, list(roots.values()), base)
    return {case: (root, result[str(root)]) for case, root in roots.items()}, features


def _shortest_to_tla(start: str, v8: dict) -> int | None:
    """Edges on the shortest V8-edge path from start to a module with TLA (None: unreachable)."""
    seen = {start}
    queue = deque([(start, 0)])
    while queue:
        f, d = queue.popleft()
        if d and v8.get(f, {}).get("tla"):
            return d
        for g in v8.get(f, {}).get("edges", []):
            if g not in seen:
                seen.add(g)
                queue.append((g, d + 1))
    return None


def _describe(case: str, root: Path, file: str, what: str, v8: dict, ours: str, truth: dict) -> str:
    seed = case[len("seed"):] if case.startswith("seed") else None
    repro = (f"python tests/oracle/oracle_gen.py {seed} /tmp/ws{seed}" if seed is not None
             else f"tests/oracle/regressions/{case[len('regression-'):]}")
    src = (root / file).read_text(encoding="utf-8", errors="replace")
    return (
        f"--- {case}: {file}: {what}\n"
        f"    V8:       {v8}\n"
        f"    tla-lens: {ours}\n"
        f"    reproduce: {repro}   (workspace was {root})\n"
        f"    links: {json.dumps(truth['links'].get(file, {}))}\n"
        f"    source:\n" + "".join(f"      | {line}\n" for line in src.splitlines())
    )


def compare(case: str, root: Path, v8_result: dict) -> list[str]:
    """Every disagreement between tla-lens and V8 on one workspace, as printable paragraphs."""
    from tla_lens.project import analyse  # imported late: the oracle's own checks run without it

    truth = json.loads((root / "oracle.json").read_text(encoding="utf-8"))
    problems: list[str] = []
    if v8_result["errors"]:
        problems.append(f"--- {case}: V8/TypeScript rejected generated files (a generator bug): "
                        f"{json.dumps(v8_result['errors'], indent=1)}")
    v8 = v8_result["files"]
    analysis = analyse(root)
    real_root = root.resolve()
    by_rel = {}
    for path, module in analysis.modules.items():
        try:
            by_rel[Path(path).resolve().relative_to(real_root).as_posix()] = module
        except ValueError:
            pass

    def rel(p) -> str:
        try:
            return Path(p).resolve().relative_to(real_root).as_posix()
        except ValueError:
            return str(p)

    # files outside node_modules, and the node_modules files V8 reaches from them, must be analysed
    must_have = {f for f in v8 if not f.startswith("node_modules/")}
    stack = list(must_have)
    while stack:
        for g in v8.get(stack.pop(), {}).get("edges", []):
            if g not in must_have:
                must_have.add(g)
                stack.append(g)

    for file, kind in truth["modules"].items():
        module = by_rel.get(file)
        if kind == "json":
            continue
        if kind == "cjs":
            if module is not None and (module.format != "cjs" or module.has_tla):
                problems.append(_describe(case, root, file, "CommonJS file", {"format": "cjs", "tla": False},
                                          f"format={module.format} has_tla={module.has_tla}", truth))
            continue
        if file not in v8:
            continue  # reported in errors above
        want = v8[file]
        if module is None:
            if file in must_have:
                problems.append(_describe(case, root, file, "module missing from analysis.modules",
                                          want, "absent", truth))
            continue
        ours = f"format={module.format} has_tla={module.has_tla} is_async={module.is_async} " \
               f"chain={[rel(p) for p in module.chain]}"
        if module.format != "esm":
            problems.append(_describe(case, root, file, "format", {"format": "esm"}, ours, truth))
            continue
        if module.has_tla != want["tla"] or module.is_async != want["async"]:
            problems.append(_describe(case, root, file, "verdict", {k: want[k] for k in ("tla", "async")},
                                      ours, truth))
            continue
        # the explanation: a shortest path of real (post-elision) edges ending at a TLA module
        if want["async"] and not want["tla"]:
            chain = [rel(p) for p in module.chain]
            steps = [file] + chain
            bad = None
            if not chain:
                bad = "empty chain for an async module without TLA"
            elif not v8.get(chain[-1], {}).get("tla"):
                bad = f"chain ends at {chain[-1]}, which has no TLA"
            else:
                for a, b in zip(steps, steps[1:]):
                    if b not in v8.get(a, {}).get("edges", []):
                        bad = f"chain step {a} -> {b} is not an import V8 sees"
                        break
                else:
                    shortest = _shortest_to_tla(file, v8)
                    if shortest != len(chain):
                        bad = f"chain has {len(chain)} steps, the shortest path to TLA has {shortest}"
            if bad:
                want_edges = {f: v8[f]["edges"] for f in steps if f in v8}
                problems.append(_describe(case, root, file, f"chain: {bad}",
                                          {"edges": want_edges}, ours, truth))
        elif not want["async"] and module.chain:
            problems.append(_describe(case, root, file, "chain for a sync module", want, ours, truth))
    return problems


@pytest.mark.parametrize("case", [f"seed{s}" for s in SEEDS] + [f"regression-{n}" for n in REGRESSION_CASES])
def test_tla_lens_agrees_with_v8(case, oracle):
    runs, _ = oracle
    root, v8_result = runs[case]
    problems = compare(case, root, v8_result)
    if problems:
        shown = "\n".join(problems[:6])
        more = f"\n... and {len(problems) - 6} more" if len(problems) > 6 else ""
        pytest.fail(f"{len(problems)} disagreement(s) with V8 in {case}:\n{shown}{more}", pytrace=False)


# ---------------------------------------------------------------- checks of the oracle itself


def test_generated_workspaces_are_valid_and_varied(oracle):
    """Every generated file parses and links in V8, and the verdicts are not degenerate."""
    runs, _ = oracle
    errors = {case: r["errors"] for case, (_, r) in runs.items() if r["errors"]}
    assert not errors, f"V8/TypeScript rejected generated or regression files: {json.dumps(errors, indent=1)[:5000]}"
    if COUNT < 50:
        return
    verdicts = [v for case, (_, r) in runs.items() if case.startswith("seed") for v in r["files"].values()]
    assert len(verdicts) > 1000
    n_async = sum(v["async"] for v in verdicts)
    n_tla = sum(v["tla"] for v in verdicts)
    assert 0.05 * len(verdicts) < n_tla < n_async < 0.8 * len(verdicts)
    # async without TLA of its own (propagation), and sync importers
    assert sum(v["async"] and not v["tla"] for v in verdicts) > 0.1 * len(verdicts)


def test_generator_covers_every_form(oracle):
    _, features = oracle
    if COUNT < 100:
        pytest.skip("coverage is only meaningful over the full seed set")
    wanted = {"tla:" + f for f in TLA_FORMS + TLA_FORMS_TS + DEFAULT_TLA}
    wanted |= {"ts-usage:" + f for f in TS_USAGES}
    wanted |= {"lookalike:" + f for f in LOOKALIKES + LOOKALIKES_TS}
    for form in ["default", "named", "renamed", "namespace", "side", "empty", "star", "reexport",
                 "reexport_default", "star_ns", "mixed", "string_names", "empty_attributes", "multiline"]:
        wanted |= {f"import:{form}", f"import:{form}:default", f"import:{form}:verbatim"}
    for form in ["type_only", "type_ns", "inline_type", "inline_type_mixed", "type_position", "unused_ts",
                 "export_type", "export_type_star", "value_typeof", "shadowed", "reexport_local",
                 "default_type_position", "ns_type_position", "usage", "export_inline_type"]:
        wanted |= {f"import:{form}:default", f"import:{form}:verbatim"}
    wanted |= {"spec:paths-alias", "spec:directory", "spec:index-file", "spec:.ts->.js", "spec:.tsx->.js",
               "spec:.mts->.mjs", "spec:.cts->.cjs", "spec:.ts->extensionless", "spec:package",
               "spec:package-subpath", "dynamic-import", "require", "self-import", "import-json:default",
               "import-cjs:default", "verbatimModuleSyntax:True", "verbatimModuleSyntax:False",
               "spec:package-imports", "cjs-await-identifier"}
    wanted |= {f"file:{e}" for e in [".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".json"]}
    assert not wanted - features, f"never generated: {sorted(wanted - features)}"


def test_oracle_has_cycles(oracle):
    """Cycles, both reaching TLA and not, appear among the generated graphs."""
    runs, _ = oracle
    if COUNT < 50:
        pytest.skip("needs the full seed set")
    async_cycles = sync_cycles = 0
    for case, (_, r) in runs.items():
        v8 = r["files"]
        for f, v in v8.items():
            # f is on a cycle when it reaches itself
            seen, stack = set(), list(v["edges"])
            while stack:
                g = stack.pop()
                if g == f:
                    if v["async"]:
                        async_cycles += 1
                    else:
                        sync_cycles += 1
                    break
                if g not in seen and g in v8:
                    seen.add(g)
                    stack.extend(v8[g]["edges"])
    assert async_cycles > 20 and sync_cycles > 20, (async_cycles, sync_cycles)


def test_regressions_expected_by_hand(oracle):
    """Regression workspaces may carry expected.json (verdicts worked out by hand): V8 must agree,
    which checks the harness (transpile + ground-truth linking) itself."""
    runs, _ = oracle
    for name in REGRESSION_CASES:
        expected_file = REGRESSIONS / name / "expected.json"
        if not expected_file.exists():
            continue
        root, r = runs[f"regression-{name}"]
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        got = {f: {"tla": v["tla"], "async": v["async"]} for f, v in r["files"].items()}
        assert got == expected, f"{name}: V8 says {got}, expected.json says {expected}"
