// How Vite serves modules, by running it (the test's oracle; tla-lens never runs a configuration).
// argv: root, configuration file, then module paths relative to root.
// Vite's dev server (middleware mode) transforms each module as the browser would get it, and V8
// says whether the result has a top-level await (vm.SourceTextModule#hasTopLevelAwait; run with
// --experimental-vm-modules). Output: {path: {tla, code}}.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import vm from 'node:vm';

const [root, configFile, ...files] = process.argv.slice(2);
const require = createRequire(path.join(root, 'package.json'));
const { createServer } = await import(pathToFileURL(require.resolve('vite')).href);
const server = await createServer({ configFile, root, logLevel: 'silent', server: { middlewareMode: true, hmr: false } });
const out = {};
try {
  for (const f of files) {
    const r = await server.transformRequest('/' + f);
    const mod = new vm.SourceTextModule(r.code, { identifier: f });
    out[f] = { tla: mod.hasTopLevelAwait(), code: r.code };
  }
} finally {
  await server.close();
}
process.stdout.write(JSON.stringify(out));
