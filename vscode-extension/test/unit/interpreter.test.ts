import assert from "node:assert/strict";
import { test } from "node:test";
import { type DiscoveryEnv, type PythonInfo, discoverServer, expandPath, parseProbe, unsupportedReason } from "../../src/interpreter";

const BUNDLED = ["3.10", "3.11", "3.12", "3.13"];

function py(version: [number, number, number], executable: string, implementation = "CPython", machine = "x86_64"): PythonInfo {
  return { version, executable, implementation, machine };
}

function env(overrides: Partial<DiscoveryEnv>, pythons: Record<string, PythonInfo | Error> = {}): DiscoveryEnv {
  return {
    pythonExtensionInterpreter: () => Promise.resolve(undefined),
    interpreterSetting: "",
    serverPathSetting: "",
    workspaceFolder: "/ws",
    home: "/home/u",
    probe: (command) => {
      const p = pythons[command];
      if (p === undefined) return Promise.reject(new Error("not found"));
      if (p instanceof Error) return Promise.reject(p);
      return Promise.resolve(p);
    },
    isExecutable: (f) => Promise.resolve(f === "/usr/local/bin/tla-lens"),
    bundledVersions: BUNDLED,
    launcher: "/ext/bundled/launch.py",
    platform: "linux",
    arch: "x64",
    bundleTarget: { platform: "linux", arch: "x64" },
    ...overrides,
  };
}

test("the Python extension's interpreter comes first", async () => {
  const d = await discoverServer(
    env(
      { pythonExtensionInterpreter: () => Promise.resolve("/ws/.venv/bin/python"), interpreterSetting: "/opt/py/bin/python3" },
      { "/ws/.venv/bin/python": py([3, 12, 1], "/ws/.venv/bin/python"), "/opt/py/bin/python3": py([3, 11, 0], "/opt/py/bin/python3"), python3: py([3, 11, 7], "/usr/bin/python3") },
    ),
  );
  assert.equal(d.server?.kind, "bundled");
  assert.equal(d.server?.command, "/ws/.venv/bin/python");
  assert.deepEqual(d.server?.args, ["-I", "/ext/bundled/launch.py", "serve"]);
});

test("then tlaLens.interpreter, with ~ and ${workspaceFolder} expanded", async () => {
  const d = await discoverServer(
    env({ interpreterSetting: "${workspaceFolder}/.venv/bin/python" }, { "/ws/.venv/bin/python": py([3, 10, 13], "/ws/.venv/bin/python"), python3: py([3, 11, 7], "/usr/bin/python3") }),
  );
  assert.equal(d.server?.command, "/ws/.venv/bin/python");
  assert.ok(d.server?.kind === "bundled" && d.server.source === "setting");
});

test("then python3 on PATH, run by its real executable", async () => {
  const d = await discoverServer(env({}, { python3: py([3, 11, 7], "/root/.pyenv/versions/3.11.7/bin/python3") }));
  assert.equal(d.server?.command, "/root/.pyenv/versions/3.11.7/bin/python3");
  assert.ok(d.server?.kind === "bundled" && d.server.source === "path");
  assert.match(d.log.join("\n"), /Python extension is not installed/);
});

