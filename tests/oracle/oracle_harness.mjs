// V8 oracle: which modules of a workspace have top-level await, and which have an async graph,
// according to V8 itself (vm.SourceTextModule#hasTopLevelAwait / #hasAsyncGraph).
//
// usage: node --experimental-vm-modules oracle_harness.mjs TS5_PACKAGE_DIR WORKSPACE_LIST.json
//   WORKSPACE_LIST.json is a JSON array of workspace directories, each holding an `oracle.json`:
//     {"modules": {"src/a.ts": "esm" | "cjs" | "json"}, "links": {"src/a.ts": {"./b.js": "src/b.ts"}}}
// prints one JSON object: {workspaceDir: {"files": {file: {tla, async, edges: [file...]}},
//                                           "errors": {file: message}}}
//
// Nothing is resolved here: the links are the generator's ground truth. TypeScript files are first
// transpiled with TypeScript 5.9's transpileModule (module/target esnext, verbatimModuleSyntax as in
// the workspace's tsconfig), so that the real TypeScript decides import elision. JSON files and
// CommonJS files become SyntheticModules with only a default export: statically importing a CJS
// module never waits for anything (its require() calls run at evaluation time). Nothing is evaluated.
import vm from 'node:vm';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [tsDir, listFile] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const ts = require(path.resolve(tsDir));

const TS_EXT = new Set(['.ts', '.mts', '.tsx', '.cts']);

function compilerOptions(root) {
  const cfg = path.join(root, 'tsconfig.json');
  let verbatim = false;
  if (fs.existsSync(cfg)) {
    const read = ts.readConfigFile(cfg, ts.sys.readFile);
    if (!read.error) {
      const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, cfg);
      verbatim = !!parsed.options.verbatimModuleSyntax;
    }
  }
  return {
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ESNext,
    verbatimModuleSyntax: verbatim,
    jsx: ts.JsxEmit.React,
  };
}

function synthetic(id) {
  return new vm.SyntheticModule(['default'], function () { this.setExport('default', null); }, { identifier: id });
}

function analyseWorkspace(root) {
  const truth = JSON.parse(fs.readFileSync(path.join(root, 'oracle.json'), 'utf8'));
  const options = compilerOptions(root);
  const errors = {};
  const mods = new Map(); // file -> vm.Module
  for (const [file, kind] of Object.entries(truth.modules)) {
    const id = path.join(root, file);
    if (kind !== 'esm') { mods.set(file, synthetic(id)); continue; }
    let src = fs.readFileSync(id, 'utf8');
    const ext = path.extname(file);
    try {
      if (TS_EXT.has(ext)) {
        const out = ts.transpileModule(src, { compilerOptions: options, fileName: file, reportDiagnostics: true });
        const diags = (out.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
        if (diags.length) throw new Error('TypeScript: ' + diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; '));
        src = out.outputText;
      }
      mods.set(file, new vm.SourceTextModule(src, { identifier: id }));
    } catch (e) {
      errors[file] = String(e && e.message || e);
    }
  }
  const edges = {};
  for (const [file, m] of mods) {
    if (!(m instanceof vm.SourceTextModule)) continue;
    const links = truth.links[file] || {};
    const targets = [];
    try {
      for (const req of m.moduleRequests) {
        const target = links[req.specifier];
        if (target === undefined) throw new Error(`no ground truth for ${JSON.stringify(req.specifier)}`);
        const tm = mods.get(target);
        if (!tm) throw new Error(`target ${target} of ${JSON.stringify(req.specifier)} has no module (${errors[target] || 'missing'})`);
        targets.push(tm);
      }
      m.linkRequests(targets);
      edges[file] = [...new Set(m.moduleRequests.map((r) => links[r.specifier]))];
    } catch (e) {
      errors[file] = String(e && e.message || e);
    }
  }
  const files = {};
  for (const [file, m] of mods) {
    if (!(m instanceof vm.SourceTextModule) || errors[file]) continue;
    try {
      if (m.status === 'unlinked') m.instantiate();
      files[file] = { tla: m.hasTopLevelAwait(), async: m.hasAsyncGraph(), edges: edges[file] };
    } catch (e) {
      errors[file] = String(e && e.message || e);
    }
  }
  return { files, errors };
}

const result = {};
for (const root of JSON.parse(fs.readFileSync(listFile, 'utf8'))) {
  try {
    result[root] = analyseWorkspace(root);
  } catch (e) {
    result[root] = { files: {}, errors: { '<workspace>': String(e && e.stack || e) } };
  }
}
process.stdout.write(JSON.stringify(result));
