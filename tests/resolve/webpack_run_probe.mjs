// Build a webpack configuration and run what it built (the test's oracle for externals the
// bundle loads when it runs; tla-lens itself never runs a configuration or the project).
// argv: root, configuration file (CommonJS), output folder, and "module-output" for ES modules.
// The configuration is built as written but for mode none, target node and the output folder
// (webpack's default output: a CommonJS script per entry; or an ES module per entry). Each
// entry's bundle is then run with this Node: does it throw ERR_REQUIRE_ASYNC_MODULE? (An ES
// module bundle is loaded with require(), which throws that when its graph has a top-level
// await: whether the bundle is an async module.)
// Output: {entryName: {file, async (webpack's isAsync of the entry module), throws, output}}
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const [root, configFile, outDir, outputKind] = process.argv.slice(2);
const esm = outputKind === 'module-output';
const require = createRequire(path.join(root, 'package.json'));
const webpack = require('webpack');
const config = createRequire(configFile)(configFile);
const compiler = webpack({
  ...config, mode: 'none', target: 'node', context: config.context || root, devtool: false,
  output: esm ? { path: outDir, filename: '[name].mjs', module: true, chunkFormat: 'module' }
    : { path: outDir, filename: '[name].js' },
  experiments: { ...config.experiments, outputModule: esm },
  infrastructureLogging: { level: 'error' },
});
const stats = await new Promise((res, rej) => compiler.run((err, s) => (err ? rej(err) : res(s))));
if (stats.hasErrors()) {
  process.stderr.write(stats.toString('errors-only'));
  process.exit(1);
}
await new Promise((res) => compiler.close(res));
const out = {};
const { compilation } = stats;
for (const [name, entry] of compilation.entries) {
  const m = compilation.moduleGraph.getModule(entry.dependencies[0]);
  const file = path.join(outDir, `${name}.${esm ? 'mjs' : 'js'}`);
  const args = esm ? ['-e', 'require(process.argv[1])', file] : [file];
  const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 60000 });
  const output = `${run.stdout}${run.stderr}`;
  out[name] = { file: m.resource, async: compilation.moduleGraph.isAsync(m),
    throws: output.includes('ERR_REQUIRE_ASYNC_MODULE'), output: output.slice(0, 400) };
}
process.stdout.write(JSON.stringify(out));
