/**
 * Which process runs the server.
 *
 * - `tlaLens.server.path` set: that installed `tla-lens` command, as `<path> serve`.
 * - otherwise the server bundled with the extension, run by a Python found in this order:
 *   the Python extension's selected interpreter (when that extension is installed), then
 *   `tlaLens.interpreter`, then `python3` on PATH. Each candidate is probed (version, implementation,
 *   machine); one that cannot run the bundle is skipped with the reason logged, and when none can,
 *   the user gets one message that says what was tried and how to fix it.
 *
 * No `vscode` import: the extension passes the environment in (and the unit tests fake it).
 */
import * as path from "node:path";

export interface PythonInfo {
  version: [number, number, number];
  implementation: string;
  executable: string;
  machine: string;
}

export interface BundleTarget {
  platform: string;
  arch: string;
}

export type CandidateSource = "python-extension" | "setting" | "path";

export interface Candidate {
  source: CandidateSource;
  command: string;
}

export interface DiscoveryEnv {
  /** the Python extension's interpreter for the workspace, when it is installed and has one */
  pythonExtensionInterpreter: () => Promise<string | undefined>;
  /** `tlaLens.interpreter` (raw) */
  interpreterSetting: string;
  /** `tlaLens.server.path` (raw) */
  serverPathSetting: string;
  workspaceFolder: string | undefined;
  home: string;
  /** run `command` and report what Python it is, or throw with a reason */
  probe: (command: string) => Promise<PythonInfo>;
  /** does an executable file exist at this path (for `tlaLens.server.path`) */
  isExecutable: (file: string) => Promise<boolean>;
  /** the CPython versions the bundle carries libraries for, e.g. ["3.10", "3.11"] */
  bundledVersions: string[];
  /** what the bundle is built for (its manifest's `platform` and `arch`, as Node names them:
   * "linux"/"darwin", "x64"/"arm64"); undefined when the bundle has no readable manifest */
  bundleTarget: BundleTarget | undefined;
  /** the bundle's launcher script */
  launcher: string;
  platform: string;
  arch: string;
}

export type ServerCommand =
  | { kind: "installed"; command: string; args: string[]; description: string }
  | { kind: "bundled"; command: string; args: string[]; description: string; python: PythonInfo; source: CandidateSource };

export interface Discovery {
  server?: ServerCommand;
  /** one line per candidate tried (for the output channel) */
  log: string[];
  /** when no server could be found: what to tell the user */
  error?: string;
}

const SOURCE_NAMES: Record<CandidateSource, string> = {
  "python-extension": "the Python extension's interpreter",
  setting: "tlaLens.interpreter",
  path: "python3 on PATH",
};

/** `~`, `${workspaceFolder}`, `${userHome}` and `${env:NAME}` in a path setting. */
export function expandPath(
  raw: string,
  ctx: { workspaceFolder: string | undefined; home: string; env?: Record<string, string | undefined> },
): string {
  let p = raw.trim();
  p = p.replace(/\$\{userHome\}/g, ctx.home);
  p = p.replace(/\$\{env:([^}]+)\}/g, (_m, name: string) => ctx.env?.[name] ?? "");
  if (ctx.workspaceFolder !== undefined) {
    p = p.replace(/\$\{workspaceFolder\}/g, ctx.workspaceFolder);
  }
  if (p === "~" || p.startsWith("~/")) p = ctx.home + p.slice(1);
  if (ctx.workspaceFolder !== undefined && p.includes("/") && !path.isAbsolute(p)) {
    p = path.join(ctx.workspaceFolder, p);
  }
  return p;
}

function versionKey(v: string): number {
  const [major, minor] = v.split(".").map(Number);
  return (major ?? 0) * 100 + (minor ?? 0);
}

/** The names `platform.machine()` gives for a CPU Node calls `arch`. */
const MACHINES: Record<string, RegExp> = { x64: /^(x86_64|amd64)$/i, arm64: /^(aarch64|arm64)$/i };

/** Why this Python cannot run the bundled server, or undefined when it can. */
export function unsupportedReason(info: PythonInfo, bundledVersions: string[], arch = "x64"): string | undefined {
  const v = `${info.version[0]}.${info.version[1]}`;
  const full = info.version.join(".");
  const sorted = [...bundledVersions].sort((a, b) => versionKey(a) - versionKey(b));
  const range = sorted.length > 0 ? `${sorted[0] ?? ""}–${sorted[sorted.length - 1] ?? ""}` : "(none)";
  if (info.implementation.toLowerCase() !== "cpython") {
    return `${info.executable} is ${info.implementation} ${full}; the bundled server needs CPython ${range}`;
  }
  const machine = MACHINES[arch];
  if (machine === undefined || !machine.test(info.machine)) {
    return `${info.executable} runs on ${info.machine || "an unknown CPU"}; the bundled server is built for ${arch === "x64" ? "x86_64" : arch}`;
  }
  if (!bundledVersions.includes(v)) {
    const tooOld = sorted.length > 0 && versionKey(v) < versionKey(sorted[0] ?? "0.0");
    return `${info.executable} is Python ${full}; the bundled server needs CPython ${range}` +
      (tooOld ? " (tla-lens needs Python 3.10 or newer)" : "");
  }
  return undefined;
}

