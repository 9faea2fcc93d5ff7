// Loads the database only when it is asked for: nothing waits for it at start-up.
export async function health(): Promise<Response> {
  const { db } = await import("@/db.ts");
  return new Response(db.connected ? "ok" : "down");
}
