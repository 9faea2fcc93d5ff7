// Smoke test of the bundled server (bundled/launch.py) under every CPython the bundle carries that
// can be found here (pythonX.Y on PATH, or a pyenv installation): a short LSP session on the
// example workspace must answer `tla-lens/asyncModules` with the example's top-level await.
// A Python the bundle does not carry (e.g. 3.9) must fail fast with a clear message.
//
//   node test/smoke/bundle.mjs --bundle bundles/linux-x64 --example ../examples/webpack-app
//
// With --python (repeatable) the session runs under those command lines only, e.g. a Python for
// another CPU under emulation: --python "qemu-aarch64 -L ROOT ROOT/usr/bin/python3.11".
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const { values: opts } = parseArgs({
  options: { bundle: { type: "string" }, example: { type: "string" }, python: { type: "string", multiple: true } },
});
const BUNDLE = resolve(opts.bundle ?? "bundled");
const EXAMPLE = resolve(opts.example ?? "../examples/webpack-app");
const manifest = JSON.parse(readFileSync(join(BUNDLE, "manifest.json"), "utf8"));

function findPython(version) {
  const found = [];
  try {
    found.push(execFileSync("sh", ["-c", `command -v python${version}`], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
  } catch {
    /* not on PATH */
  }
  const pyenv = process.env.PYENV_ROOT ?? join(homedir(), ".pyenv");
  if (existsSync(join(pyenv, "versions"))) {
    for (const d of readdirSync(join(pyenv, "versions")).sort().reverse()) {
      if (d.startsWith(`${version}.`) && existsSync(join(pyenv, "versions", d, "bin", `python${version}`))) {
        found.push(join(pyenv, "versions", d, "bin", `python${version}`));
      }
    }
  }
  for (const p of found) {
    try {
      const v = execFileSync(p, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
      if (v === version) return p;
    } catch {
      /* a pyenv shim for a version that is not installed */
    }
  }
  return undefined;
}

function lspSession(python, root) {
  const argv = python.split(" ").filter((a) => a !== "");
  return new Promise((res, rej) => {
    const cache = mkdtempSync(join(tmpdir(), "tla-lens-pycache-"));
    const child = spawn(argv[0], [...argv.slice(1), "-I", join(BUNDLE, "launch.py"), "serve"], {
      env: { ...process.env, TLA_LENS_PYCACHE: cache },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let buf = Buffer.alloc(0);
    let stderr = "";
    let nextId = 1;
    const pending = new Map();
    const timer = setTimeout(() => finish(new Error(`timed out; stderr: ${stderr.slice(-2000)}`)), 400_000);
    function finish(err, value) {
      clearTimeout(timer);
      child.kill();
      rmSync(cache, { recursive: true, force: true });
      if (err) rej(err);
      else res(value);
    }
    function send(msg) {
      const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...msg }));
      child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
      child.stdin.write(body);
    }
    function request(method, params) {
      const id = nextId++;
      send({ id, method, params });
      return new Promise((r) => pending.set(id, r));
    }
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => {
      if (pending.size > 0) finish(new Error(`the server exited (${code}): ${stderr.slice(-2000)}`));
    });
    child.stdout.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const head = buf.indexOf("\r\n\r\n");
        if (head < 0) return;
        const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, head).toString())?.[1]);
        if (buf.length < head + 4 + len) return;
        const msg = JSON.parse(buf.subarray(head + 4, head + 4 + len).toString());
        buf = buf.subarray(head + 4 + len);
        if (msg.id !== undefined && msg.method) {
          // a request from the server: settings, registrations, progress
          send({ id: msg.id, result: msg.method === "workspace/configuration" ? msg.params.items.map(() => ({})) : null });
        } else if (msg.id !== undefined && pending.has(msg.id)) {
          pending.get(msg.id)(msg.result ?? msg.error);
          pending.delete(msg.id);
        }
      }
    });
    (async () => {
      const uri = pathToFileURL(root).href;
      await request("initialize", {
        processId: process.pid,
        rootUri: uri,
        workspaceFolders: [{ uri, name: "example" }],
        capabilities: { workspace: { configuration: true } },
      });
      send({ method: "initialized", params: {} });
      const end = Date.now() + 360_000; // (generous: under emulation a first start compiles every module)
      let sites = [];
      while (Date.now() < end) {
        sites = await request("tla-lens/asyncModules", {});
        if (Array.isArray(sites) && sites.length > 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      await request("shutdown", null);
      send({ method: "exit" });
      finish(undefined, sites);
    })().catch((e) => finish(e));
  });
}

function versionOf(python) {
  const argv = python.split(" ").filter((a) => a !== "");
  return execFileSync(argv[0], [...argv.slice(1), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], {
    encoding: "utf8",
  }).trim();
}

const runs = opts.python
  ? opts.python.map((python) => ({ version: versionOf(python), python }))
  : manifest.versions.map((version) => ({ version, python: findPython(version) }));

let failures = 0;
let tested = 0;
for (const { version, python } of runs) {
  if (!python) {
    console.log(`skip  CPython ${version}: not installed here`);
    continue;
  }
  if (!manifest.versions.includes(version)) {
    failures++;
    console.log(`FAIL  CPython ${version} (${python}): the bundle carries ${manifest.versions.join(", ")}`);
    continue;
  }
  const t = Date.now();
  try {
    const sites = await lspSession(python, EXAMPLE);
    const db = sites.find((s) => s.uri.endsWith("/src/db-connection.js"));
    if (!db || db.infects.length !== 3 || db.range.start.line !== 5) throw new Error(`unexpected answer: ${JSON.stringify(sites)}`);
    console.log(`ok    CPython ${version} (${python}): the bundled server for ${manifest.target} answered in ${Date.now() - t} ms`);
    tested++;
  } catch (e) {
    failures++;
    console.log(`FAIL  CPython ${version} (${python}): ${e.message ?? e}`);
  }
}

const old = opts.python ? undefined : findPython("3.9");
if (old) {
  try {
    execFileSync(old, ["-I", join(BUNDLE, "launch.py"), "serve"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    failures++;
    console.log("FAIL  CPython 3.9: the launcher did not refuse it");
  } catch (e) {
    const msg = String(e.stderr ?? "");
    if (e.status === 3 && msg.includes("no libraries for cpython 3.9")) console.log(`ok    CPython 3.9 is refused: ${msg.trim()}`);
    else {
      failures++;
      console.log(`FAIL  CPython 3.9: exit ${e.status}: ${msg}`);
    }
  }
}

if (tested === 0) {
  console.log("FAIL  no CPython the bundle carries was found");
  failures++;
}
process.exit(failures > 0 ? 1 : 0);
