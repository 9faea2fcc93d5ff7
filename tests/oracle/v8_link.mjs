// Shared by the V8 oracle harness (oracle_harness.mjs) and the fuzzing engine (tests/fuzz/engine.mjs):
// turn a set of sources plus ground-truth links into V8 modules and read V8's verdicts.
//
//   linkWorkspace(ts, {sources, kinds, links, verbatim, idPrefix}) -> {files, errors}
//     sources:  {file: text}              (only the files of kind "esm" need text)
//     kinds:    {file: "esm" | "cjs" | "json"}
//     links:    {file: {specifier: file}}  (the ground truth; nothing is resolved here)
//     files:    {file: {tla, async, edges: [file...]}}, errors: {file: message}
//
// TypeScript files are transpiled with TypeScript 5.9's transpileModule (module/target esnext,
// verbatimModuleSyntax as given) so the real TypeScript decides import elision. JSON and CommonJS
// files become SyntheticModules with only a default export: statically importing a CJS module never
// waits for anything. Nothing is evaluated.
import vm from 'node:vm';
import path from 'node:path';

export const TS_EXT = new Set(['.ts', '.mts', '.tsx', '.cts']);

export function tsOptions(ts, verbatim) {
  return {
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ESNext,
    verbatimModuleSyntax: !!verbatim,
    jsx: ts.JsxEmit.React,
    // every file is a module, as Node runs it (TypeScript's "auto" would parse a file without
    // import/export as a script, where `await /x/g` is a division)
    moduleDetection: ts.ModuleDetectionKind.Force,
  };
}

// TypeScript -> JavaScript; throws on a syntactic TypeScript error.
export function transpile(ts, src, fileName, options) {
  const out = ts.transpileModule(src, { compilerOptions: options, fileName, reportDiagnostics: true });
  const diags = (out.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diags.length) {
    throw new Error('TypeScript: ' + diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; '));
  }
  return out.outputText;
}

export function synthetic(id) {
  return new vm.SyntheticModule(['default'], function () { this.setExport('default', null); }, { identifier: id });
}

export function linkWorkspace(ts, { sources, kinds, links, verbatim, idPrefix = '' }) {
  const options = tsOptions(ts, verbatim);
  const errors = {};
  const mods = new Map(); // file -> vm.Module
  for (const [file, kind] of Object.entries(kinds)) {
    const id = idPrefix ? path.join(idPrefix, file) : file;
    if (kind !== 'esm') { mods.set(file, synthetic(id)); continue; }
    try {
      let src = sources[file];
      if (TS_EXT.has(path.extname(file))) src = transpile(ts, src, file, options);
      mods.set(file, new vm.SourceTextModule(src, { identifier: id }));
    } catch (e) {
      errors[file] = String(e && e.message || e);
    }
  }
  const edges = {};
  for (const [file, m] of mods) {
    if (!(m instanceof vm.SourceTextModule)) continue;
    const own = links[file] || {};
    const targets = [];
    try {
      for (const req of m.moduleRequests) {
        const target = own[req.specifier];
        if (target === undefined) throw new Error(`no ground truth for ${JSON.stringify(req.specifier)}`);
        const tm = mods.get(target);
        if (!tm) throw new Error(`target ${target} of ${JSON.stringify(req.specifier)} has no module (${errors[target] || 'missing'})`);
        targets.push(tm);
      }
      m.linkRequests(targets);
      edges[file] = [...new Set(m.moduleRequests.map((r) => own[r.specifier]))];
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
