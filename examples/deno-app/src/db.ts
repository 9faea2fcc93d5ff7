import { config } from "config";

async function connect(url: string) {
  return { connected: true, url, query: async (_sql: string) => [] as unknown[] };
}

// Top-level await: every module that imports this one statically waits for the connection.
export const db = await connect(config.databaseUrl);
