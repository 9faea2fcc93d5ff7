// Builds a folder with webpack 5 (resolve.alias as given) and prints, for every module webpack
// loaded, whether it is an async module and where each of its imports went. Input on stdin:
// {"root": dir, "entries": [absolute paths], "alias": {name: target | [target]}, "out": dir}.
// Nothing is evaluated: webpack only parses and links.
"use strict";
const path = require("path");
const webpack = require("webpack");

let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  const { root, entries, alias, out } = JSON.parse(input);
  const entry = {};
  entries.forEach((f, i) => (entry["e" + i] = f));
  const compiler = webpack({
    mode: "none",
    context: root,
    target: "node",
    entry,
    output: { path: out, module: true, chunkFormat: "module" },
    experiments: { topLevelAwait: true, outputModule: true },
    resolve: { alias, extensions: [".ts", ".js", ".json"] },
    module: { rules: [{ test: /\.[cm]?[jt]s$/, resolve: { fullySpecified: false } }] },
    optimization: { concatenateModules: false },
    infrastructureLogging: { level: "error" },
  });
  compiler.run((err, stats) => {
    if (err) {
      console.error(err.stack || String(err));
      process.exit(2);
    }
    const { compilation } = stats;
    const mg = compilation.moduleGraph;
    const modules = {};
    for (const m of compilation.modules) {
      if (!m.resource) continue;
      const imports = {};
      for (const dep of m.dependencies) {
        if (typeof dep.request !== "string") continue;
        const target = mg.getModule(dep);
        imports[dep.request] = target && target.resource ? target.resource : null;
      }
      modules[m.resource] = { async: mg.isAsync(m), imports };
    }
    const errors = stats.toJson({ all: false, errors: true }).errors.map((e) => e.message);
    process.stdout.write(JSON.stringify({ modules, errors }));
    compiler.close(() => {});
  });
});
