import assert from "node:assert/strict";
import { test } from "node:test";
import { CrashPolicy } from "../../src/crashPolicy";
import type { AsyncModuleSite, ExplainResult } from "../../src/protocol";
import { type GroupNode, type SiteNode, asyncModuleRows, buildTree, peekLocations, statusFor } from "../../src/viewModel";

const W = "file:///ws";
const rel = (u: string) => u.replace(`${W}/`, "");
const r = (line: number, c = 0) => ({ start: { line, character: c }, end: { line, character: c + 5 } });

const sites: AsyncModuleSite[] = [
  { uri: `${W}/node_modules/dep/index.js`, range: r(0), kind: "await", workspace: false, infects: [`${W}/src/lib.js`], entries: [] },
  {
    uri: `${W}/src/db-connection.js`,
    range: r(5, 19),
    kind: "await",
    workspace: true,
    infects: [`${W}/src/UserApi.js`, `${W}/src/reports.js`, `${W}/src/index.js`],
    entries: [`${W}/src/index.js`],
  },
  { uri: `${W}/src/a.js`, range: r(2), kind: "for-await", workspace: true, infects: [], entries: [] },
];

test("one node per top-level await, workspace first, dependencies grouped last", () => {
  const tree = buildTree(sites, rel);
  assert.deepEqual(
    tree.map((n) => n.label),
    ["a.js:3", "db-connection.js:6", "In dependencies (1)"],
  );
  const db = tree[1] as SiteNode;
  assert.equal(db.type, "site");
  assert.equal(db.description, "src · await · makes 3 modules async · reaches 1 entry point");
  assert.deepEqual(db.range, r(5, 19));
  const [infects, entries] = db.children as GroupNode[];
  assert.equal(infects?.label, "Makes async (3)");
  assert.deepEqual(infects?.children.map((c) => c.label), ["UserApi.js", "reports.js", "index.js"]);
  assert.equal(entries?.label, "Entry points reached (1)");
  const a = tree[0] as SiteNode;
  assert.equal(a.description, "src · for await · async module");
  assert.equal(a.children[0]?.type, "info");
  const deps = tree[2] as GroupNode;
  assert.match((deps.children[0] as SiteNode).description, /dependency$/);
});

