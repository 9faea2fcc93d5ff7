// Reads JSON {ts: "<path to the typescript package>", cases: [{src, fileName, module}]} on stdin.
// For each case and each verbatimModuleSyntax setting, prints the output of
// ts.transpileModule so the test can see which imports / re-exports / requires survived.
'use strict';
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  const { ts: tsPath, cases } = JSON.parse(input);
  const ts = require(tsPath);
  const out = cases.map(({ src, fileName, module }) => {
    const r = {};
    for (const verbatim of [false, true]) {
      const res = ts.transpileModule(src, {
        compilerOptions: { module: module || 'esnext', target: 'esnext', verbatimModuleSyntax: verbatim },
        fileName: fileName || 'x.ts',
      });
      r[verbatim ? 'verbatim' : 'default'] = res.outputText;
    }
    return r;
  });
  process.stdout.write(JSON.stringify(out));
});
