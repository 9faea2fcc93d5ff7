// Only a type is used from config.ts, but Node keeps this import as written when it runs
// the file itself (type stripping): routes.ts waits for config.ts's top-level await.
// `import type { Config }` would drop it, as TypeScript does.
import { type Config } from "./config.ts";

export function describe(c: Config): string {
  return `listening on ${c.port}`;
}
