"""Builds that refuse a top-level await, in the editor: Angular's with Zone.js (held to `ng build`
in tests/resolve/test_angular.py), tsup's for the tsconfig's target (held to tsup and esbuild in
tests/resolve/test_build_targets.py) and Vite 6's for its default target; the file that decides
edited on disk, the finding follows."""
from __future__ import annotations

import asyncio

import json

from .conftest import wait_for
from .test_actions import _actions, _by_title
from .test_allow_async import _apply_to_disk

ANGULAR = {"version": 1, "projects": {"web": {"projectType": "application", "root": "", "sourceRoot": "src",
                                              "architect": {"build": {"builder": "@angular/build:application",
                                                                      "options": {"browser": "src/main.ts",
                                                                                  "polyfills": ["zone.js"]}}}}}}
FILES = {
    "package.json": '{"name": "web", "private": true, "scripts": {"build": "ng build"}}',
    "angular.json": json.dumps(ANGULAR, indent=2),
    "src/main.ts": 'import { settings } from "./settings";\nconsole.log(settings);\n',
    "src/settings.ts": "export const settings = await Promise.resolve({ name: 'hi' });\n",
}


async def test_angular_json_edited(lsp):
    s = await lsp(FILES)
    s.open("src/settings.ts")
    s.open("src/main.ts")
    assert await wait_for(lambda: s.diagnostics("src/main.ts", "async-entry"))
    (d,) = s.diagnostics("src/settings.ts", "top-level-await")
    assert "Angular's build (target `build` of project `web` in angular.json) bundles this module, and with " \
           "Zone.js among its polyfills" in d.message, d.message
    (e,) = s.diagnostics("src/main.ts", "async-entry")
    assert e.message.endswith("`ng build` fails, and so does `ng serve`"), e.message
    # zoneless: the build takes the await; the entry still waits for it
    zoneless = json.loads(FILES["angular.json"])
    zoneless["projects"]["web"]["architect"]["build"]["options"]["polyfills"] = []
    s.disk({"angular.json": json.dumps(zoneless)})
    assert await wait_for(lambda: [d for d in s.diagnostics("src/settings.ts", "top-level-await")
                                   if "Angular" not in d.message])
    (e,) = s.diagnostics("src/main.ts", "async-entry")
    assert "everything that starts from it waits for that await" in e.message, e.message


TSUP = {
    "package.json": '{"name": "lib", "type": "module", "scripts": {"build": "tsup src/index.ts --format esm"}}',
    "tsconfig.json": '{"compilerOptions": {"target": "ES2020", "strict": true}}',
    "src/index.ts": 'import { config } from "./config.js";\nexport const port = config.port;\n',
    "src/config.ts": "export const config = await Promise.resolve({ port: 1 });\n",
}


async def test_tsconfig_target_edited(lsp):
    s = await lsp(TSUP)
    s.open("src/config.ts")
    assert await wait_for(lambda: [d for d in s.diagnostics("src/config.ts", "top-level-await")
                                   if "that build fails" in d.message])
    (d,) = s.diagnostics("src/config.ts", "top-level-await")
    assert "tsup's build (script `build` of package.json) bundles this module, and esbuild refuses a top-level " \
           "await for its target (`\"target\": \"ES2020\"` of tsconfig.json" in d.message, d.message
    s.disk({"tsconfig.json": '{"compilerOptions": {"target": "ES2022", "strict": true}}'})
    assert await wait_for(lambda: [d for d in s.diagnostics("src/config.ts", "top-level-await")
                                   if "that build fails" not in d.message])


VITE6 = {
    "package.json": '{"name": "app", "private": true, "type": "module", "scripts": {"build": "vite build"}}',
    "node_modules/vite/package.json": '{"name": "vite", "version": "6.4.6"}',
    "index.html": '<!doctype html>\n<script type="module" src="/src/main.js"></script>\n',
    "src/main.js": 'import { x } from "./a.js";\nconsole.log(x);\n',
    "src/a.js": "export const x = await Promise.resolve(1);\n",
}


