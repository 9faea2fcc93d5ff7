import { count } from "metrics-client";

export function handle(path: string): string {
  count(path);
  return `ok ${path}`;
}
