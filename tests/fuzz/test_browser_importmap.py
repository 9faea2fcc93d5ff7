"""Import maps in HTML pages, held to a browser: headless Chromium (Debian's, which `make test`
installs) loads the pages from a local HTTP server.

- Random pages: one or two `<script type="importmap">` elements (browsers merge them, the first
  rule for a key wins), exact and prefix keys, paths relative to the page and from the root it
  is served from (`/src/`), scopes. A probe module in each importing folder asks Chromium's
  `import.meta.resolve()` where each specifier goes from there; tla-lens must send it to the
  same file, or, where the file does not exist or Chromium refuses the specifier, to none.
- A page's modules: which are async modules. Each module records, at the end of its body,
  whether a microtask queued by the first module of the page has run: only a module that
  waited (a top-level await, or an import of an async module) ends after it. tla-lens must
  mark exactly those async.
"""
from __future__ import annotations

import functools
import http.server
import json
import random
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse
from tla_lens.resolve import Resolver

SEEDS = range(16)
FOLDERS = ["src", "src/app", "src/lib", "vendor", "vendor/x", "other"]


@pytest.fixture(scope="module")
def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.fail("chromium is missing: `make test` installs Debian's chromium", pytrace=False)
    return exe


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

    def log_message(self, *args) -> None:
        pass


