import { expect, test } from "bun:test";
import { describe } from "./routes.ts";

test("describe", () => {
  expect(describe({ id: 2, name: "second" })).toBe("#2 second");
});
