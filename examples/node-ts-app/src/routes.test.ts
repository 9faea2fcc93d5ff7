import { test } from "node:test";
import assert from "node:assert";
import { describe } from "./routes.ts";

test("describe", () => {
  assert.equal(describe({ port: 1 }), "listening on 1");
});
