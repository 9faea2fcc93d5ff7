// The fuzzers' engine: ONE long-lived Node 26 process answering many requests.
//
// usage: node --experimental-vm-modules --experimental-import-meta-resolve --no-warnings \
//             engine.mjs TS5_PACKAGE_DIR
// Reads one JSON request per line on stdin, writes one JSON answer per line on stdout, in order:
//
//   {"op":"tla","src":S,"ts":bool,"fileName":F}
//       -> {"tla":bool} from vm.SourceTextModule#hasTopLevelAwait (V8's own parser), or
//          {"error":"SyntaxError: ..."}. With "ts": the source first goes through TypeScript 5.9's
//          transpileModule (a syntactic TypeScript error is an error too).
//   {"op":"graph","files":{path:src},"links":{path:{spec:path}},"verbatim":bool}
//       -> {"files":{path:{tla,async,edges}},"errors":{path:msg}}   (tests/oracle/v8_link.mjs: the
//          links are ground truth; .json/.cjs/.cts files are synthetic modules)
//   {"op":"elide","src":S,"verbatim":bool,"fileName":F}
//       -> {"kept":[spec...],"output":JS}: the module specifiers of the import / export-from
//          declarations still in transpileModule's output (read with TypeScript's own parser)
//   {"op":"resolve","spec":S,"parent":ABS_FILE,"conditions":[...]}
//       -> {"ok":ABS_PATH_OR_URL} | {"err":CODE}  (import.meta.resolve: Node's own ESM resolver;
//          extra conditions are only honoured when the process was started with them)
//   {"op":"package","files":[ABS_FILE...]}
//       -> {"files":{abs:{tla,async}},"errors":{abs:msg}}: real files linked with Node's own
//          resolver (import.meta.resolve from each importer). A TypeScript importer whose specifier
//          Node cannot map to an existing file (`./x.js` written for `./x.ts`) falls back to
//          TypeScript 5.9's own resolver (ts.resolveModuleName, bundler resolution). Builtins,
//          JSON, CommonJS files become synthetic modules (builtins with their real export names).
//          A file whose static closure has an import Node cannot resolve (a dev dependency that is
//          not installed, a file not in the published package) gets an error "UNRESOLVED: ...".
//          Nothing is evaluated.
//   {"op":"ping"} -> {"ok":true}
import vm from 'node:vm';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { linkWorkspace, transpile, tsOptions, synthetic, TS_EXT } from '../oracle/v8_link.mjs';

const require = createRequire(import.meta.url);
const ts = require(path.resolve(process.argv[2]));

function kindOfPath(file) {
  const ext = path.extname(file);
  if (ext === '.json') return 'json';
  if (ext === '.cjs' || ext === '.cts') return 'cjs';
  return 'esm';
}

function opTla({ src, ts: isTs, fileName }) {
  try {
    const js = isTs ? transpile(ts, src, fileName || 'x.ts', tsOptions(ts, true)) : src;
    return { tla: new vm.SourceTextModule(js).hasTopLevelAwait() };
  } catch (e) {
    return { error: String(e && e.message || e) };
  }
}

function opGraph({ files, links, verbatim, kinds }) {
  const k = kinds || Object.fromEntries(Object.keys(files).map((f) => [f, kindOfPath(f)]));
  return linkWorkspace(ts, { sources: files, kinds: k, links: links || {}, verbatim });
}

