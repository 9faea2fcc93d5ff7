export interface Row {
  id: number;
  name: string;
}

async function connect(): Promise<{ rows(): Row[] }> {
  await new Promise((resolve) => setTimeout(resolve, 10));
  return { rows: () => [{ id: 1, name: "first" }] };
}

// Connects when the module is first loaded: a top-level await, so every module that
// imports this one statically waits for the connection too.
export const db = await connect();