async def test_vite_config_target_edited(lsp):
    """Vite 6's default target refuses the await (held to Vite 6 in
    tests/resolve/test_vite_target.py); a vite.config.js written with `build.target: "es2022"`
    takes it."""
    s = await lsp(VITE6)
    s.open("src/a.js")
    assert await wait_for(lambda: [d for d in s.diagnostics("src/a.js", "top-level-await")
                                   if "that build fails" in d.message])
    (d,) = s.diagnostics("src/a.js", "top-level-await")
    assert "(Vite 6's default `build.target` (\"modules\"))" in d.message, d.message
    s.disk({"vite.config.js": 'export default { build: { target: "es2022" } };\n'})
    assert await wait_for(lambda: [d for d in s.diagnostics("src/a.js", "top-level-await")
                                   if "that build fails" not in d.message])


async def test_tsconfig_target_quick_fix(lsp):
    """The quick fix on the await sets the tsconfig's target to ES2022 (a member added where it
    was not written, as here), and once saved the build takes the await (held to tsup in
    tests/resolve/test_build_targets.py)."""
    files = dict(TSUP, **{"tsconfig.json": '{\n  // the library\n  "compilerOptions": {\n    "strict": true\n  }\n}\n',
                          "base.json": '{"compilerOptions": {"target": "ES2020"}}'})
    files["tsconfig.json"] = files["tsconfig.json"].replace("{\n  // the", '{\n  "extends": "./base.json",\n  // the')
    s = await lsp(files)
    s.open("src/config.ts")
    assert await wait_for(lambda: [d for d in s.diagnostics("src/config.ts", "top-level-await")
                                   if "that build fails" in d.message])
    (d,) = s.diagnostics("src/config.ts", "top-level-await")
    action = _by_title(await _actions(s, "src/config.ts", d.range, [d]), "Set `\"target\": \"ES2022\"` in tsconfig.json")
    written = _apply_to_disk(s, action.edit)
    assert written["tsconfig.json"] == ('{\n  "extends": "./base.json",\n  // the library\n  "compilerOptions": {\n'
                                        '    "target": "ES2022",\n    "strict": true\n  }\n}\n')
    assert await wait_for(lambda: [d for d in s.diagnostics("src/config.ts", "top-level-await")
                                   if "that build fails" not in d.message])
    assert not [a for a in await _actions(s, "src/config.ts", d.range) if a.title.startswith("Set `")]


SWC = {
    "package.json": '{"name": "lib", "scripts": {"build": "swc src -d dist"}, "dependencies": {"slow-dep": "1"}}',
    ".swcrc": '{"module": {"type": "commonjs"}}',
    "src/index.ts": 'import { x } from "slow-dep";\nexport const y = x;\n',
    "node_modules/slow-dep/package.json": '{"name": "slow-dep", "type": "module", "exports": "./i.js"}',
    "node_modules/slow-dep/i.js": "export const x = await Promise.resolve(1);\n",
}


async def test_swcrc_edited(lsp):
    """swc compiles into CommonJS by the .swcrc (held to swc in tests/resolve/test_swc_cli.py): the
    import is a require() that throws; the .swcrc edited on disk to keep ES modules, an async
    import instead."""
    s = await lsp(SWC)
    s.open("src/index.ts")
    assert await wait_for(lambda: s.diagnostics("src/index.ts", "require-async"))
    (d,) = s.diagnostics("src/index.ts", "require-async")
    assert d.message.startswith("swc compiles this import to `require(\"slow-dep\")`"), d.message
    s.disk({".swcrc": '{"jsc": {"target": "es2022"}}'})
    assert await wait_for(lambda: s.diagnostics("src/index.ts", "async-import"))
    assert not s.diagnostics("src/index.ts", "require-async")


CDK_STACK = ('import * as path from "node:path";\nimport { App, Stack } from "aws-cdk-lib";\n'
             'import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";\n\n'
             'const app = new App();\nconst stack = new Stack(app, "Api");\n'
             'new NodejsFunction(stack, "Secret", {\n  entry: path.join(__dirname, "../lambda/secret.ts"),%s\n});\n')
