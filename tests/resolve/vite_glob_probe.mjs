// What Vite makes of a module's `import.meta.glob` calls: a dev server of the project (its
// vite.config.* if it has one; middleware mode, nothing listening or watched) transforms the
// module as it would serve it;
// the static imports its glob plugin wrote are printed (the tests' oracle).
// argv: root, module (a path from the root, "/src/main.js"). Output: [import specifier, ...].
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [root, url] = process.argv.slice(2);
const entry = createRequire(path.join(root, 'package.json')).resolve('vite');
const { createServer } = await import(pathToFileURL(entry).href);
const server = await createServer({
  root, logLevel: 'silent', server: { middlewareMode: true, watch: null, hmr: false },
  optimizeDeps: { noDiscovery: true, include: [] },
});
try {
  const r = await server.transformRequest(url);
  const out = [];
  for (const m of r.code.matchAll(/import \* as __vite_glob_\w+ from "([^"]+)"/g)) out.push(m[1]);
  for (const m of r.code.matchAll(/import \{ default as __vite_glob_\w+ \} from "([^"]+)"/g)) out.push(m[1]);
  process.stdout.write(JSON.stringify(out));
} finally {
  await server.close();
}
