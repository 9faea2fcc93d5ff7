// The database driver is set up once, when this module is evaluated.
import { openPool } from "./pool.js";

const url = process.env.DATABASE_URL ?? "postgres://localhost/app";

export const db = await openPool(url, { max: 10 });

export function query(sql, params) {
  return db.run(sql, params);
}
