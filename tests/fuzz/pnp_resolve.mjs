// Yarn's own Plug'n'Play resolution of (specifier, issuer) pairs: the project's .pnp.cjs runtime
// (required and set up as Yarn's loader does; nothing of the project runs) answers each with
// resolveRequest(specifier, issuer, {conditions}). stdin: [[spec, issuer], …]; stdout: [path | {error}].
import path from 'node:path';
import { createRequire } from 'node:module';

const [root] = process.argv.slice(2);
const pnp = createRequire(path.join(root, 'package.json'))(path.join(root, '.pnp.cjs'));
pnp.setup();
let input = '';
for await (const chunk of process.stdin) input += chunk;
const conditions = new Set(['import', 'node', 'default']);
const out = JSON.parse(input).map(([spec, issuer]) => {
  try {
    return pnp.resolveRequest(spec, issuer, { conditions });
  } catch (e) {
    return { error: String(e.code || e.message).slice(0, 200) };
  }
});
process.stdout.write(JSON.stringify(out));
