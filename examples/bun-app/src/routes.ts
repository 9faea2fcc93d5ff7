// Only a type is used from db.ts. verbatimModuleSyntax (which `bun init` turns on) would keep
// this import as `import {} from "./db.ts"`, but Bun drops it as TypeScript's default does:
// routes.ts does not wait for the database.
import { type Row } from "./db.ts";

export function describe(row: Row): string {
  return `#${row.id} ${row.name}`;
}
