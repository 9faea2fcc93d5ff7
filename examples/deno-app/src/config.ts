// Top-level await: the configuration is read once, before any importer runs.
export const config: { databaseUrl: string } = JSON.parse(
  await Deno.readTextFile(new URL("../config.json", import.meta.url)),
);
