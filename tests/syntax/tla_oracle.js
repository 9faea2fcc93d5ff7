// Reads a JSON array of module sources on stdin; prints a JSON array with, for each,
// {tla: bool, requests: [specifier, ...]} from V8's own parser
// (vm.SourceTextModule#hasTopLevelAwait, #moduleRequests: the static imports and re-exports), or
// {error: "SyntaxError: ..."} when V8 rejects the source as a module.
// Run with: node --experimental-vm-modules tla_oracle.js  (Node >= 24)
'use strict';
const vm = require('vm');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  const out = JSON.parse(input).map((src) => {
    try {
      const m = new vm.SourceTextModule(src);
      return { tla: m.hasTopLevelAwait(), requests: m.moduleRequests.map((r) => r.specifier) };
    } catch (e) {
      return { error: String(e && e.message || e) };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
