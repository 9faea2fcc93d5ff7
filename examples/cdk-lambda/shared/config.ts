// Read once, at cold start, before the first request is handled.
async function loadConfig(): Promise<{ table: string }> {
  return { table: process.env.ORDERS_TABLE ?? "orders" };
}

export const config = await loadConfig();
