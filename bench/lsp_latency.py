#!/usr/bin/env python3
"""LSP latency benchmark for `tla-lens serve` on a generated workspace (a benchmark, not a test).

    .venv/bin/python bench/lsp_latency.py [--modules 5000] [--runs 40] [--starts 3]
                                          [--cli-runs 3] [--depcruise-runs 1] [--json FILE]

Measures, with a plain JSON-RPC client over the server's stdio (bench/lsp_client.py):

  a. first squiggle: process spawn -> the first publishDiagnostics carrying an `async-import`
     diagnostic for a file opened right after `initialized` (median and max over --starts fresh
     server processes);
  b. flip: in the open `db.ts`, alternately delete and re-insert the top-level `await`
     (incremental didChange), and time send -> the publishDiagnostics of an open importer several
     import hops up that loses / regains its squiggle (p50/p95/max over --runs flips);
  c. edit in a function body: insert / delete one character inside a string in a function body of
     an open file; the server's own time from its `window/logMessage` line
     ("tla-lens: update X took N ms (no graph change)"), and the client round trip of didChange +
     an immediately following textDocument/hover (and, for reference, a hover alone);
  d. peers measured in the same run: a cold `tla-lens check --format json` of the same workspace
     (wall time of the subprocess) and, when installed (bench/setup.sh), dependency-cruiser's cold
     graph build `depcruise src --no-config --ts-config tsconfig.json --output-type json`.

Prints a table with the targets (MISSED next to a missed one) and the ratios to the peers; always
exits 0 unless the benchmark itself could not run.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_workspace import default_out, ensure  # noqa: E402
from lsp_client import LspClient, Publish, has_code, path_to_uri, rng  # noqa: E402

TARGET_FIRST_S = 2.0
TARGET_FLIP_P95_MS = 100.0
TARGET_BODY_MS = 5.0
TOOK_RE = re.compile(r"update (?P<name>\S+) took (?P<ms>[0-9.]+) ms \((?P<what>[^)]*)\)")
INDEXED_RE = re.compile(r"indexed ([0-9,]+) modules \(([0-9,]+) async\) in ([0-9,.]+) ms")


def pct(xs: list[float], q: float) -> float:
    """Percentile with linear interpolation between closest ranks (numpy's default)."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = (len(s) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summary(xs: list[float]) -> dict:
    if not xs:
        return {"n": 0}
    return {"n": len(xs), "min": min(xs), "p50": pct(xs, 50), "p95": pct(xs, 95), "max": max(xs),
            "mean": statistics.fmean(xs)}


def server_cmd(args) -> list[str]:
    if args.server_cmd:
        return args.server_cmd.split()
    exe = Path(sys.executable).parent / "tla-lens"
    if not exe.exists():
        found = shutil.which("tla-lens")
        if not found:
            raise SystemExit("lsp_latency: no tla-lens executable (run with .venv/bin/python)")
        exe = Path(found)
    return [str(exe), "serve"]


def cli_cmd(args) -> list[str]:
    # cold: no facts cache, no saved resolutions (a warm `check` is run.py's business)
    return [server_cmd(args)[0], "check", "--format", "json", "--color", "never", "--no-cache"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---- a. first squiggle ------------------------------------------------------------------------
async def first_squiggle(args, ws: Path, manifest: dict, keep: bool) -> tuple[dict, LspClient | None]:
    target = ws / manifest["first_squiggle"]["path"]
    uri = path_to_uri(target)
    text = target.read_text()
    client = await LspClient.spawn(server_cmd(args), cwd=ws)
    rec: dict = {}
    try:
        t_init = await client.initialize(ws, timeout=args.timeout, trace=args.trace)
        rec["initialize_s"] = t_init - client.t_spawn
        client.did_open(target, text)
        await client.drain()
        after = 0
        first_any: Publish | None = None
        try:
            p = await client.wait_publish(lambda p: p.uri == uri and has_code(p), after=after,
                                          timeout=args.timeout)
            rec["first_squiggle_s"] = p.t - client.t_spawn
            rec["async_import_diagnostics"] = sum(1 for d in p.diagnostics if d.get("code") == "async-import")
        except asyncio.TimeoutError:
            rec["first_squiggle_s"] = None
            rec["error"] = f"no async-import diagnostic for the opened file within {args.timeout:.0f} s"
        for p in client.publishes:
            if p.uri == uri:
                first_any = p
                break
        if first_any is not None:
            rec["first_publish_s"] = first_any.t - client.t_spawn
            rec["first_publish_had_squiggle"] = has_code(first_any)
            rec["first_publish_codes"] = sorted({str(d.get("code")) for d in first_any.diagnostics})
            rec["publishes_before_squiggle"] = sum(
                1 for p in client.publishes if p.uri == uri and (rec["first_squiggle_s"] is None
                                                                 or p.t - client.t_spawn < rec["first_squiggle_s"]))
        if keep:
            return rec, client
    except BaseException:
        await client.shutdown()
        raise
    rec["exit_code"] = await client.shutdown()
    return rec, None


async def wait_indexed(client: LspClient, timeout: float) -> dict:
    t0 = time.perf_counter()
    try:
        line = await client.wait_log(lambda l: INDEXED_RE.search(l.message) is not None, after=0, timeout=timeout)
    except asyncio.TimeoutError:
        return {"indexed": False, "waited_s": time.perf_counter() - t0}
    m = INDEXED_RE.search(line.message)
    assert m
    return {"indexed": True, "since_spawn_s": line.t - client.t_spawn,
            "modules": int(m.group(1).replace(",", "")), "async": int(m.group(2).replace(",", "")),
            "server_index_ms": float(m.group(3).replace(",", ""))}


# ---- b. flip ----------------------------------------------------------------------------------
async def flips(args, client: LspClient, ws: Path, manifest: dict) -> dict:
    db = ws / manifest["db"]["path"]
    imp = ws / manifest["flip_importer"]["path"]
    line, ch = manifest["db"]["tla_line"], manifest["db"]["tla_character"]
    db_text = db.read_text()
    assert db_text.splitlines()[line][ch:ch + 6] == "await ", "manifest does not point at the await"
    imp_uri = path_to_uri(imp)
    mark = client.mark()
    db_uri, _ = client.did_open(db, db_text)
    client.did_open(imp)
    await client.drain()
    out: dict = {"importer": manifest["flip_importer"]["path"],
                 "hops_to_db": manifest["flip_importer"]["hops_to_db"]}
    try:
        p = await client.wait_publish(lambda p: p.uri == imp_uri, after=mark, timeout=args.timeout)
        if not has_code(p):
            p = await client.wait_publish(lambda p: p.uri == imp_uri and has_code(p), after=mark,
                                          timeout=args.timeout)
    except asyncio.TimeoutError:
        out["error"] = "the open importer never got an async-import diagnostic"
        return out
    got_lines = sorted(d["range"]["start"]["line"] for d in p.diagnostics if d.get("code") == "async-import")
    out["importer_squiggle_lines"] = got_lines
    out["expected_squiggle_lines"] = manifest["flip_importer"]["async_import_lines"]
    await asyncio.sleep(args.settle)

    times: list[float] = []
    server_ms: list[float] = []
    timeouts = 0
    present = True
    for i in range(args.runs + args.warmup):
        if present:
            change = {"range": rng(line, ch, line, ch + 6), "text": ""}
        else:
            change = {"range": rng(line, ch), "text": "await "}
        want = not present
        mark = client.mark()
        t0 = client.did_change(db_uri, [change])
        await client.drain()
        present = not present
        try:
            p = await client.wait_publish(lambda p: p.uri == imp_uri and has_code(p) == want, after=mark,
                                          timeout=args.flip_timeout)
            dt = (p.t - t0) * 1000
        except asyncio.TimeoutError:
            timeouts += 1
            dt = None
        try:
            lg = await client.wait_log(lambda l: (m := TOOK_RE.search(l.message)) is not None
                                       and m.group("name") == db.name, after=mark, timeout=1.0)
            ms = float(TOOK_RE.search(lg.message).group("ms"))
        except asyncio.TimeoutError:
            ms = None
        if i >= args.warmup:
            if dt is not None:
                times.append(dt)
            if ms is not None:
                server_ms.append(ms)
        await asyncio.sleep(args.settle)
        if dt is None:
            # resynchronise: wait until the importer reflects the current text
            try:
                await client.wait_publish(lambda p: p.uri == imp_uri and has_code(p) == present,
                                          after=mark, timeout=args.timeout)
            except asyncio.TimeoutError:
                pass
    out["client_ms"] = summary(times)
    out["server_update_ms"] = summary(server_ms)
    out["timeouts"] = timeouts
    out["samples_ms"] = [round(x, 3) for x in times]
    # leave db.ts as it was
    if not present:
        client.did_change(db_uri, [{"range": rng(line, ch), "text": "await "}])
        await client.drain()
    return out


# ---- c. edit in a function body ---------------------------------------------------------------
async def body_edits(args, client: LspClient, ws: Path, manifest: dict) -> dict:
    f = ws / manifest["body_edit"]["path"]
    line, ch = manifest["body_edit"]["line"], manifest["body_edit"]["character"]
    text = f.read_text()
    assert text.splitlines()[line][ch - 1] == '"', "manifest does not point into the label string"
    mark = client.mark()
    uri, _ = client.did_open(f, text)
    await client.drain()
    try:
        await client.wait_publish(lambda p: p.uri == uri, after=mark, timeout=args.timeout)
    except asyncio.TimeoutError:
        pass
    await asyncio.sleep(args.settle)
    hover_params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": ch + 2}}

    # reference: a hover alone
    alone: list[float] = []
    for i in range(args.runs + args.warmup):
        rt, _ = await client.request("textDocument/hover", hover_params, timeout=args.timeout)
        if i >= args.warmup:
            alone.append(rt * 1000)
        await asyncio.sleep(args.settle / 4)

    roundtrip: list[float] = []
    server_ms: list[float] = []
    kinds: dict[str, int] = {}
    publishes = 0
    inserted = False
    for i in range(args.runs + args.warmup):
        change = ({"range": rng(line, ch, line, ch + 1), "text": ""} if inserted
                  else {"range": rng(line, ch), "text": "x"})
        mark = client.mark()
        t0 = client.did_change(uri, [change])
        _, fut = client.request_nowait("textDocument/hover", hover_params)
        await client.drain()
        t1, _ = await asyncio.wait_for(fut, args.timeout)
        inserted = not inserted
        try:
            lg = await client.wait_log(lambda l: (m := TOOK_RE.search(l.message)) is not None
                                       and m.group("name") == f.name, after=mark, timeout=1.0)
            m = TOOK_RE.search(lg.message)
            ms, what = float(m.group("ms")), m.group("what")
        except asyncio.TimeoutError:
            ms, what = None, "no log line"
        if i >= args.warmup:
            roundtrip.append((t1 - t0) * 1000)
            if ms is not None:
                server_ms.append(ms)
            kinds[what] = kinds.get(what, 0) + 1
        await asyncio.sleep(args.settle / 4)
        publishes += sum(1 for p in client.publishes if p.seq > mark)
    if inserted:
        client.did_change(uri, [{"range": rng(line, ch, line, ch + 1), "text": ""}])
        await client.drain()
    return {"file": manifest["body_edit"]["path"], "server_update_ms": summary(server_ms),
            "server_says": kinds, "change_plus_hover_ms": summary(roundtrip), "hover_alone_ms": summary(alone),
            "publishes_during_edits": publishes}


# ---- d. peers ---------------------------------------------------------------------------------
def time_cmd(cmd: list[str], cwd: Path, runs: int, ok=(0, 1)) -> dict:
    walls = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        walls.append(time.perf_counter() - t0)
        if r.returncode not in ok:
            return {"error": f"exit {r.returncode}: {r.stderr.decode(errors='replace')[-400:]}"}
    return {"runs": runs, "wall_s": summary(walls)}


def peers(args, ws: Path) -> dict:
    out: dict = {}
    if args.cli_runs:
        py = Path(cli_cmd(args)[0]).parent / "python"
        if py.exists():  # the server's start-up floor: interpreter + importing pygls, lsprotocol, tla_lens
            out["floor"] = time_cmd([str(py), "-c", "import tla_lens.lsp.server"], ws, args.cli_runs, ok=(0,))
        log(f"peer: tla-lens check x{args.cli_runs} ...")
        out["cli_check"] = time_cmd(cli_cmd(args) + ["."], ws, args.cli_runs)
    dc = HERE / "peers" / "node_modules" / ".bin" / "depcruise"
    if args.depcruise_runs and dc.exists():
        log(f"peer: dependency-cruiser x{args.depcruise_runs} ...")
        out["depcruise"] = time_cmd([str(dc), "src", "--no-config", "--ts-config", "tsconfig.json",
                                     "--output-type", "json"], ws, args.depcruise_runs, ok=(0,))
        try:
            out["depcruise"]["version"] = json.loads((HERE / "peers" / "node_modules" / "dependency-cruiser"
                                                      / "package.json").read_text())["version"]
        except (OSError, ValueError, KeyError):
            pass
    elif args.depcruise_runs:
        out["depcruise"] = {"skipped": "not installed (run bench/setup.sh)"}
    return out


# ---- report -----------------------------------------------------------------------------------
def fmt_ms(x) -> str:
    return "—" if x is None or x != x else (f"{x:,.0f} ms" if x >= 100 else f"{x:.1f} ms" if x >= 10 else f"{x:.2f} ms")


def fmt_s(x) -> str:
    return "—" if x is None else f"{x:.2f} s"


def verdict(value, target) -> str:
    if value is None or value != value:
        return "MISSED (no figure)"
    return "ok" if value <= target else "MISSED"


def report(res: dict) -> str:
    rows: list[tuple[str, str, str, str]] = []
    ws = res["workspace"]
    starts = [s for s in res["first_squiggle"] if s.get("first_squiggle_s") is not None]
    fs = [s["first_squiggle_s"] for s in starts]
    fs_med = statistics.median(fs) if fs else None
    peers_ = res.get("peers", {})
    cli = peers_.get("cli_check", {}).get("wall_s", {}).get("p50")
    dc = peers_.get("depcruise", {}).get("wall_s", {}).get("p50")

    def ratio(peer, ours, unit=1.0) -> str:
        if peer is None or ours is None or ours != ours or ours == 0:
            return ""
        return f"{peer / (ours * unit):,.1f}×"

    rows.append(("a. first squiggle (spawn → async-import on the opened file), median of "
                 f"{len(fs)}/{len(res['first_squiggle'])} starts",
                 f"{fmt_s(fs_med)} (max {fmt_s(max(fs) if fs else None)})", f"≤ {TARGET_FIRST_S:.0f} s",
                 verdict(fs_med, TARGET_FIRST_S)))
    idx = res.get("index", {})
    ini = [s["initialize_s"] for s in res["first_squiggle"] if s.get("initialize_s") is not None]
    if ini:
        rows.append(("   spawn → initialize response, median", fmt_s(statistics.median(ini)), "", ""))
    if idx.get("indexed"):
        agree = "agrees with" if (idx["modules"], idx["async"]) == (ws["modules"], ws["async_modules"]) \
            else f"DIFFERS from {ws['modules']:,} / {ws['async_modules']:,} in"
        rows.append(("   server: whole workspace indexed (spawn → log line)", fmt_s(idx["since_spawn_s"]),
                     "", f"{idx['modules']:,} modules, {idx['async']:,} async ({agree} the generator)"))
    fl = res.get("flip", {})
    c = fl.get("client_ms", {})
    if c.get("n"):
        rows.append((f"b. flip db.ts `await` → importer {fl['hops_to_db']} hops up re-published, "
                     f"p50 / p95 / max of {c['n']}",
                     f"{fmt_ms(c['p50'])} / {fmt_ms(c['p95'])} / {fmt_ms(c['max'])}",
                     f"p95 ≤ {TARGET_FLIP_P95_MS:.0f} ms", verdict(c["p95"], TARGET_FLIP_P95_MS)
                     + (f" ({fl['timeouts']} timeouts)" if fl.get("timeouts") else "")))
        if fl.get("importer_squiggle_lines") != fl.get("expected_squiggle_lines"):
            rows.append(("   importer's async-import lines", str(fl.get("importer_squiggle_lines")), "",
                         f"generator expected {fl.get('expected_squiggle_lines')}"))
        s = fl.get("server_update_ms", {})
        if s.get("n"):
            rows.append(("   server's own `update db.ts took` p50 / p95", f"{fmt_ms(s['p50'])} / {fmt_ms(s['p95'])}",
                         "", "graph update only; excludes rules + publish"))
    else:
        rows.append(("b. flip", "—", f"p95 ≤ {TARGET_FLIP_P95_MS:.0f} ms", "MISSED: " + fl.get("error", "no samples")))
    be = res.get("body", {})
    s = be.get("server_update_ms", {})
    rt = be.get("change_plus_hover_ms", {})
    ha = be.get("hover_alone_ms", {})
    if s.get("n"):
        rows.append((f"c. edit in a function body: server time (its log line), p50 / p95 / max of {s['n']}",
                     f"{fmt_ms(s['p50'])} / {fmt_ms(s['p95'])} / {fmt_ms(s['max'])}",
                     f"≤ {TARGET_BODY_MS:.0f} ms", verdict(s["p95"], TARGET_BODY_MS) + " (p95)"))
    elif rt.get("n"):
        rows.append(("c. edit in a function body: no server timing logged; round trip used",
                     f"{fmt_ms(rt['p50'])} / {fmt_ms(rt['p95'])}", f"≤ {TARGET_BODY_MS:.0f} ms",
                     verdict(rt["p95"], TARGET_BODY_MS) + " (p95, round trip)"))
    if rt.get("n"):
        rows.append(("   client: didChange + hover round trip p50 / p95", f"{fmt_ms(rt['p50'])} / {fmt_ms(rt['p95'])}",
                     "", f"hover alone {fmt_ms(ha.get('p50'))} / {fmt_ms(ha.get('p95'))}"))
    if rt.get("n") and ha.get("n"):
        rows.append(("   estimate of the whole didChange handler: round trip − hover alone, p50",
                     fmt_ms(rt["p50"] - ha["p50"]), f"≤ {TARGET_BODY_MS:.0f} ms",
                     verdict(rt["p50"] - ha["p50"], TARGET_BODY_MS) + " (p50, estimate)"))
    floor = peers_.get("floor", {}).get("wall_s", {}).get("p50")
    if floor is not None:
        rows.append(("   floor: `python -c 'import tla_lens.lsp.server'` (wall, median)", fmt_s(floor), "", ""))
    if cli is not None:
        rows.append(("d. peer: cold `tla-lens check --format json` (wall, median)", fmt_s(cli), "",
                     f"{ratio(cli, fs_med)} first squiggle; {ratio(cli, c.get('p95'), 1e-3)} flip p95"))
    if dc is not None:
        rows.append((f"d. peer: cold dependency-cruiser {peers_['depcruise'].get('version', '')} graph (wall)",
                     fmt_s(dc), "", f"{ratio(dc, fs_med)} first squiggle; {ratio(dc, c.get('p95'), 1e-3)} flip p95"))
    elif "depcruise" in peers_:
        rows.append(("d. peer: dependency-cruiser", "—", "", peers_["depcruise"].get("skipped")
                     or peers_["depcruise"].get("error", "")))
    if res.get("rss_kb"):
        rows.append(("   server memory after the run (RSS / peak)",
                     f"{res['rss_kb'][0] / 1024:,.0f} / {res['rss_kb'][1] / 1024:,.0f} MB", "", ""))

    load = [res.get("load_average_at_start", [0])[0], res.get("load_after_a", 0), res.get("load_after_bc", 0),
            res.get("load_average_at_end", [0])[0]]
    head = (f"tla-lens LSP latency — {ws['modules']:,} modules ({ws['bytes'] / 1e6:.1f} MB, {ws['lines']:,} lines, "
            f"{ws['edges']:,} imports, {ws['async_modules']} async), {res['machine']}, "
            f"{res['date']}\n1-min load average at start / after a / after b+c / after d: "
            f"{' / '.join(f'{x:.2f}' for x in load)}")
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [head, ""]
    hdr = ("measure", "figure", "target", "result / ratio")
    w = [max(w[i], len(hdr[i])) for i in range(4)]
    lines.append("  ".join(hdr[i].ljust(w[i]) for i in range(4)))
    lines.append("  ".join("-" * w[i] for i in range(4)))
    for r in rows:
        lines.append("  ".join(r[i].ljust(w[i]) for i in range(4)).rstrip())
    return "\n".join(lines)


# ---- main -------------------------------------------------------------------------------------
async def run(args) -> dict:
    ws = args.workspace or default_out(args.modules, args.seed)
    log(f"workspace: {ws}")
    manifest = ensure(ws, args.modules, args.seed)
    res: dict = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "workspace": {k: manifest[k] for k in ("modules", "seed", "bytes", "lines", "edges", "async_modules",
                                               "async_because_of_db", "cycles")},
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "first_squiggle": [],
    }
    client: LspClient | None = None
    for i in range(args.starts):
        keep = i == args.starts - 1
        log(f"a. start {i + 1}/{args.starts} ...")
        rec, client = await first_squiggle(args, ws, manifest, keep)
        log(f"   {rec}")
        res["first_squiggle"].append(rec)
    assert client is not None
    try:
        log("   waiting for the server to index the whole workspace ...")
        res["index"] = await wait_indexed(client, args.timeout)
        log(f"   {res['index']}")
        res["load_after_a"] = round(os.getloadavg()[0], 2)
        log(f"b. {args.runs} flips ...")
        res["flip"] = await flips(args, client, ws, manifest)
        log(f"   {json.dumps({k: v for k, v in res['flip'].items() if k != 'samples_ms'})}")
        log(f"c. {args.runs} edits in a function body ...")
        res["body"] = await body_edits(args, client, ws, manifest)
        log(f"   {json.dumps(res['body'])}")
        res["load_after_bc"] = round(os.getloadavg()[0], 2)
        res["rss_kb"] = client.rss_kb()
        res["server_errors"] = [l.message[:2000] for l in client.logs if l.type == 1]
        res["server_stderr_tail"] = client.stderr_lines[-20:]
    finally:
        res["exit_code"] = await client.shutdown()
    res["peers"] = peers(args, ws)
    res["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--modules", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workspace", type=Path, help="use this generated workspace (default: bench/.work/ws-N-sSEED)")
    ap.add_argument("--runs", type=int, default=40, help="flips and function-body edits measured (default 40)")
    ap.add_argument("--warmup", type=int, default=2, help="unmeasured flips/edits first (default 2)")
    ap.add_argument("--starts", type=int, default=5, help="fresh server processes for the first squiggle")
    ap.add_argument("--cli-runs", type=int, default=3, help="cold `tla-lens check` runs (0: skip)")
    ap.add_argument("--depcruise-runs", type=int, default=1, help="dependency-cruiser runs (0: skip)")
    ap.add_argument("--settle", type=float, default=0.2, help="pause between flips, seconds (default 0.2)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the server, per step")
    ap.add_argument("--flip-timeout", type=float, default=10.0, help="seconds to wait for one flip")
    ap.add_argument("--trace", default="messages", choices=["off", "messages", "verbose"],
                    help="trace value in initialize; the server logs its per-edit timings only when tracing "
                         "(default: messages)")
    ap.add_argument("--server-cmd", help="server command line (default: <venv>/bin/tla-lens serve)")
    ap.add_argument("--json", type=Path, help="also write all figures here (default: bench/.work/lsp-latency.json)")
    ap.add_argument("--report", type=Path, metavar="JSON", help="only print the table of a saved run")
    args = ap.parse_args()
    if args.report:
        print(report(json.loads(args.report.read_text())))
        return
    res = asyncio.run(run(args))
    out = args.json or HERE / ".work" / "lsp-latency.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=1) + "\n")
    print(report(res))
    if res.get("server_errors"):
        print(f"\nserver logged {len(res['server_errors'])} error(s); first: {res['server_errors'][0][:500]}")
    print(f"\nall figures: {out}")


if __name__ == "__main__":
    main()