CDK = {
    "package.json": '{"name": "infra", "dependencies": {"aws-cdk-lib": "2.276.0"}}',
    "cdk.json": '{"app": "npx tsx lib/stack.ts"}',
    "lib/stack.ts": CDK_STACK % "",
    "lambda/secret.ts": 'const secret = await Promise.resolve("s");\nexport const handler = async () => secret;\n',
}


async def test_cdk_stack_edited(lsp):
    """A NodejsFunction bundles its handler into CommonJS (held to CDK synth in
    tests/resolve/test_cdk.py): its top-level await is an error; the quick fix edits the stack
    to bundle an ES module (held to CDK in tests/fixes/test_cdk_format.py), and the error goes."""
    s = await lsp(CDK)
    s.open("lambda/secret.ts")
    assert await wait_for(lambda: [d for d in s.diagnostics("lambda/secret.ts", "top-level-await") if d.severity == 1])
    (d,) = s.diagnostics("lambda/secret.ts", "top-level-await")
    assert "NodejsFunction's CommonJS build (`Secret` in lib/stack.ts, line 7) bundles this module" in d.message
    # the quick fix: the stack edited (its NodejsFunction bundles an ES module)
    fix = _by_title(await _actions(s, "lambda/secret.ts", d.range, [d]),
                    "Bundle `Secret` as an ES module (`bundling: { format: OutputFormat.ESM }`)")
    assert fix.is_preferred
    written = _apply_to_disk(s, fix.edit)
    assert 'new NodejsFunction(stack, "Secret", {\n  bundling: { format: OutputFormat.ESM },\n  entry: ' in \
        written["lib/stack.ts"], written["lib/stack.ts"]
    assert await wait_for(lambda: [d for d in s.diagnostics("lambda/secret.ts", "top-level-await") if d.severity != 1])


ESBUILD = {
    "package.json": json.dumps({"name": "svc", "scripts": {
        "build": "esbuild src/index.ts --bundle --platform=node --outdir=dist"}}),
    "src/index.ts": 'import { config } from "./config";\nconsole.log(config);\n',
    "src/config.ts": "export const config = await Promise.resolve({ port: 1 });\n",
}


async def test_build_script_edited_to_es_modules(lsp):
    """esbuild's CommonJS bundle (`--platform=node`) refuses the await: the quick fix edits the
    script (held to esbuild and Node in tests/fixes/test_script_format.py), and the error goes."""
    s = await lsp(ESBUILD)
    s.open("src/config.ts")
    assert await wait_for(lambda: [d for d in s.diagnostics("src/config.ts", "top-level-await") if d.severity == 1])
    (d,) = s.diagnostics("src/config.ts", "top-level-await")
    fix = _by_title(await _actions(s, "src/config.ts", d.range, [d]),
                    "Build ES modules only: `--format=esm` in script `build` of package.json")
    written = _apply_to_disk(s, fix.edit)
    assert json.loads(written["package.json"])["scripts"]["build"] == \
        "esbuild --format=esm src/index.ts --bundle --platform=node --outdir=dist"
    assert await wait_for(lambda: [d for d in s.diagnostics("src/config.ts", "top-level-await") if d.severity != 1])


SAM_TEMPLATE = ("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n"
                "  HelloFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: hello/\n"
                "      Handler: app.handler\n      Runtime: nodejs22.x\n    Metadata:\n      BuildMethod: esbuild\n"
                "      BuildProperties:\n        EntryPoints:\n          - app.ts\n%s")
SAM = {
    "template.yaml": SAM_TEMPLATE % "",
    "hello/package.json": '{"name": "hello"}',
    "hello/app.ts": 'const secret = await Promise.resolve("s");\nexport const handler = async () => secret;\n',
}


TSUP_CONFIG = {
    "package.json": json.dumps({"name": "svc", "type": "module", "scripts": {"build": "tsup"}}),
    "tsup.config.ts": "import { defineConfig } from 'tsup';\n\nexport default defineConfig({\n"
                      "  entry: ['src/index.ts'],\n  format: ['cjs', 'esm'],\n});\n",
    "src/index.ts": 'import { config } from "./config.js";\nconsole.log(config);\n',
    "src/config.ts": "export const config = await Promise.resolve({ port: 1 });\n",
}


