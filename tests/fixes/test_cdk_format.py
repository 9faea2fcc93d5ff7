"""The quick fix that bundles an AWS CDK NodejsFunction as an ES module: the stack's text edited
in place (its layout kept), `OutputFormat` imported where needed; held to CDK synthesizing the
app after the edit."""
from __future__ import annotations

import pytest

from tla_lens.config import Config
from tla_lens.fixes.cdk_format import cdk_esm
from tla_lens.fixes.edits import Fix, Refusal, apply_edits
from tla_lens.project import analyse

IMPORT = 'import { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";\n'
BOTH = 'import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";\n'


@pytest.mark.parametrize("before,after", [
    # props on several lines: a member of their own, indented as the others
    (IMPORT + 'new NodejsFunction(this, "A", {\n  entry: "x.ts",\n});\n',
     BOTH + 'new NodejsFunction(this, "A", {\n  bundling: { format: OutputFormat.ESM },\n  entry: "x.ts",\n});\n'),
    # no props
    (BOTH + 'new NodejsFunction(this, "A");\n',
     BOTH + 'new NodejsFunction(this, "A", { bundling: { format: OutputFormat.ESM } });\n'),
    # a `bundling` without format; one with CommonJS's
    (IMPORT + 'new NodejsFunction(this, "A", { entry: "x", bundling: { minify: true } });\n',
     BOTH + 'new NodejsFunction(this, "A", { entry: "x", bundling: { format: OutputFormat.ESM, minify: true } });\n'),
    (BOTH + 'new NodejsFunction(this, "A", { bundling: { format: OutputFormat.CJS } });\n',
     BOTH + 'new NodejsFunction(this, "A", { bundling: { format: OutputFormat.ESM } });\n'),
    # a namespace: its OutputFormat
    ('import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";\nnew nodejs.NodejsFunction(this, "A", {});\n',
     'import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";\n'
     'new nodejs.NodejsFunction(this, "A", { bundling: { format: nodejs.OutputFormat.ESM } });\n'),
])
def test_edits(before, after):
    fix = cdk_esm(before.encode(), 2, "A")
    assert isinstance(fix, Fix) and fix.title == "Bundle `A` as an ES module (`bundling: { format: OutputFormat.ESM }`)"
    assert apply_edits(before.encode(), fix.edits).decode() == after


@pytest.mark.parametrize("text,reason", [
    (IMPORT + 'new NodejsFunction(this, "A", props);\n', "its props are not an object literal written here"),
    (IMPORT + 'new NodejsFunction(this, "A", { bundling });\n', "its `bundling` is not an object literal written here"),
    (IMPORT + 'const x = 1;\n', "no `new NodejsFunction(…)` at line 2"),
])
def test_refusals(text, reason):
    result = cdk_esm(text.encode(), 2, "A")
    assert isinstance(result, Refusal) and result.reason == reason


def test_the_fixed_stack_synthesizes(node26, engines_node_modules, tmp_path):
    """The fix applied to the stack whose CommonJS bundle refused the handler's await: CDK
    synthesizes it, and tla-lens reports no error."""
    from tests.resolve.test_cdk import _app, _synth

    root = _app(tmp_path, 'new NodejsFunction(stack, "Secret", {\n  entry: path.join(__dirname, "../lambda/secret.ts"),\n'
                          '});\n')
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.severity == "error"]
    build = project.cjs_bundled[f.path]
    stack = root / "lib/stack.ts"
    fix = cdk_esm(stack.read_bytes(), build.line, build.script)
    assert isinstance(fix, Fix)
    stack.write_bytes(apply_edits(stack.read_bytes(), fix.edits))
    proc = _synth(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not [f for f in analyse(root, Config(), cache=False).findings if f.severity == "error"]
