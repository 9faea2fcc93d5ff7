// Build a webpack configuration and run what it built (the test's oracle for externals the
// bundle loads when it runs; tla-lens itself never runs a configuration or the project).
// argv: root, configuration file (CommonJS), output folder.
// The configuration is built as written but for mode none, target node and the output folder
// (webpack's default output: a CommonJS script per entry). Each entry's bundle is then run with
// this Node: does it throw ERR_REQUIRE_ASYNC_MODULE?
// Output: {entryName: {file, async (webpack's isAsync of the entry module), throws, output}}
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const [root, configFile, outDir] = process.argv.slice(2);
const require = createRequire(path.join(root, 'package.json'));
const webpack = require('webpack');
const config = createRequire(configFile)(configFile);
const compiler = webpack({
  ...config, mode: 'none', target: 'node', context: config.context || root, devtool: false,
  output: { path: outDir, filename: '[name].js' }, infrastructureLogging: { level: 'error' },
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
  const run = spawnSync(process.execPath, [path.join(outDir, `${name}.js`)], { cwd: root, encoding: 'utf8', timeout: 60000 });
  const output = `${run.stdout}${run.stderr}`;
  out[name] = { file: m.resource, async: compilation.moduleGraph.isAsync(m),
    throws: output.includes('ERR_REQUIRE_ASYNC_MODULE'), output: output.slice(0, 400) };
}
process.stdout.write(JSON.stringify(out));
