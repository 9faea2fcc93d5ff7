// Only a type is imported: TypeScript erases this import, so this module stays sync.
import type { Settings } from "@lib/settings";

export interface User {
  id: number;
  region: Settings["region"];
}

export function makeUser(id: number, region: string): User {
  return { id, region };
}