function opElide({ src, verbatim, fileName }) {
  const out = ts.transpileModule(src, {
    compilerOptions: { ...tsOptions(ts, verbatim), jsx: ts.JsxEmit.Preserve },
    fileName: fileName || 'x.ts',
    reportDiagnostics: true,
  });
  const errs = (out.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  const sf = ts.createSourceFile('out.js', out.outputText, ts.ScriptTarget.ESNext, true, ts.ScriptKind.JS);
  const kept = [];
  for (const st of sf.statements) {
    if ((ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      kept.push(st.moduleSpecifier.text);
    }
  }
  const r = { kept, output: out.outputText };
  if (errs.length) r.error = errs.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ');
  return r;
}

function nodeResolve(spec, parent) {
  const url = import.meta.resolve(spec, pathToFileURL(parent).href);
  return url.startsWith('file:') ? fileURLToPath(url) : url;
}

function opResolve({ spec, parent }) {
  try {
    return { ok: nodeResolve(spec, parent) };
  } catch (e) {
    return { err: e.code || String(e) };
  }
}

// ------------------------------------------------------------------ real packages
const typeCache = new Map();
function packageType(file) {
  let d = path.dirname(file);
  for (;;) {
    if (typeCache.has(d)) return typeCache.get(d);
    const pj = path.join(d, 'package.json');
    if (fs.existsSync(pj)) {
      let t = 'commonjs';
      try { t = JSON.parse(fs.readFileSync(pj, 'utf8')).type === 'module' ? 'module' : 'commonjs'; } catch { /* keep */ }
      typeCache.set(d, t);
      return t;
    }
    const up = path.dirname(d);
    if (up === d) return 'commonjs';
    d = up;
  }
}

// How Node loads a file: "esm", "cjs", "json", or "other" (a synthetic module either way).
export function formatOf(file) {
  const ext = path.extname(file);
  if (ext === '.mjs' || ext === '.mts') return 'esm';
  if (ext === '.cjs' || ext === '.cts') return 'cjs';
  if (ext === '.json') return 'json';
  if (ext === '.js' || ext === '.ts' || ext === '.tsx' || ext === '.jsx') return packageType(file) === 'module' ? 'esm' : 'cjs';
  return 'other';
}

function tsResolve(spec, parent) {
  const r = ts.resolveModuleName(spec, parent, {
    module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true, noEmit: true, allowJs: true,
  }, ts.sys);
  const f = r.resolvedModule && r.resolvedModule.resolvedFileName;
  if (!f || /\.d\.[mc]?ts$/.test(f)) return null;
  return f;
}

// A builtin as a synthetic module with its real export names (nothing of it runs).
function builtinModule(url) {
  const names = new Set(['default', ...Object.keys(require(url))]);
  return new vm.SyntheticModule([...names], function () { for (const n of names) this.setExport(n, null); }, { identifier: url });
}

function opPackage({ files }) {
  const mods = new Map(); // abs path / builtin URL -> vm.Module
  const deps = new Map(); // abs path -> [target...]
  const errors = {};
  const queue = [];
  function get(target) {
    let m = mods.get(target);
    if (m) return m;
    const fmt = path.isAbsolute(target) ? formatOf(target) : 'builtin';
    if (fmt === 'esm') {
      let src = fs.readFileSync(target, 'utf8');
      if (TS_EXT.has(path.extname(target))) src = transpile(ts, src, path.basename(target), tsOptions(ts, false));
      m = new vm.SourceTextModule(src, { identifier: target });
      queue.push([target, m]);
    } else if (fmt === 'builtin' && target.startsWith('node:')) {
      m = builtinModule(target);
    } else {
      m = synthetic(target);
    }
    mods.set(target, m);
    return m;
  }
  for (const f of files) {
    try { get(f); } catch (e) { errors[f] = String(e && e.message || e); }
  }
  while (queue.length) {
    const [file, m] = queue.shift();
    try {
      const targets = m.moduleRequests.map((req) => {
        let t = null;
        try {
          t = nodeResolve(req.specifier, file);
          if (path.isAbsolute(t) && !fs.existsSync(t)) t = null;
        } catch (e) {
          t = null;
        }
        if (t === null && TS_EXT.has(path.extname(file))) t = tsResolve(req.specifier, file);
        if (t === null) throw new Error(`UNRESOLVED: ${JSON.stringify(req.specifier)} (Node's resolver finds no file)`);
        return t;
      });
      deps.set(file, targets);
      m.linkRequests(targets.map(get));
    } catch (e) {
      errors[file] = String(e && e.message || e);
    }
  }
  // a file that reaches an unresolvable import cannot be linked: say which one
  function unresolvedIn(file) {
    const seen = new Set([file]);
    const stack = [file];
    while (stack.length) {
      const f = stack.pop();
      if (errors[f] && errors[f].startsWith('UNRESOLVED')) return f;
      for (const g of deps.get(f) || []) if (!seen.has(g)) { seen.add(g); stack.push(g); }
    }
    return null;
  }
  const out = {};
  for (const f of files) {
    const m = mods.get(f);
    const bad = unresolvedIn(f);
    if (bad) {
      errors[f] = bad === f ? errors[f] : `UNRESOLVED: via ${bad}: ${errors[bad]}`;
      continue;
    }
    if (!(m instanceof vm.SourceTextModule) || errors[f]) continue;
    try {
      if (m.status === 'unlinked') m.instantiate();
      out[f] = { tla: m.hasTopLevelAwait(), async: m.hasAsyncGraph() };
    } catch (e) {
      errors[f] = String(e && e.message || e);
    }
  }
  return { files: out, errors };
}

const OPS = { tla: opTla, graph: opGraph, elide: opElide, resolve: opResolve, package: opPackage, ping: () => ({ ok: true }) };

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (!line.trim()) return;
  let answer;
  try {
    const req = JSON.parse(line);
    const op = OPS[req.op];
    answer = op ? op(req) : { fatal: `unknown op ${req.op}` };
  } catch (e) {
    answer = { fatal: String(e && e.stack || e) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
});
