// The oracle for Vue, Svelte and Astro components and MDX documents: each is compiled the way the
// bundler plugins do (Vue: @vue/compiler-sfc compileScript with the template inlined, then
// TypeScript 5.9 with verbatimModuleSyntax, as the Vue TypeScript preset sets; Svelte: svelte 5's
// compile; Astro: @astrojs/compiler-rs with Astro 7's options; MDX: @mdx-js/mdx 3's compile),
// every file becomes a V8 module (Node 26 vm.SourceTextModule), the relative imports are linked to the files they name, the
// frameworks' runtime imports to synthetic modules, and V8 says which modules have a top-level
// await and which are async. Nothing is evaluated.
//
// stdin: {"root": dir, "files": [relative paths]}; stdout: {file: {tla, async}} or {file: {error}}.
import vm from 'node:vm';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ts = require(process.env.TS5);
const vue = process.env.VUE_SFC ? require(process.env.VUE_SFC) : null;
const svelte = process.env.SVELTE ? await import(process.env.SVELTE) : null;
const astro = process.env.ASTRO ? await import(process.env.ASTRO) : null;
const mdx = process.env.MDX ? await import(process.env.MDX) : null;

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { root, files } = JSON.parse(input);

// (TS_VERBATIM=0: a project whose tsconfig does not set verbatimModuleSyntax)
const verbatim = process.env.TS_VERBATIM !== '0';

function typescript(src, fileName) {
  return ts.transpileModule(src, {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ESNext, verbatimModuleSyntax: verbatim,
      moduleDetection: ts.ModuleDetectionKind.Force,
    },
  }).outputText;
}

// the options Astro 7.4.8 gives @astrojs/compiler-rs (astro/dist/core/compile/compile.js) in a
// build without the dev toolbar; passing resolvePath is what leaves out the $$metadata namespace
// imports of older compilers
async function compileAstro(file, text) {
  const preprocessedStyles = await astro.preprocessStyles(text, (content) => ({ code: content }));
  const r = astro.transform(text, {
    compact: true, filename: file, normalizedFilename: '/' + file, sourcemap: 'both',
    internalURL: 'astro/compiler-runtime', astroGlobalArgs: JSON.stringify(undefined),
    scopedStyleStrategy: 'attribute', resultScopedSlot: true,
    transitionsAnimationURL: 'astro/components/viewtransitions.css', annotateSourceFile: false,
    preprocessedStyles, resolvePath: (specifier) => specifier,
  });
  const error = r.diagnostics.find((d) => d.severity === 'error');
  if (error) throw new Error(error.text);
  return r.code;
}

async function compile(file, text) {
  if (file.endsWith('.astro')) return compileAstro(file, text);
  if (file.endsWith('.mdx')) return String(await mdx.compile(text, { jsx: false }));  // (@mdx-js/mdx's defaults)
  if (file.endsWith('.vue')) {
    const { descriptor, errors } = vue.parse(text, { filename: file });
    if (errors.length) throw new Error(String(errors[0]));
    const script = vue.compileScript(descriptor, { id: file, inlineTemplate: true });
    const lang = script.lang || 'js';
    return lang.startsWith('ts') ? typescript(script.content, file + '.ts') : script.content;
  }
  if (file.endsWith('.svelte')) {
    return svelte.compile(text, { filename: file, generate: 'client' }).js.code;
  }
  return file.endsWith('.ts') ? typescript(text, file) : text;
}

// a runtime import ('vue', 'svelte/internal/client', …): a module with the names asked of it
function runtime(specifier, importer) {
  const names = new Set(['default']);
  const spec = specifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`import\\s*(?:[\\w$]+\\s*,\\s*)?\\{([^}]*)\\}\\s*from\\s*["']${spec}["']`, 'g');
  for (const m of importer.matchAll(re)) {
    for (const part of m[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/)[0].trim();
      if (name) names.add(name);
    }
  }
  return new vm.SyntheticModule([...names], function () {
    for (const n of names) this.setExport(n, undefined);
  }, { identifier: specifier });
}

const out = {};
const mods = new Map();
const code = new Map();
for (const file of files) {
  try {
    const js = await compile(file, fs.readFileSync(path.join(root, file), 'utf8'));
    code.set(file, js);
    mods.set(file, new vm.SourceTextModule(js, { identifier: file }));
  } catch (e) {
    out[file] = { error: String(e && e.message || e) };
  }
}
for (const [file, mod] of mods) {
  if (mod.status !== 'unlinked') continue; // (linked as another module's dependency)
  try {
    await mod.link((specifier, referencing) => {
      if (specifier.startsWith('.')) {
        const target = path.normalize(path.join(path.dirname(referencing.identifier), specifier));
        const m = mods.get(target);
        if (!m) throw new Error(`${file}: no module ${target}`);
        return m;
      }
      return runtime(specifier, code.get(referencing.identifier));
    });
  } catch (e) {
    out[file] = { error: String(e && e.message || e) };
  }
}
for (const [file, mod] of mods) {
  if (out[file]) continue;
  out[file] = { tla: mod.hasTopLevelAwait(), async: mod.hasAsyncGraph() };
}
process.stdout.write(JSON.stringify(out));