def _load(chromium: str, root: Path, page: str = "index.html") -> dict:
    """Serve ``root`` and have Chromium load ``page``: the JSON the page writes into #out."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{page}"
        proc = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                               f"--user-data-dir={root.parent / 'chromium-profile'}",
                               "--virtual-time-budget=10000", "--dump-dom", url],
                              capture_output=True, text=True, timeout=120)
    finally:
        server.shutdown()
        server.server_close()
    start = proc.stdout.find('<pre id="out">')
    assert start >= 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    body = proc.stdout[start + len('<pre id="out">'):proc.stdout.index("</pre>", start)]
    import html

    return json.loads(html.unescape(body))


def _path_of(url: str, root: Path) -> Path | None:
    """The file a URL of the local server names, if it exists."""
    if url is None:
        return None
    p = root / unquote(urlparse(url).path).lstrip("/")
    return p if p.is_file() else None


def _case(seed: int) -> tuple[dict, list[dict], list[tuple[str, str]]]:
    """(files, import maps of the page, [(importing folder, specifier)]) for one seed."""
    rng = random.Random(seed)
    files = {f"{d}/m{i}.js": "export const v = 1;\n" for d in FOLDERS for i in range(2)}
    names = ["db", "db/", "@acme/", "@acme/ui", "lib", "cfg", "x/"]

    def path(folder: str, key_is_prefix: bool) -> str:
        tail = "/" if key_is_prefix else f"/m{rng.randrange(2)}.js"
        return ("/" if rng.random() < 0.5 else "./") + folder + tail

    def table(keys: list[str]) -> dict:
        return {k: path(rng.choice(FOLDERS), k.endswith("/")) for k in keys}

    maps = []
    for _ in range(rng.choice([1, 1, 2])):
        imports = table(rng.sample(names, rng.randint(2, len(names))))
        if rng.random() < 0.5:  # a path key: imports of files in a folder go elsewhere
            imports[("/" if rng.random() < 0.5 else "./") + rng.choice(FOLDERS) + "/"] = \
                path(rng.choice(FOLDERS), True)
        scopes = {}
        for _ in range(rng.randint(0, 2)):
            scopes[("/" if rng.random() < 0.5 else "./") + rng.choice(FOLDERS) + "/"] = \
                table(rng.sample(names, rng.randint(1, 3)))
        maps.append({"imports": imports, **({"scopes": scopes} if scopes else {})})
    uses = []
    for _ in range(16):
        folder = rng.choice(FOLDERS)
        key = rng.choice(names + ["./m1.js", "../lib/m0.js", "/vendor/m1.js"])
        uses.append((folder, key + f"m{rng.randrange(2)}.js" if key.endswith("/") else key))
    return files, maps, uses


def _page(maps: list[dict], body_script: str) -> str:
    tags = "".join(f'<script type="importmap">{json.dumps(m)}</script>\n' for m in maps)
    return (f"<!doctype html>\n<html><head>\n{tags}<script type=\"module\">{body_script}</script>\n"
            "</head><body><pre id=\"out\">pending</pre></body></html>\n")


@pytest.mark.parametrize("seed", SEEDS)
def test_random_page_import_maps_resolve_as_chromium_resolves(seed, chromium, tmp_path):
    files, maps, uses = _case(seed)
    root = tmp_path / "site"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    by_folder: dict[str, list[str]] = {}
    for folder, spec in uses:
        by_folder.setdefault(folder, []).append(spec)
    probe = {f: f"probe-{f.replace('/', '-')}.js" for f in by_folder}
    for folder, specs in by_folder.items():
        (root / folder / probe[folder]).write_text(
            "export default Object.fromEntries(" + json.dumps(specs) + ".map((s) => {\n"
            "  try { return [s, import.meta.resolve(s)]; } catch (e) { return [s, null]; }\n}));\n")
    # (a path key may map a probe's own folder away, full URLs too: that probe is not found, and
    # its folder is left out)
    loader = ("const out = {};\n" + "".join(
        f"try {{ out[{json.dumps(f)}] = (await import({json.dumps('/' + f + '/' + probe[f])})).default; }} catch {{}}\n"
        for f in by_folder) + "document.getElementById('out').textContent = JSON.stringify(out);\n")
    (root / "index.html").write_text(_page(maps, loader))
    browser = _load(chromium, root)
    r = Resolver(root)
    problems = []
    hits = compared = 0
    for folder, spec in uses:
        if folder not in browser:
            continue
        compared += 1
        want = _path_of(browser[folder][spec], root)
        got = r.resolve(spec, root / folder / probe[folder])
        ours = got.path
        if want is not None:
            want = want.resolve()
            hits += 1
        if ours != want:
            problems.append(f"{spec!r} from {folder}/: Chromium {browser[folder][spec]}, tla-lens {ours} "
                            f"({got.message})")
    assert not problems, json.dumps(maps, indent=1) + "\n" + "\n".join(problems)
    assert compared >= 8 and hits >= 4, (compared, hits)


ASYNC_SITE = {
    "src/clock.js": "globalThis.__tick = 0;\nglobalThis.__r = {};\nqueueMicrotask(() => { globalThis.__tick = 1; });\n",
    # a scope sends `db` elsewhere for the admin pages; `@app/` is served from the root
    "src/main.js": ('import "./clock.js";\nimport { user } from "@app/users.js";\nimport { flag } from "flags";\n'
                    'import { widget } from "ui/widget.js";\nexport const main = [user, flag, widget];\n'),
    "src/users.js": 'import { pool } from "db";\nexport const user = () => pool;\n',
    "src/db/real.js": "export const pool = await Promise.resolve({ real: true });\n",
    "src/admin/db-stub.js": "export const pool = { stub: true };\n",
    "src/admin/panel.js": 'import { pool } from "db";\nimport { user } from "@app/users.js";\nexport const panel = [pool, user];\n',
    "src/flags.js": "export const flag = 1;\n",
    "vendor/ui/widget.js": 'import { flag } from "flags";\nexport const widget = flag;\n',
    "src/later.js": 'const m = await import("@app/admin/panel.js");\nexport const later = m;\n',
}


def test_a_pages_modules_are_async_as_in_chromium(chromium, tmp_path):
    root = tmp_path / "site"
    files = dict(ASYNC_SITE)
    for rel in files:
        if rel != "src/clock.js":  # each module notes whether it ended after the clock's microtask
            files[rel] += f"__r[{json.dumps(rel)}] = __tick;\n"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    maps = [{"imports": {"@app/": "/src/", "db": "./src/db/real.js", "flags": "/src/flags.js"},
             "scopes": {"/src/admin/": {"db": "/src/admin/db-stub.js"}}},
            # a second map: its `db` is ignored (the first map's rule wins); `ui/` is new
            {"imports": {"db": "./src/flags.js", "ui/": "./vendor/ui/"}}]
    loader = ('import "./src/main.js";\nimport "./src/admin/panel.js";\nimport "./src/later.js";\n'
              "document.getElementById('out').textContent = JSON.stringify(__r);\n")
    # (the clock must be the first module evaluated: main.js imports it first)
    (root / "index.html").write_text(_page(maps, loader))
    browser = _load(chromium, root)
    assert set(browser) == set(files) - {"src/clock.js"}, browser  # every module loaded
    analysis = analyse(root, Config(), cache=False)
    ours = {rel: analysis.modules[(root / rel).resolve()].is_async for rel in browser}
    assert ours == {rel: bool(end) for rel, end in browser.items()}
    # what the case is there for: the stub scope keeps the admin panel's own `db` sync, but its
    # import of users.js (the real db) makes it async; the second map's `db` changed nothing
    assert browser["src/users.js"] == 1 and browser["src/admin/panel.js"] == 1
    assert browser["src/flags.js"] == 0 and browser["vendor/ui/widget.js"] == 0
    panel = analysis.modules[(root / "src/admin/panel.js").resolve()]
    assert panel.edges[0].target == (root / "src/admin/db-stub.js").resolve()
    # the page's inline module script starts the app: the modules it imports are its entries
    # (no package.json: a buildless app), async-entry on those that wait
    entries = {f.path.relative_to(root.resolve()).as_posix() for f in analysis.findings if f.code == "async-entry"}
    assert entries == {"src/main.js", "src/admin/panel.js", "src/later.js"}
    assert all(browser[e] == 1 for e in entries)


def test_the_buildless_example_is_async_as_in_chromium(chromium, tmp_path):
    """examples/buildless-app (`make run` explains it), loaded by Chromium through a copy of its
    page's import map: every module it loads waits, or not, as tla-lens says."""
    import re
    import shutil as _shutil

    example = Path(__file__).resolve().parents[2] / "examples" / "buildless-app"
    root = tmp_path / "site"
    _shutil.copytree(example, root)
    note = "\n(globalThis.__r ??= {})[new URL(import.meta.url).pathname] = globalThis.__tick;\n"
    for f in root.rglob("*.js"):
        f.write_text(f.read_text() + note)
    (root / "clock.js").write_text(ASYNC_SITE["src/clock.js"])
    page = (root / "index.html").read_text()
    imap = re.search(r'<script type="importmap">(.*?)</script>', page, re.S).group(1)
    (root / "probe.html").write_text(_page([json.loads(imap)], (
        'import "/clock.js";\nimport { start } from "@app/app.js";\nstart(document.createElement("div"));\n'
        "document.getElementById('out').textContent = JSON.stringify(__r);\n")))
    browser = {p.lstrip("/"): bool(t) for p, t in _load(chromium, root, "probe.html").items()}
    assert set(browser) == {"src/app.js", "src/settings.js", "src/views/reports.js", "src/format.js",
                            "vendor/lit-lite/index.js"}, browser
    (root / "probe.html").unlink()
    (root / "clock.js").unlink()
    analysis = analyse(root, Config(), cache=False)
    assert {rel: analysis.modules[(root / rel).resolve()].is_async for rel in browser} == browser
    assert browser["src/app.js"] and not browser["src/format.js"]  # (its import() waits only where used)
    (f,) = [f for f in analysis.findings if f.code == "async-entry"]
    assert f.path.name == "app.js" and "inline module script of index.html" in f.message


def test_an_unmapped_bare_import_says_the_page_does_not_map_it(tmp_path):
    """A browser knows bare names only from the page's import map: the hint says the map lacks it."""
    root = tmp_path / "site"
    (root / "src").mkdir(parents=True)
    (root / "index.html").write_text(_page([{"imports": {"db": "/src/db.js"}}], 'import "/src/app.js";'))
    (root / "src/db.js").write_text("export const db = 1;\n")
    (root / "src/app.js").write_text('import { db } from "db";\nimport { x } from "not-mapped";\n')
    r = Resolver(root)
    assert r.resolve("db", root / "src/app.js").path == (root / "src/db.js").resolve()
    miss = r.resolve("not-mapped", root / "src/app.js")
    assert miss.path is None and "nor does the import map of index.html map it" in miss.message
