export interface Settings {
  region: string;
  cacheSize: number;
}

async function loadSettings(): Promise<Settings> {
  return { region: "eu-west-1", cacheSize: 128 };
}

// Top-level await: every module that imports a value from here is async.
export const settings: Settings = await loadSettings();
