import assert from "node:assert/strict";
import { test } from "node:test";
import { contains, outermost, ownerOf, plan } from "../../src/folders";

test("a folder contains itself and what is below it, not a sibling with the same prefix", () => {
  assert.equal(contains("/w/app", "/w/app", "/"), true);
  assert.equal(contains("/w/app", "/w/app/src/a.ts", "/"), true);
  assert.equal(contains("/w/app", "/w/app-2/src/a.ts", "/"), false);
  assert.equal(contains("/", "/w/a.ts", "/"), true);
  assert.equal(contains("C:\\w\\app", "C:\\w\\app\\a.ts", "\\"), true);
});

test("nested and repeated folders are covered by the outer one", () => {
  assert.deepEqual(outermost(["/w/app", "/w/lib", "/w/app/packages/ui", "/w/lib"], "/"), ["/w/app", "/w/lib"]);
  assert.deepEqual(outermost(["/w/app/packages/ui", "/w/app"], "/"), ["/w/app"]);
  assert.deepEqual(outermost(["/w/app", "/w/app-2"], "/"), ["/w/app", "/w/app-2"]);
  assert.deepEqual(outermost([], "/"), []);
});

test("a file belongs to the root that contains it, or to none", () => {
  const roots = ["/w/app", "/w/lib"];
  assert.equal(ownerOf("/w/lib/src/db.ts", roots, "/"), "/w/lib");
  assert.equal(ownerOf("/w/app/packages/ui/x.ts", roots, "/"), "/w/app");
  assert.equal(ownerOf("/tmp/scratch.ts", roots, "/"), undefined);
});

test("folders added and removed: start and stop only the difference", () => {
  assert.deepEqual(plan(["/w/app"], ["/w/app", "/w/lib"]), { start: ["/w/lib"], stop: [] });
  assert.deepEqual(plan(["/w/app", "/w/lib"], ["/w/lib"]), { start: [], stop: ["/w/app"] });
  // a folder added around a running one: the outer one replaces it
  assert.deepEqual(plan(["/w/app/ui"], outermost(["/w/app/ui", "/w/app"], "/")), { start: ["/w/app"], stop: ["/w/app/ui"] });
});
