// What Vite makes of import specifiers: a Vite dev server of the project (in middleware mode,
// nothing listening, nothing watched) is created with the project's vite.config.* (and its
// plugins: SvelteKit's reads svelte.config.js); each specifier goes through the plugins'
// resolveId, aliases first, as when Vite loads a module. The tests' oracle: tla-lens itself
// never runs a configuration.
// argv: root, importer (absolute), specifiers... Output: {specifier: resolved id or null}.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [root, importer, ...specifiers] = process.argv.slice(2);
const entry = createRequire(path.join(root, 'package.json')).resolve('vite');
const { createServer } = await import(pathToFileURL(entry).href);
process.chdir(root);  // (SvelteKit reads svelte.config.js from the working folder)
const server = await createServer({
  root, logLevel: 'silent', server: { middlewareMode: true, watch: null, hmr: false },
  optimizeDeps: { noDiscovery: true, include: [] },
});
const out = {};
try {
  for (const s of specifiers) {
    const r = await server.pluginContainer.resolveId(s, importer, { ssr: true });
    out[s] = r ? r.id.replace(/\?v=[0-9a-f]+$/, '') : null;
  }
} finally {
  await server.close();
}
process.stdout.write(JSON.stringify(out));
