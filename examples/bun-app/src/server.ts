import { db } from "./db.ts";
import { describe } from "./routes.ts";

export function start(): void {
  console.log(db.rows().map(describe).join("\n"));
}
