"""Deno's global caches, held to Deno 2 itself: a Deno project without node_modules (Deno's
default when there is no package.json) installs its `npm:` packages from a registry (a local
one here, serving tarballs made by the test) into `$DENO_DIR/npm/<registry>/<name>/<version>`,
its `jsr:` packages from a JSR registry (a local one too, `$JSR_URL`) into Deno's HTTP cache
(`$DENO_DIR/remote/…`, files named by hashes), and writes deno.lock. `deno run --cached-only` then runs the project: every module notes, at
the end of its body, whether a microtask queued by the first module has run — only a module
that waited (a top-level await, or an import of an async module) ends after it. tla-lens,
reading deno.lock and the cache, must find the same modules and mark exactly those async.

The npm packages: two versions of one package (the app's `dep-b@2` and a dependency's
`dep-b@^1`), an alias (`renamed: npm:dep-b@^1`), a scoped package, a subpath export. The JSR
packages: a package whose entry re-exports a file with a top-level await (a relative import
inside the package), a subpath export that stays sync, and a package that imports the first
and an npm package (its own deno.json's import map, which Deno does not apply, would send the
npm import to a waiting file).
"""
from __future__ import annotations

import base64
import functools
import hashlib
import http.server
import io
import json
import os
import subprocess
import tarfile
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

NOTE = "\n(globalThis.__r ??= {})[import.meta.url] = globalThis.__tick;\n"
PKGS = [
    ({"name": "dep-b", "version": "1.0.0", "type": "module", "exports": {".": "./index.js"}},
     {"index.js": "export const ready = await Promise.resolve(true);" + NOTE}),
    ({"name": "dep-b", "version": "2.0.0", "type": "module", "exports": {".": "./index.js"}},
     {"index.js": "export const ready = false;" + NOTE}),
    ({"name": "dep-a", "version": "2.1.0", "type": "module", "exports": {".": "./index.js", "./sync": "./sync.js"},
      "dependencies": {"dep-b": "^1.0.0"}},
     {"index.js": 'import { ready } from "dep-b";\nexport const a = () => ready;' + NOTE,
      "sync.js": "export const s = 1;" + NOTE}),
    ({"name": "@acme/util", "version": "0.3.1", "type": "module", "main": "./main.js",
      "dependencies": {"dep-b": "^2.0.0", "renamed": "npm:dep-b@^1.0.0"}},
     {"main.js": 'import { ready } from "dep-b";\nexport const u = ready;' + NOTE,
      "late.js": 'import * as r from "renamed";\nexport const l = r;' + NOTE}),
    ({"name": "@acme/plain", "version": "1.2.3", "type": "module", "main": "./main.js",
      "dependencies": {"dep-b": "^2.0.0"}},
     {"main.js": 'import { ready } from "dep-b";\nexport const p = ready;' + NOTE}),
]
JSR = {
    ("@acme/db", "1.0.0"): ({".": "./mod.ts", "./pool": "./lib/pool.ts", "./sync": "./lib/sync.ts"}, {
        "mod.ts": 'export { pool } from "./lib/pool.ts";' + NOTE,
        "lib/pool.ts": "export const pool: number = await Promise.resolve(1);" + NOTE,
        "lib/sync.ts": "export const s = 2;" + NOTE}),
    ("@acme/kit", "0.2.0"): ({".": "./mod.ts"}, {
        # (Deno does not apply a JSR package's own import map: were it applied, dep-b would be
        # the waiting evil.ts)
        "deno.json": json.dumps({"name": "@acme/kit", "version": "0.2.0", "exports": "./mod.ts",
                                 "imports": {"npm:dep-b@2": "./evil.ts"}}),
        "evil.ts": "export const ready = await Promise.resolve(2);" + NOTE,
        "mod.ts": ('import { s } from "jsr:@acme/db@^1/sync";\nimport { ready } from "npm:dep-b@2";\n'
                   'export const kit = [s, ready];' + NOTE)}),
}
APP = {
    "deno.json": json.dumps({"imports": {"util": "npm:@acme/util@0.3"}}),
    "clock.ts": "(globalThis as any).__tick = 0;\nqueueMicrotask(() => { (globalThis as any).__tick = 1; });\n",
    "main.ts": ('import "./clock.ts";\nimport { a } from "npm:dep-a@^2";\nimport { s } from "npm:dep-a@^2/sync";\n'
                'import { u } from "util";\nimport { p } from "npm:@acme/plain@1";\nimport { late } from "./late.ts";\n'
                'import { ready } from "npm:dep-b@2";\nimport { pool } from "jsr:@acme/db@^1";\n'
                'import { kit } from "jsr:@acme/kit@0.2";\n'
                "export const all = [a, s, u, p, late, ready, pool, kit];" + NOTE +
                "console.log(JSON.stringify((globalThis as any).__r));\n"),
    "late.ts": 'import { l } from "npm:@acme/util@0.3/late.js";\nexport const late = l;' + NOTE,
}


