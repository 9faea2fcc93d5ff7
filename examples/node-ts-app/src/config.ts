import { readFile } from "node:fs/promises";

export interface Config {
  port: number;
}

// Read once, when the module is first loaded: a top-level await.
const text = await readFile(new URL("../config.json", import.meta.url), "utf8").catch(() => "{}");
export const config: Config = { port: 3000, ...JSON.parse(text) };
