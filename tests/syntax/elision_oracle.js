// Reads JSON {ts: "<path to the typescript package>", cases: [{src, fileName, module}], mode}
// on stdin. Default mode: for each case and each verbatimModuleSyntax setting, prints the output
// of ts.transpileModule so the test can see which imports / re-exports / requires survived.
// mode "syntax": prints each case's syntax errors instead (the parser's diagnostics of
// ts.createSourceFile: what makes a file unparsable, before any type checking).
'use strict';
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  const { ts: tsPath, cases, mode } = JSON.parse(input);
  const ts = require(tsPath);
  const out = cases.map(({ src, fileName, module }) => {
    if (mode === 'syntax') {
      const sf = ts.createSourceFile(fileName || 'x.ts', src, ts.ScriptTarget.ESNext, true);
      return sf.parseDiagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    }
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