async def test_tsup_configuration_edited_to_es_modules(lsp):
    """tsup's CommonJS build, its formats set in tsup.config.ts, refuses the await: the quick fix
    edits the configuration (held to tsup and Node in tests/fixes/test_config_format.py), and the
    error goes."""
    s = await lsp(TSUP_CONFIG)
    s.open("src/config.ts")
    assert await wait_for(lambda: [d for d in s.diagnostics("src/config.ts", "top-level-await") if d.severity == 1])
    (d,) = s.diagnostics("src/config.ts", "top-level-await")
    fix = _by_title(await _actions(s, "src/config.ts", d.range, [d]),
                    'Build ES modules only: `format: "esm"` in tsup.config.ts')
    assert fix.is_preferred
    written = _apply_to_disk(s, fix.edit)
    assert "  format: ['esm'],\n" in written["tsup.config.ts"], written["tsup.config.ts"]
    assert await wait_for(lambda: [d for d in s.diagnostics("src/config.ts", "top-level-await") if d.severity != 1])


async def test_sam_template_edited(lsp):
    """SAM's defaults (es2020, CommonJS) refuse the handler's await (held to `sam build` in
    tests/resolve/test_sam.py); the template edited to `Target: es2022` and `Format: esm`, the
    error goes."""
    s = await lsp(SAM)
    s.open("hello/app.ts")
    assert await wait_for(lambda: [d for d in s.diagnostics("hello/app.ts", "top-level-await") if d.severity == 1])
    (d,) = s.diagnostics("hello/app.ts", "top-level-await")
    assert "SAM's build (function `HelloFunction` of template.yaml) bundles this module" in d.message, d.message
    s.disk({"template.yaml": SAM_TEMPLATE % "        Target: es2022\n        Format: esm\n"})
    assert await wait_for(lambda: [d for d in s.diagnostics("hello/app.ts", "top-level-await") if d.severity != 1])


async def test_sam_function_built_as_es_module_by_the_quick_fix(lsp):
    """The quick fix edits the template (held to `sam build` in tests/fixes/test_sam_format.py):
    `Target`, `Format` and `OutExtension` set in the function's BuildProperties; the error goes."""
    s = await lsp(SAM)
    s.open("hello/app.ts")
    assert await wait_for(lambda: [d for d in s.diagnostics("hello/app.ts", "top-level-await") if d.severity == 1])
    (d,) = s.diagnostics("hello/app.ts", "top-level-await")
    fix = _by_title(await _actions(s, "hello/app.ts", d.range, [d]),
                    "Build `HelloFunction` as an ES module (`Target: es2022`, `Format: esm` in its "
                    "`Metadata.BuildProperties`)")
    assert fix.is_preferred
    written = _apply_to_disk(s, fix.edit)
    assert "      BuildProperties:\n        Target: es2022\n        Format: esm\n        OutExtension:\n" \
           "          - .js=.mjs\n        EntryPoints:\n" in written["template.yaml"], written["template.yaml"]
    assert await wait_for(lambda: [d for d in s.diagnostics("hello/app.ts", "top-level-await") if d.severity != 1])


async def test_sam_template_named_by_samconfig(lsp):
    """A template samconfig.toml names (infra/app.yaml, a plain `AWS::Lambda::Function` whose
    `Code` is relative to it; held to `sam build` in tests/resolve/test_sam.py): its function's
    await is an error; the template edited (a name no static watch covers), the error goes;
    samconfig.toml pointing elsewhere, it does not come back."""
    template = ("Resources:\n  PlainFunction:\n    Type: AWS::Lambda::Function\n    Properties:\n"
                "      Code: ../hello/\n      Handler: app.handler\n    Metadata:\n      BuildMethod: esbuild\n"
                "      BuildProperties:\n        EntryPoints:\n          - app.ts\n%s")
    s = await lsp({**{k: v for k, v in SAM.items() if k != "template.yaml"}, "infra/app.yaml": template % "",
                   "samconfig.toml": 'version = 0.1\n[default.build.parameters]\ntemplate_file = "infra/app.yaml"\n'})
    s.open("hello/app.ts")
    assert await wait_for(lambda: [d for d in s.diagnostics("hello/app.ts", "top-level-await") if d.severity == 1])
    (d,) = s.diagnostics("hello/app.ts", "top-level-await")
    assert "SAM's build (function `PlainFunction` of infra/app.yaml) bundles this module" in d.message, d.message
    from .test_files import _watched

    assert await wait_for(lambda: _watched(s, "infra/app.yaml")) and _watched(s, "samconfig.toml")
    s.disk({"infra/app.yaml": template % "        Target: es2022\n        Format: esm\n"})
    assert await wait_for(lambda: [d for d in s.diagnostics("hello/app.ts", "top-level-await") if d.severity != 1])
    s.disk({"infra/app.yaml": template % "", "samconfig.toml": "version = 0.1\n"})
    await s.sync()
    await asyncio.sleep(1)
    assert [d for d in s.diagnostics("hello/app.ts", "top-level-await") if d.severity != 1]


