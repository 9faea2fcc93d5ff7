// Loads a project's Next.js configuration with Next.js's own loader (loadConfig, as `next build`
// does first) and prints {"loaded": true, "env": …} or {"loaded": false, "code": …, "message": …}.
// Usage: node next_config_probe.mjs <Next's node_modules> <project folder>
import { createRequire } from "node:module";
import path from "node:path";

const [engine, dir] = process.argv.slice(2);
const require = createRequire(path.join(engine, "package.json"));
const loadConfig = require("next/dist/server/config").default;
const { PHASE_PRODUCTION_BUILD } = require("next/constants");
let out;
try {
  const config = await loadConfig(PHASE_PRODUCTION_BUILD, dir);
  out = { loaded: true, env: config.env };
} catch (e) {
  out = { loaded: false, code: e?.code ?? e?.cause?.code ?? null, message: String(e?.message ?? e).split("\n")[0] };
}
process.stdout.write(JSON.stringify(out) + "\n");
process.exit(0);
