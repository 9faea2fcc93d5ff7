// Prints the resolve.alias a Vite or webpack configuration computes, by running it the way the
// bundler does (the test's oracle; tla-lens itself never runs a configuration).
// argv: root, configuration file. Output: [{find, replacement}] (find: string or {regex}).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [root, configFile] = process.argv.slice(2);
const out = [];
if (path.basename(configFile).startsWith('vite')) {  // (vite.config.*, vitest.config.*)
  // (from the project's node_modules, as the configuration's own `import 'vite'` finds it)
  const entry = createRequire(path.join(root, 'package.json')).resolve('vite');
  const { resolveConfig } = await import(pathToFileURL(entry).href);
  const c = await resolveConfig({ root, configFile, logLevel: 'silent' }, 'build');
  for (const a of c.resolve.alias) {
    if (a.find instanceof RegExp) {
      if (!/@vite/.test(a.find.source)) out.push({ find: { regex: a.find.source }, replacement: a.replacement });
    } else {
      out.push({ find: a.find, replacement: a.replacement });
    }
  }
} else {
  let config = configFile.endsWith('.mjs')
    ? (await import(pathToFileURL(configFile).href)).default
    : createRequire(configFile)(configFile);
  if (typeof config === 'function') config = config({}, { mode: 'none' });
  for (const c of Array.isArray(config) ? config : [config]) {
    const alias = (c.resolve && c.resolve.alias) || {};
    if (Array.isArray(alias)) {
      for (const a of alias) out.push({ find: a.name + (a.onlyModule ? '$' : ''), replacement: a.alias });
    } else {
      for (const [find, replacement] of Object.entries(alias)) out.push({ find, replacement });
    }
  }
}
process.stdout.write(JSON.stringify(out));
