import { money } from '$lib/format';

// A universal load: runs in the browser too. It stays synchronous to import.
export function load() {
  return { total: money(1999) };
}
