// V8's verdicts for modules of a Yarn Plug'n'Play project, linked by Yarn's own resolver: the
// project's PnP runtime (.pnp.cjs, required and set up as Yarn's loader does: nothing else of the
// project runs) resolves each import with resolveRequest(spec, issuer, {conditions}); V8
// (vm.SourceTextModule) links the modules and says which have a top-level await and which are
// async. Nothing is evaluated.
//
//   node --experimental-vm-modules pnp_link.mjs ROOT FILE...   -> {file: {tla, async}} | {file: {error}}
import vm from 'node:vm';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire, builtinModules } from 'node:module';

const [root, ...files] = process.argv.slice(2);
const pnp = createRequire(path.join(root, 'package.json'))(path.join(root, '.pnp.cjs'));
pnp.setup();  // (Yarn's file system: reads files inside the zip archives of its cache)
const conditions = new Set(['import', 'node', 'default']);
const modules = new Map();

function load(file) {
  if (!modules.has(file)) {
    modules.set(file, new vm.SourceTextModule(fs.readFileSync(file, 'utf8'), { identifier: file }));
  }
  return modules.get(file);
}

async function link(spec, ref) {
  const bare = spec.startsWith('node:') ? spec.slice(5) : spec;
  if (builtinModules.includes(bare)) {
    return new vm.SyntheticModule(['default'], function () { this.setExport('default', {}); });
  }
  const resolved = spec.startsWith('.') || spec.startsWith('/')
    ? path.resolve(path.dirname(ref.identifier), spec)
    : pnp.resolveRequest(spec, ref.identifier, { conditions });
  if (!resolved) throw new Error(`UNRESOLVED ${spec} from ${ref.identifier}`);
  return load(resolved);
}

const out = {};
for (const file of files) {
  try {
    const m = load(path.resolve(file));
    if (m.status === 'unlinked') await m.link(link);
    out[file] = { tla: m.hasTopLevelAwait(), async: m.hasAsyncGraph() };
  } catch (e) {
    out[file] = { error: String(e && e.message || e) };
  }
}
process.stdout.write(JSON.stringify(out));
