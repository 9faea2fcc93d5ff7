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
// The linking itself is in v8_link.mjs (shared with tests/fuzz/engine.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { linkWorkspace } from './v8_link.mjs';

const [tsDir, listFile] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const ts = require(path.resolve(tsDir));

function verbatimOf(root) {
  const cfg = path.join(root, 'tsconfig.json');
  if (!fs.existsSync(cfg)) return false;
  const read = ts.readConfigFile(cfg, ts.sys.readFile);
  if (read.error) return false;
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, cfg);
  return !!parsed.options.verbatimModuleSyntax;
}

function analyseWorkspace(root) {
  const truth = JSON.parse(fs.readFileSync(path.join(root, 'oracle.json'), 'utf8'));
  const sources = {};
  for (const [file, kind] of Object.entries(truth.modules)) {
    if (kind === 'esm') sources[file] = fs.readFileSync(path.join(root, file), 'utf8');
  }
  return linkWorkspace(ts, { sources, kinds: truth.modules, links: truth.links, verbatim: verbatimOf(root), idPrefix: root });
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