test("an unusable candidate is skipped with its reason logged", async () => {
  const d = await discoverServer(
    env(
      { pythonExtensionInterpreter: () => Promise.resolve("/ws/.venv/bin/python") },
      { "/ws/.venv/bin/python": py([3, 9, 18], "/ws/.venv/bin/python"), python3: py([3, 13, 0], "/usr/bin/python3") },
    ),
  );
  assert.equal(d.server?.command, "/usr/bin/python3");
  assert.match(d.log[0] ?? "", /Python extension's interpreter: \/ws\/\.venv\/bin\/python is Python 3\.9\.18; the bundled server needs CPython 3\.10–3\.13 \(tla-lens needs Python 3\.10 or newer\)/);
});

test("no usable Python: one clear error naming every attempt and the fixes", async () => {
  const d = await discoverServer(env({ interpreterSetting: "/nope/python" }, { python3: py([3, 8, 10], "/usr/bin/python3") }));
  assert.equal(d.server, undefined);
  assert.match(d.error ?? "", /tlaLens\.interpreter \(\/nope\/python\) could not be run: not found/);
  assert.match(d.error ?? "", /\/usr\/bin\/python3 is Python 3\.8\.10/);
  assert.match(d.error ?? "", /Select a Python 3\.10\+ interpreter with the Python extension, or set tlaLens\.interpreter/);
});

test("tlaLens.server.path runs an installed tla-lens and needs no Python", async () => {
  const d = await discoverServer(env({ serverPathSetting: "/usr/local/bin/tla-lens" }));
  assert.deepEqual(d.server && { kind: d.server.kind, command: d.server.command, args: d.server.args }, {
    kind: "installed",
    command: "/usr/local/bin/tla-lens",
    args: ["serve"],
  });
  const bad = await discoverServer(env({ serverPathSetting: "~/bin/tla-lens" }));
  assert.match(bad.error ?? "", /\/home\/u\/bin\/tla-lens is not an executable file/);
});

test("a package for another platform says which package to install, and no Python is probed", async () => {
  let probed = false;
  const e = env({ platform: "darwin", arch: "arm64" }, { python3: py([3, 12, 0], "/usr/bin/python3") });
  e.probe = () => {
    probed = true;
    return Promise.resolve(py([3, 12, 0], "/usr/bin/python3"));
  };
  const d = await discoverServer(e);
  assert.equal(d.server, undefined);
  assert.equal(probed, false);
  assert.match(d.error ?? "", /carries a server built for linux-x64, not darwin-arm64\. Install the package for darwin-arm64 .*tlaLens\.server\.path/);
  const none = await discoverServer(env({ bundleTarget: undefined }));
  assert.match(none.error ?? "", /built for an unknown platform \(its manifest is missing\)/);
});

test("an arm64 package runs on an arm64 Python (aarch64 on Linux, arm64 on macOS), not on an x86_64 one", async () => {
  const linux = await discoverServer(
    env({ arch: "arm64", bundleTarget: { platform: "linux", arch: "arm64" } }, { python3: py([3, 11, 2], "/usr/bin/python3", "CPython", "aarch64") }),
  );
  assert.equal(linux.server?.command, "/usr/bin/python3");
  const mac = { platform: "darwin", arch: "arm64", bundleTarget: { platform: "darwin", arch: "arm64" } };
  const native = await discoverServer(env(mac, { python3: py([3, 13, 1], "/opt/homebrew/bin/python3", "CPython", "arm64") }));
  assert.equal(native.server?.command, "/opt/homebrew/bin/python3");
  // an Intel Python (run by Rosetta) is skipped with its reason
  const rosetta = await discoverServer(
    env({ ...mac, interpreterSetting: "/usr/local/bin/python3" }, {
      "/usr/local/bin/python3": py([3, 12, 0], "/usr/local/bin/python3", "CPython", "x86_64"),
      python3: py([3, 12, 4], "/opt/homebrew/bin/python3", "CPython", "arm64"),
    }),
  );
  assert.equal(rosetta.server?.command, "/opt/homebrew/bin/python3");
  assert.match(rosetta.log.join("\n"), /\/usr\/local\/bin\/python3 runs on x86_64; the bundled server is built for arm64/);
});

test("a Python extension that throws does not stop discovery", async () => {
  const d = await discoverServer(env({ pythonExtensionInterpreter: () => Promise.reject(new Error("boom")) }, { python3: py([3, 12, 0], "/usr/bin/python3") }));
  assert.equal(d.server?.command, "/usr/bin/python3");
  assert.match(d.log.join("\n"), /did not answer: Error: boom/);
});

test("the same interpreter is probed once", async () => {
  let probes = 0;
  const e = env({ pythonExtensionInterpreter: () => Promise.resolve("python3"), interpreterSetting: "python3" });
  e.probe = () => {
    probes++;
    return Promise.resolve(py([3, 7, 0], "/usr/bin/python3"));
  };
  await discoverServer(e);
  assert.equal(probes, 1);
});

test("unsupportedReason", () => {
  assert.equal(unsupportedReason(py([3, 11, 7], "p"), BUNDLED), undefined);
  assert.match(unsupportedReason(py([3, 14, 0], "p"), BUNDLED) ?? "", /needs CPython 3\.10–3\.13$/);
  assert.match(unsupportedReason(py([3, 11, 0], "p", "PyPy"), BUNDLED) ?? "", /PyPy 3\.11\.0/);
  assert.match(unsupportedReason(py([3, 11, 0], "p", "CPython", "aarch64"), BUNDLED) ?? "", /runs on aarch64; the bundled server is built for x86_64/);
  assert.equal(unsupportedReason(py([3, 11, 0], "p", "CPython", "AMD64"), BUNDLED, "x64"), undefined);
  assert.equal(unsupportedReason(py([3, 11, 0], "p", "CPython", "aarch64"), BUNDLED, "arm64"), undefined);
  assert.match(unsupportedReason(py([3, 11, 0], "p", "CPython", "x86_64"), BUNDLED, "arm64") ?? "", /built for arm64/);
});

test("expandPath", () => {
  const ctx = { workspaceFolder: "/ws", home: "/home/u", env: { VENV: "/v" } };
  assert.equal(expandPath("~/py/bin/python", ctx), "/home/u/py/bin/python");
  assert.equal(expandPath("${userHome}/x", ctx), "/home/u/x");
  assert.equal(expandPath("${env:VENV}/bin/python", ctx), "/v/bin/python");
  assert.equal(expandPath(".venv/bin/python", ctx), "/ws/.venv/bin/python");
  assert.equal(expandPath("python3.12", ctx), "python3.12");
  assert.equal(expandPath("  /abs/python ", ctx), "/abs/python");
});

test("parseProbe", () => {
  const info = parseProbe('noise\n{"version": [3, 11, 7], "implementation": "CPython", "executable": "/usr/bin/python3", "machine": "x86_64"}\n', "python3");
  assert.deepEqual(info, py([3, 11, 7], "/usr/bin/python3"));
  assert.throws(() => parseProbe("Python 2.7", "python"), /unexpected output from python/);
});
