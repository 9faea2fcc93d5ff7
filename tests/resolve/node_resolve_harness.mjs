// Resolves [specifier, parentFile, mode] triples (JSON on stdin) with Node's own resolvers:
// mode "import" -> import.meta.resolve(spec, parentURL) (needs --experimental-import-meta-resolve),
// mode "require" -> createRequire(parent).resolve(spec). Prints [{ok}|{err}] as JSON.
import { createRequire } from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const [spec, parent, mode] of JSON.parse(input)) {
  try {
    if (mode === 'require') {
      out.push({ ok: createRequire(parent).resolve(spec) });
    } else {
      const url = import.meta.resolve(spec, pathToFileURL(parent).href);
      out.push({ ok: url.startsWith('file:') ? fileURLToPath(url) : url });
    }
  } catch (e) {
    out.push({ err: e.code || String(e) });
  }
}
process.stdout.write(JSON.stringify(out));
