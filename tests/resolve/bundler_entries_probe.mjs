// What a Vite or webpack configuration builds from, by running it as the bundler does (the test's
// oracle; tla-lens itself never runs a configuration).
// argv: root, configuration file, output folder (webpack's build goes there).
// Vite: resolveConfig(…, 'build', 'production'); each value of build.rollupOptions.input and build.lib.entry
//   resolved against the configuration's root, as Vite's build resolves them.
// webpack: a build of the configuration (mode none, target node, the output folder given); each
//   entry's modules (compilation.entries), and whether webpack made each one an async module.
// Output: {entries: [{file, async?}], modules: {resource: {async, imports: {request: resource | null}}}}
// (modules: webpack's, every module it built).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

// (a fourth argument "script-output": webpack's default output, not ES modules)
const [root, configFile, outDir, outputKind] = process.argv.slice(2);
const moduleOutput = outputKind !== 'script-output';
const require = createRequire(path.join(root, 'package.json'));
const out = [];
const modules = {};
const values = (v) => (v == null ? [] : typeof v === 'string' ? [v] : Array.isArray(v) ? v : Object.values(v));

if (path.basename(configFile).startsWith('vite')) {
  const { resolveConfig } = await import(pathToFileURL(require.resolve('vite')).href);
  // (as `vite build` run in the project folder: the configuration's own root decides; its
  // mode and NODE_ENV are "production")
  const c = await resolveConfig({ configFile, logLevel: 'silent' }, 'build', 'production', 'production');
  const input = c.build.rollupOptions && c.build.rollupOptions.input;
  for (const v of values(input)) out.push({ file: path.resolve(c.root, v) });
  for (const v of values(c.build.lib && c.build.lib.entry)) out.push({ file: path.resolve(c.root, v) });
} else {
  const webpack = require('webpack');
  let config = configFile.endsWith('.mjs')
    ? (await import(pathToFileURL(configFile).href)).default
    : createRequire(configFile)(configFile);
  if (typeof config === 'function') config = config({}, { mode: 'none' });
  const configs = (Array.isArray(config) ? config : [config]).map((c, i) => ({
    ...c, mode: 'none', target: 'node', context: c.context || root,
    output: moduleOutput ? { path: path.join(outDir, String(i)), module: true, chunkFormat: 'module' }
      : { path: path.join(outDir, String(i)) },
    experiments: { ...c.experiments, topLevelAwait: true, outputModule: moduleOutput },
    infrastructureLogging: { level: 'error' },
  }));
  const compiler = webpack(configs);
  const stats = await new Promise((res, rej) => compiler.run((err, s) => (err ? rej(err) : res(s))));
  for (const s of stats.stats) {
    const { compilation } = s;
    const mg = compilation.moduleGraph;
    for (const m of compilation.modules) {
      if (!m.resource) continue;
      const imports = {};
      for (const dep of m.dependencies) {
        if (typeof dep.request !== 'string') continue;
        const target = mg.getModule(dep);
        imports[dep.request] = target && target.resource ? target.resource : null;
      }
      modules[m.resource] = { async: mg.isAsync(m), imports };
    }
    for (const [, entry] of compilation.entries) {
      for (const dep of entry.dependencies) {
        const m = compilation.moduleGraph.getModule(dep);
        if (m && m.resource) out.push({ file: m.resource, async: compilation.moduleGraph.isAsync(m) });
      }
    }
  }
  await new Promise((res) => compiler.close(res));
}
process.stdout.write(JSON.stringify({ entries: out, modules }));
