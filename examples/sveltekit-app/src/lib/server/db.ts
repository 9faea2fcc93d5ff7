import { DATABASE_URL } from '$env/static/private';

async function connect(url: string) {
  // stands in for a database driver's connect()
  return { url, query: async (sql: string) => [{ sql, rows: 3 }] };
}

// A top-level await: every module that imports this one, directly or not, waits for it.
export const db = await connect(DATABASE_URL);