test("a WebAssembly module the bundler loads asynchronously: named without a line, said why", () => {
  const wasm: AsyncModuleSite = {
    uri: `${W}/pkg/lib_bg.wasm`, range: r(0), kind: "async-wasm", workspace: true, infects: [`${W}/pkg/lib.js`], entries: [],
  };
  const [node] = buildTree([wasm], rel) as SiteNode[];
  assert.equal(node?.label, "lib_bg.wasm");
  assert.equal(node?.description, "pkg · async WebAssembly · makes 1 module async");
  assert.match(node?.tooltip ?? "", /the bundler loads asynchronously \(webpack's experiments\.asyncWebAssembly, or vite-plugin-wasm\)/);
});

test("an async webpack external: named by its request, at its key in the configuration", () => {
  const ext: AsyncModuleSite = {
    uri: `${W}/webpack.config.js`, range: r(6), kind: "async-external", name: "lodash", workspace: false,
    infects: [`${W}/src/a.js`], entries: [],
  };
  const [group] = buildTree([ext], rel) as GroupNode[];
  const node = group?.children[0] as SiteNode;
  assert.equal(node?.label, "lodash (webpack.config.js:7)");
  assert.equal(node?.description, "webpack external · makes 1 module async · dependency");
  assert.match(node?.tooltip ?? "", /^lodash: a webpack external that webpack loads asynchronously \(webpack\.config\.js, line 7\)/);
});

test("ids are stable so the tree keeps its expansion across refreshes", () => {
  const ids = (ns: ReturnType<typeof buildTree>): string[] =>
    ns.flatMap((n) => [n.id, ...("children" in n ? ids(n.children) : [])]);
  assert.deepEqual(ids(buildTree(sites, rel)), ids(buildTree([...sites].reverse(), rel)));
  assert.equal(new Set(ids(buildTree(sites, rel))).size, ids(buildTree(sites, rel)).length);
});

test("no top-level await: an empty tree", () => {
  assert.deepEqual(buildTree([], rel), []);
});

test("quick pick rows: modules with the await first, then those async because of them", () => {
  const rows = asyncModuleRows(sites, rel);
  assert.deepEqual(
    rows.map((x) => [x.detail, x.description]),
    [
      ["src/a.js", "top-level await · makes 0 modules async"],
      ["src/db-connection.js", "top-level await · makes 3 modules async"],
      ["node_modules/dep/index.js", "top-level await · makes 1 module async · dependency"],
      ["src/index.js", "because of db-connection.js"],
      ["src/lib.js", "because of index.js"],
      ["src/reports.js", "because of db-connection.js"],
      ["src/UserApi.js", "because of db-connection.js"],
    ],
  );
  assert.deepEqual(rows[1]?.range, r(5, 19));
});

const explainAsync: ExplainResult = {
  uri: `${W}/src/index.js`,
  async: true,
  hasTopLevelAwait: false,
  format: "esm",
  topLevelAwait: [],
  chain: [
    { uri: `${W}/src/index.js`, range: r(1), message: "imports ./reports.js", module: `${W}/src/reports.js` },
    { uri: `${W}/src/reports.js`, range: r(1), message: "imports ./UserApi.js", module: `${W}/src/UserApi.js` },
    { uri: `${W}/src/UserApi.js`, range: r(0), message: "imports ./db-connection.js", module: `${W}/src/db-connection.js` },
    { uri: `${W}/src/db-connection.js`, range: r(5, 19), message: "top-level await", module: `${W}/src/db-connection.js` },
  ],
  cause: `${W}/src/db-connection.js`,
  infects: [],
  entries: [],
  cycle: [],
};

test("status bar: the cause for an importer, the await for its module, nothing for a sync one", () => {
  const s = statusFor(explainAsync, rel);
  assert.equal(s?.text, "$(watch) async module: db-connection.js");
  assert.match(s?.tooltip ?? "", /because of src\/db-connection\.js:\n1\. src\/index\.js:2 imports \.\/reports\.js/);
  assert.match(s?.tooltip ?? "", /4\. src\/db-connection\.js:6 top-level await/);
  const tla = statusFor({ ...explainAsync, hasTopLevelAwait: true, topLevelAwait: [r(5)], infects: ["a", "b"], cause: null }, rel);
  assert.equal(tla?.text, "$(watch) async module: top-level await");
  assert.match(tla?.tooltip ?? "", /line 6\) and makes 2 modules async/);
  assert.equal(statusFor({ ...explainAsync, async: false }, rel), undefined);
  assert.equal(statusFor(null, rel), undefined);
});

test("peek locations: the chain, or the module's own awaits", () => {
  assert.equal(peekLocations(explainAsync).length, 4);
  assert.deepEqual(peekLocations({ ...explainAsync, hasTopLevelAwait: true, topLevelAwait: [r(5), r(9)] }), [
    { uri: explainAsync.uri, range: r(5) },
    { uri: explainAsync.uri, range: r(9) },
  ]);
});

test("crash policy: restart up to 5 times in 3 minutes, then stay down", () => {
  let t = 0;
  const p = new CrashPolicy(5, 180_000, () => t);
  for (let i = 1; i <= 5; i++) assert.deepEqual(p.crashed(), { restart: true, count: i });
  assert.deepEqual(p.crashed(), { restart: false, count: 6 });
  t = 400_000; // the old crashes have aged out
  assert.deepEqual(p.crashed(), { restart: true, count: 1 });
  p.reset();
  assert.equal(p.crashed().count, 1);
});