export async function discoverServer(env: DiscoveryEnv): Promise<Discovery> {
  const log: string[] = [];
  const ctx = { workspaceFolder: env.workspaceFolder, home: env.home, env: process.env };

  if (env.serverPathSetting.trim() !== "") {
    const command = expandPath(env.serverPathSetting, ctx);
    if (!(await env.isExecutable(command))) {
      const error = `tlaLens.server.path is set to "${env.serverPathSetting}", but ${command} is not an executable file.`;
      log.push(error);
      return { log, error };
    }
    log.push(`using the installed server from tlaLens.server.path: ${command} serve`);
    return { log, server: { kind: "installed", command, args: ["serve"], description: `${command} serve` } };
  }

  const target = env.bundleTarget;
  if (target === undefined || target.platform !== env.platform || target.arch !== env.arch) {
    const built = target === undefined ? "an unknown platform (its manifest is missing)" : `${target.platform}-${target.arch}`;
    const error = `This tla-lens package carries a server built for ${built}, not ${env.platform}-${env.arch}. ` +
      `Install the package for ${env.platform}-${env.arch} (packages are built for linux-x64, linux-arm64, ` +
      `darwin-x64 and darwin-arm64), or install tla-lens with pip and set tlaLens.server.path to its \`tla-lens\` command.`;
    log.push(error);
    return { log, error };
  }

  const candidates: Candidate[] = [];
  try {
    const fromExtension = await env.pythonExtensionInterpreter();
    if (fromExtension) candidates.push({ source: "python-extension", command: fromExtension });
    else log.push("the Python extension is not installed or has no interpreter selected");
  } catch (e) {
    log.push(`the Python extension did not answer: ${String(e)}`);
  }
  if (env.interpreterSetting.trim() !== "") {
    candidates.push({ source: "setting", command: expandPath(env.interpreterSetting, ctx) });
  }
  candidates.push({ source: "path", command: "python3" });

  const reasons: string[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    const key = c.command;
    if (seen.has(key)) continue;
    seen.add(key);
    let info: PythonInfo;
    try {
      info = await env.probe(c.command);
    } catch (e) {
      const reason = `${SOURCE_NAMES[c.source]} (${c.command}) could not be run: ${e instanceof Error ? e.message : String(e)}`;
      log.push(reason);
      reasons.push(reason);
      continue;
    }
    const why = unsupportedReason(info, env.bundledVersions, target.arch);
    if (why !== undefined) {
      const reason = `${SOURCE_NAMES[c.source]}: ${why}`;
      log.push(reason);
      reasons.push(reason);
      continue;
    }
    log.push(`using ${SOURCE_NAMES[c.source]}: ${info.executable} (Python ${info.version.join(".")})`);
    return {
      log,
      server: {
        kind: "bundled",
        command: info.executable || c.command,
        args: ["-I", env.launcher, "serve"],
        description: `${info.executable} (Python ${info.version.join(".")}, from ${SOURCE_NAMES[c.source]})`,
        python: info,
        source: c.source,
      },
    };
  }
  const error =
    `tla-lens found no Python to run its server: ${reasons.join("; ")}. ` +
    `Select a Python 3.10+ interpreter with the Python extension, or set tlaLens.interpreter ` +
    `(or tlaLens.server.path to an installed tla-lens).`;
  return { log, error };
}

/** The snippet the probe runs (`python -I -c …`): works on any Python, prints one JSON line. */
export const PROBE_CODE =
  "import sys, json, platform; print(json.dumps({'version': list(sys.version_info[:3]), " +
  "'implementation': platform.python_implementation(), 'executable': sys.executable, " +
  "'machine': platform.machine()}))";

/** Parse the probe's output. */
export function parseProbe(stdout: string, command: string): PythonInfo {
  const line = stdout.trim().split(/\r?\n/).pop() ?? "";
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    throw new Error(`unexpected output from ${command}: ${line.slice(0, 200)}`);
  }
  const d = data as { version?: unknown; implementation?: unknown; executable?: unknown; machine?: unknown };
  const v = d.version;
  if (!Array.isArray(v) || v.length < 2 || typeof d.implementation !== "string") {
    throw new Error(`unexpected output from ${command}: ${line.slice(0, 200)}`);
  }
  return {
    version: [Number(v[0]), Number(v[1]), Number(v[2] ?? 0)],
    implementation: d.implementation,
    executable: typeof d.executable === "string" && d.executable !== "" ? d.executable : command,
    machine: typeof d.machine === "string" ? d.machine : "",
  };
}