def _tarball(manifest: dict, files: dict) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as t:
        for rel, text in {"package.json": json.dumps(manifest), **files}.items():
            data = text.encode()
            info = tarfile.TarInfo("package/" + rel)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return out.getvalue()


class _Registry(http.server.BaseHTTPRequestHandler):
    """An npm registry of the packages above: /<name> (the packument), /<name>/-/<file>.tgz."""

    def __init__(self, tarballs: dict, *args, **kwargs) -> None:
        self.tarballs = tarballs
        super().__init__(*args, **kwargs)

    def translate_path(self, path):
        path, _, query = path.partition("?")
        return super().translate_path(path) + ("__q__" + unquote(query) if query else "")

    def do_GET(self) -> None:  # noqa: N802
        path = unquote(self.path.split("?")[0].lstrip("/"))
        body = None
        if "/-/" in path:
            body = next((data for (name, ver), data in self.tarballs.items()
                         if path == f"{name}/-/{name.split('/')[-1]}-{ver}.tgz"), None)
        else:
            port = self.server.server_address[1]
            versions = {}
            for (name, ver), data in self.tarballs.items():
                if name == path:
                    manifest = next(m for m, _ in PKGS if (m["name"], m["version"]) == (name, ver))
                    versions[ver] = {**manifest, "dist": {
                        "tarball": f"http://localhost:{port}/{name}/-/{name.split('/')[-1]}-{ver}.tgz",
                        "shasum": hashlib.sha1(data).hexdigest(),
                        "integrity": "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()}}
            if versions:
                body = json.dumps({"name": path, "dist-tags": {"latest": max(versions)}, "versions": versions}).encode()
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def _jsr_site(base: Path) -> None:
    """A JSR registry's files as Deno fetches them: meta.json, <version>_meta.json (manifest
    with checksums, exports), and each file under /<scope>/<name>/<version>/."""
    for (name, version), (exports, files) in JSR.items():
        pkg = base / name
        (pkg / version).mkdir(parents=True, exist_ok=True)
        (pkg / "meta.json").write_text(json.dumps({"scope": name.split("/")[0][1:], "name": name.split("/")[1],
                                                   "latest": version, "versions": {version: {}}}))
        manifest = {}
        for rel, text in files.items():
            (pkg / version / rel).parent.mkdir(parents=True, exist_ok=True)
            (pkg / version / rel).write_text(text)
            manifest["/" + rel] = {"size": len(text.encode()),
                                   "checksum": "sha256-" + hashlib.sha256(text.encode()).hexdigest()}
        (pkg / f"{version}_meta.json").write_text(json.dumps({"manifest": manifest, "exports": exports}))


class _Static(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".ts": "application/typescript"}

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def jsr_registry(tmp_path):
    _jsr_site(tmp_path / "jsr-site")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_Static, directory=str(tmp_path / "jsr-site")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def registry():
    tarballs = {(m["name"], m["version"]): _tarball(m, files) for m, files in PKGS}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Registry, tarballs))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_packages_in_denos_caches_are_async_as_in_deno(engines_node_modules, registry, jsr_registry, tmp_path,
                                                       monkeypatch):
    deno = engines_node_modules / ".bin" / "deno"
    assert deno.exists(), "deno is missing: `make engines` installs it"
    root = tmp_path / "app"
    for rel, text in APP.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    deno_dir = tmp_path / "deno-dir"
    env = dict(os.environ, DENO_DIR=str(deno_dir), NPM_CONFIG_REGISTRY=registry, JSR_URL=jsr_registry,
               DENO_NO_UPDATE_CHECK="1", NO_COLOR="1")
    proc = subprocess.run([str(deno), "install", "--entrypoint", "main.ts", "late.ts"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (root / "deno.lock").is_file() and not (root / "node_modules").exists()
    proc = subprocess.run([str(deno), "run", "--cached-only", "main.ts"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    jsr = deno_dir / "remote" / "http" / f"localhost_PORT{urlparse(jsr_registry).port}"

    def path_of(url: str) -> Path:
        # a JSR module's URL: tla-lens names it as if the cache kept the registry's folders
        if url.startswith(jsr_registry):
            return jsr / unquote(url[len(jsr_registry):])
        return Path(unquote(urlparse(url).path))

    ran = {path_of(url): bool(tick) for url, tick in json.loads(proc.stdout).items()}
    assert len(ran) == 13, ran  # every module of the project and of the packages it loads
    assert jsr.is_dir() and any(len(f.name) == 64 for f in jsr.iterdir())  # (files named by hashes)

    monkeypatch.setenv("DENO_DIR", str(deno_dir))
    monkeypatch.setenv("JSR_URL", jsr_registry)
    analysis = analyse(root, Config(), cache=False)
    ours = {p: analysis.modules[p].is_async for p in ran if p in analysis.modules}
    assert ours == ran
    # what the case is there for: the alias and the dependency's own version of dep-b carry
    # its await; the app's dep-b@2 and @acme/plain (dep-b@2) stay sync
    cache = next((deno_dir / "npm").iterdir())
    assert ran[jsr / "@acme/db/1.0.0/lib/pool.ts"] and ran[jsr / "@acme/db/1.0.0/mod.ts"]
    assert not ran[jsr / "@acme/db/1.0.0/lib/sync.ts"] and not ran[jsr / "@acme/kit/0.2.0/mod.ts"]
    assert ran[cache / "dep-b/1.0.0/index.js"] and not ran[cache / "dep-b/2.0.0/index.js"]
    assert ran[cache / "@acme/util/0.3.1/late.js"] and not ran[cache / "@acme/util/0.3.1/main.js"]
    assert not ran[cache / "@acme/plain/1.2.3/main.js"] and ran[root / "main.ts"]
    (f,) = [f for f in analysis.findings if f.code == "async-import" and f.path.name == "late.ts"]
    assert "npm:dep-b@1.0.0/index.js" in f.message, f.message
    # without the cache (another DENO_DIR), the imports say why they are not followed
    monkeypatch.setenv("DENO_DIR", str(tmp_path / "empty"))
    a = analyse(root, Config(), cache=False)
    edge = next(e for e in a.modules[root / "late.ts"].edges)
    assert edge.target is None and "not in Deno's cache" in edge.unresolved, edge.unresolved


REMOTE = {
    "lib/mod.ts": ('export { pool } from "./db.ts";\nexport { twice } from "./util.ts";\n'
                   'import { log } from "/shared/log.ts";\nlog("loaded");' + NOTE),
    "lib/db.ts": "export const pool: number = await Promise.resolve(1);" + NOTE,
    "lib/util.ts": "export const twice = (x: number) => 2 * x;" + NOTE,
    "shared/log.ts": "export const log = (m: string) => m;" + NOTE,
    # a URL without an extension (as esm.sh serves packages): its content type says JavaScript
    "esm/widget@1": 'export { pool as widget } from "/lib/db.ts";' + NOTE,
    # URLs with a query (esm.sh's `?dev`, `?target=`): each query is a module of its own; the
    # server below serves `x?q` from the file `x__q__q` (`x` itself is another module)
    "esm/gadget@2": "export const g = 0;" + NOTE,
    "esm/gadget@2__q__dev": 'export { g } from "./gadget-impl.mjs?target=es2022&dev";' + NOTE,
    "esm/gadget-impl.mjs": "export const g = 1;" + NOTE,
    "esm/gadget-impl.mjs__q__target=es2022&dev": "export const g = await Promise.resolve(2);" + NOTE,
    "lib/conf.ts__q__v=1": "export const conf = { v: 1 };" + NOTE,
    # at the host's root (`https://esm.sh/preact`): the host's folder of the cache exists
    "top@3": "export const top = await Promise.resolve(3);" + NOTE,
}


class _Remote(http.server.SimpleHTTPRequestHandler):
    """Modules by URL; /latest/… redirects to /lib/… (as deno.land/std did to a version)."""
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".ts": "application/typescript"}

    def guess_type(self, path):
        return "application/javascript" if "/esm/" in str(path) or "/top@" in str(path) else super().guess_type(path)

    def translate_path(self, path):
        path, _, query = path.partition("?")
        return super().translate_path(path) + ("__q__" + unquote(query) if query else "")

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/latest/"):
            self.send_response(302)
            self.send_header("location", "/lib/" + self.path[len("/latest/"):])
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args) -> None:
        pass


def test_remote_modules_in_denos_cache_are_async_as_in_deno(engines_node_modules, tmp_path, monkeypatch):
    """`https://…` imports (deno.land/x, esm.sh): Deno keeps what it downloaded in its HTTP cache
    under hashed names; tla-lens follows them there by URL — redirects, relative and `/` imports
    between them, an import map mapping a prefix to a URL — and finds the same verdicts."""
    deno = engines_node_modules / ".bin" / "deno"
    site = tmp_path / "site"
    for rel, text in REMOTE.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Remote, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://localhost:{server.server_address[1]}"
    try:
        root = tmp_path / "app"
        files = {
            "deno.json": json.dumps({"imports": {"shared/": f"{base}/shared/"}}),
            "clock.ts": APP["clock.ts"],
            "main.ts": (f'import "./clock.ts";\nimport {{ pool, twice }} from "{base}/latest/mod.ts";\n'
                        'import { log } from "shared/log.ts";\nimport { plain } from "./plain.ts";\n'
                        'import { w } from "./widget.ts";\nimport { gadget } from "./gadget.ts";\n'
                        "export const all = [pool, twice, log, plain, w, gadget];" + NOTE +
                        "console.log(JSON.stringify((globalThis as any).__r));\n"),
            "plain.ts": f'import {{ twice }} from "{base}/lib/util.ts";\nexport const plain = twice(2);' + NOTE,
            "widget.ts": f'import {{ widget }} from "{base}/esm/widget@1";\nexport const w = widget;' + NOTE,
            "gadget.ts": (f'import {{ g }} from "{base}/esm/gadget@2?dev#frag";\n'
                          f'import {{ conf }} from "{base}/lib/conf.ts?v=1";\nimport {{ top }} from "{base}/top@3";\n'
                          "export const gadget = [g, conf, top];" + NOTE),
        }
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        deno_dir = tmp_path / "deno-dir"
        env = dict(os.environ, DENO_DIR=str(deno_dir), DENO_NO_UPDATE_CHECK="1", NO_COLOR="1")
        proc = subprocess.run([str(deno), "cache", "--allow-import", "main.ts"], cwd=root, env=env,
                              capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        proc = subprocess.run([str(deno), "run", "--cached-only", "--allow-import", "main.ts"], cwd=root,
                              env=env, capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    finally:
        server.shutdown()
        server.server_close()
    host = deno_dir / "remote" / "http" / f"localhost_PORT{server.server_address[1]}"

    def path_of(url: str) -> Path:
        # (import.meta.url keeps a fragment; the cache, and tla-lens's name of the module, do not)
        url = url.split("#", 1)[0]
        return host / url[len(base) + 1:] if url.startswith(base) else Path(unquote(urlparse(url).path))

    ran = {path_of(u): bool(t) for u, t in json.loads(proc.stdout).items()}
    assert len(ran) == 13, ran
    monkeypatch.setenv("DENO_DIR", str(deno_dir))
    analysis = analyse(root, Config(), cache=False)
    assert {p: analysis.modules[p].is_async if p in analysis.modules else None for p in ran} == ran
    assert ran[host / "lib/mod.ts"] and ran[root / "main.ts"] and not ran[root / "plain.ts"]
    assert ran[host / "esm/widget@1"] and ran[root / "widget.ts"]
    assert ran[host / "esm/gadget@2?dev"] and ran[root / "gadget.ts"] and not ran[host / "lib/conf.ts?v=1"]
    assert host / "esm/gadget@2" not in ran and host / "esm/gadget-impl.mjs" not in ran and ran[host / "top@3"]
    messages = [f.message for f in analysis.findings if f.code == "async-import" and f.path.name == "main.ts"]
    assert any(f"`{base}/latest/mod.ts` is an async module because of `{base}/lib/db.ts`" in m for m in messages), messages
