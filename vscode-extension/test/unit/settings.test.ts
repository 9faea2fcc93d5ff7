import assert from "node:assert/strict";
import { test } from "node:test";
import { type Inspected, serverSettings, settingsEffect, userValue } from "../../src/settings";
import pkg from "../../package.json";

/** An `inspect` backed by the extension's declared defaults plus the given user values. */
function inspectWith(user: Record<string, Partial<Inspected>>) {
  const props = pkg.contributes.configuration.properties as Record<string, { default?: unknown }>;
  return (key: string): Inspected | undefined => {
    const decl = props[`tlaLens.${key}`];
    if (!decl) return undefined;
    return { defaultValue: decl.default, ...user[key] };
  };
}

test("nothing set: only the editor flags are sent, so tla-lens.json decides the rest", () => {
  const { settings, problems } = serverSettings(inspectWith({}));
  assert.deepEqual(settings, { codeLens: true, inlayHints: true });
  assert.deepEqual(problems, []);
});

test("values set at any level are sent; the most specific wins", () => {
  const { settings } = serverSettings(
    inspectWith({
      "severity.async-import": { globalValue: "error" },
      "severity.top-level-await": { globalValue: "hint", workspaceValue: "off" },
      entries: { workspaceFolderValue: ["src/main.ts"], globalValue: ["x.js"] },
      skipDirs: { workspaceValue: ["node_modules", "vendor"] },
      maxFileSize: { globalValue: 1000 },
      inlayHints: { workspaceValue: false },
    }),
  );
  assert.deepEqual(settings, {
    codeLens: true,
    inlayHints: false,
    severity: { "async-import": "error", "top-level-await": "off" },
    entries: ["src/main.ts"],
    skipDirs: ["node_modules", "vendor"],
    maxFileSize: 1000,
  });
});

test("a value equal to the default but set explicitly is still sent (it overrides the file)", () => {
  const { settings } = serverSettings(inspectWith({ "severity.async-import": { globalValue: "warning" }, include: { globalValue: [] } }));
  assert.deepEqual(settings.severity, { "async-import": "warning" });
  assert.deepEqual(settings.include, []);
});

test("invalid values are dropped with a problem, a single string becomes a list", () => {
  const { settings, problems } = serverSettings(
    inspectWith({
      "severity.async-cycle": { globalValue: "fatal" },
      exclude: { globalValue: [1, 2] },
      conditions: { globalValue: "browser" },
      maxFileSize: { globalValue: -5 },
    }),
  );
  assert.equal(settings.severity, undefined);
  assert.equal(settings.exclude, undefined);
  assert.equal(settings.maxFileSize, undefined);
  assert.deepEqual(settings.conditions, ["browser"]);
  assert.equal(problems.length, 3);
  assert.match(problems[0] ?? "", /tlaLens\.severity\.async-cycle/);
});

test("aliases are sent as set, and a malformed alias object is dropped with a problem", () => {
  const good = serverSettings(inspectWith({ alias: { globalValue: { "@": "./src", lodash: ["lodash-es"], fs: false } } }));
  assert.deepEqual(good.settings.alias, { "@": "./src", lodash: ["lodash-es"], fs: false });
  assert.deepEqual(good.problems, []);
  for (const bad of [["./src"], { "@": 3 }, { "@": true }, "@=./src"]) {
    const { settings, problems } = serverSettings(inspectWith({ alias: { globalValue: bad } }));
    assert.equal(settings.alias, undefined);
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? "", /tlaLens\.alias/);
  }
  assert.equal(serverSettings(inspectWith({})).settings.alias, undefined);
});

test("userValue ignores defaults and nulls", () => {
  assert.equal(userValue({ defaultValue: "x" }), undefined);
  assert.equal(userValue({ defaultValue: "x", globalValue: null }), undefined);
  assert.equal(userValue(undefined), undefined);
  assert.equal(userValue({ globalValue: 1, workspaceValue: 2 }), 2);
});

test("every server key and severity code is contributed with a description, a scope and a default", () => {
  const props = pkg.contributes.configuration.properties as Record<
    string,
    { default?: unknown; scope?: string; markdownDescription?: string; enum?: string[] }
  >;
  const keys = ["include", "exclude", "entries", "allowAsync", "conditions", "alias", "skipDirs", "maxFileSize", "codeLens", "inlayHints"];
  for (const k of keys) {
    const p = props[`tlaLens.${k}`];
    assert.ok(p, k);
    assert.equal(p.scope, "resource", k);
    assert.ok(p.markdownDescription, k);
    assert.ok("default" in p, k);
  }
  for (const code of ["async-import", "require-async", "top-level-await", "async-cycle", "async-entry"]) {
    const p = props[`tlaLens.severity.${code}`];
    assert.ok(p, code);
    assert.deepEqual(p.enum, ["error", "warning", "information", "hint", "off"]);
  }
  assert.equal(props["tlaLens.severity.require-async"]?.default, "error");
  assert.equal(props["tlaLens.severity.top-level-await"]?.default, "information");
  assert.equal(props["tlaLens.interpreter"]?.scope, "machine-overridable");
  assert.equal(props["tlaLens.server.path"]?.scope, "machine-overridable");
  assert.deepEqual(props["tlaLens.trace.server"]?.enum, ["off", "messages", "compact", "verbose"]);
});

test("what a settings change needs", () => {
  const only = (...sections: string[]) => (s: string) => sections.includes(s);
  assert.deepEqual(settingsEffect(only("tlaLens.interpreter")), ["restart"]);
  assert.deepEqual(settingsEffect(only("tlaLens.server.path")), ["restart"]);
  assert.deepEqual(settingsEffect(only("tlaLens.severity.async-entry")), ["notify"]);
  assert.deepEqual(settingsEffect(only("tlaLens.inlayHints")), ["notify"]);
  assert.deepEqual(settingsEffect(only("tlaLens.skipDirs")), ["notify"]);
  assert.deepEqual(settingsEffect(only("tlaLens.alias")), ["notify"]);
  assert.deepEqual(settingsEffect(only("tlaLens.statusBar")), ["statusBar"]);
  assert.deepEqual(settingsEffect(only("tlaLens.trace.server")), ["none"]);
});