SERVERLESS = ("service: svc\nprovider:\n  name: aws\n  runtime: nodejs20.x\nplugins:\n  - serverless-esbuild\n"
              "functions:\n  hello:\n    handler: src/app.handler\n%s")


async def test_serverless_service_edited(lsp):
    """serverless-esbuild's CommonJS bundle refuses the handler's await (held to `serverless
    package` in tests/resolve/test_serverless.py); the quick fix edits serverless.yml to `format:
    esm`, and the error goes."""
    s = await lsp({"serverless.yml": SERVERLESS % "", "package.json": '{"name": "svc"}',
                   "src/app.ts": 'const secret = await Promise.resolve("s");\nexport const handler = async () => secret;\n'})
    s.open("src/app.ts")
    assert await wait_for(lambda: [d for d in s.diagnostics("src/app.ts", "top-level-await") if d.severity == 1])
    (d,) = s.diagnostics("src/app.ts", "top-level-await")
    assert "serverless-esbuild's CommonJS build (function `hello` of serverless.yml) bundles this module" in d.message
    # the quick fix (held to `serverless package` in tests/fixes/test_serverless_format.py)
    fix = _by_title(await _actions(s, "src/app.ts", d.range, [d]),
                    "Bundle the service's functions as ES modules (`format: esm`, `outputFileExtension: .mjs` in "
                    "`custom.esbuild`)")
    assert fix.is_preferred
    written = _apply_to_disk(s, fix.edit)
    assert written["serverless.yml"] == SERVERLESS % "custom:\n  esbuild:\n    format: esm\n    outputFileExtension: .mjs\n"
    assert await wait_for(lambda: [d for d in s.diagnostics("src/app.ts", "top-level-await") if d.severity != 1])


VITE_LIB = {
    "package.json": json.dumps({"name": "svc", "type": "module", "scripts": {"build": "vite build"}}),
    "vite.config.js": 'export default {\n  build: {\n    lib: { entry: "src/index.ts", name: "Svc" },\n  },\n};\n',
    "src/index.ts": 'import { config } from "./config";\nconsole.log(config);\n',
    "src/config.ts": "export const config = await Promise.resolve({ port: 1 });\n",
}


async def test_vite_library_edited_to_es_modules(lsp):
    """A Vite library's UMD output (its default beside ES modules) refuses the await: the quick
    fix sets `build.lib.formats` (held to Vite and Node in tests/fixes/test_config_format.py),
    and the error goes."""
    s = await lsp(VITE_LIB)
    s.open("src/config.ts")
    assert await wait_for(lambda: [d for d in s.diagnostics("src/config.ts", "top-level-await") if d.severity == 1])
    (d,) = s.diagnostics("src/config.ts", "top-level-await")
    fix = _by_title(await _actions(s, "src/config.ts", d.range, [d]),
                    'Build ES modules only: `build.lib.formats: ["es"]` in vite.config.js')
    written = _apply_to_disk(s, fix.edit)
    assert 'lib: { formats: ["es"], entry: "src/index.ts", name: "Svc" },' in written["vite.config.js"]
    assert await wait_for(lambda: [d for d in s.diagnostics("src/config.ts", "top-level-await") if d.severity != 1])
