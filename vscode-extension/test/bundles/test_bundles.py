"""The server bundles of every VS Code target, and the packages made from them.

    TLA_LENS_BUNDLES=vscode-extension/bundles TLA_LENS_VSIX_DIR=vscode-extension \
        .venv/bin/python -m pytest vscode-extension/test/bundles

(`make extension-test` runs it after building them.) Whether a compiled file is built for the
right operating system and CPU is asked of `file(1)`, not of the bundler's own header check; the
linux-arm64 bundle is also run under qemu-user by test/smoke/bundle.mjs, the linux-x64 one under
every CPython found here. The macOS bundles cannot be run here: these checks are what holds them.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

BUNDLES = Path(os.environ.get("TLA_LENS_BUNDLES", "vscode-extension/bundles")).resolve()
VSIX_DIR = Path(os.environ.get("TLA_LENS_VSIX_DIR", "vscode-extension")).resolve()
TARGETS = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"]
VERSIONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]
# what file(1) says of a compiled file built for each target
FILE_SAYS = {
    "linux-x64": re.compile(r"^ELF 64-bit LSB shared object, x86-64\b"),
    "linux-arm64": re.compile(r"^ELF 64-bit LSB shared object, ARM aarch64\b"),
    "darwin-x64": re.compile(r"^Mach-O 64-bit (x86_64 )?(bundle|dynamically linked shared library) x86_64\b|^Mach-O 64-bit x86_64 bundle"),
    "darwin-arm64": re.compile(r"^Mach-O 64-bit (arm64 )?(bundle|dynamically linked shared library) arm64\b|^Mach-O 64-bit arm64 bundle"),
}
# the suffix CPython looks for when it imports an extension module on each target
ABI_SUFFIX = {
    "linux-x64": "cpython-{v}-x86_64-linux-gnu.so",
    "linux-arm64": "cpython-{v}-aarch64-linux-gnu.so",
    "darwin-x64": "cpython-{v}-darwin.so",
    "darwin-arm64": "cpython-{v}-darwin.so",
}


def _bundle(target: str) -> Path:
    path = BUNDLES / target
    if not (path / "manifest.json").is_file():
        pytest.fail(f"no bundle for {target} in {BUNDLES} (make extension-test builds them)")
    return path


def _compiled(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".so", ".dylib"))


def _tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize("target", TARGETS)
def test_manifest_names_the_target_and_every_python(target: str) -> None:
    m = json.loads((_bundle(target) / "manifest.json").read_text())
    assert m["target"] == target
    assert f"{m['platform']}-{m['arch']}" == target
    assert m["versions"] == VERSIONS
    assert "tla_lens" in m["common"]
    for v in VERSIONS:
        assert (_bundle(target) / "libs" / f"cp{v.replace('.', '')}").is_dir()


@pytest.mark.parametrize("target", TARGETS)
def test_every_compiled_file_is_built_for_the_target(target: str) -> None:
    files = _compiled(_bundle(target))
    # tree-sitter's core for each CPython, and the two grammars (abi3: one for all)
    assert len(files) >= len(VERSIONS) + 2, files
    out = subprocess.run(["file", "-b", *map(str, files)], capture_output=True, text=True, check=True).stdout
    says = out.splitlines()
    assert len(says) == len(files)
    wrong = [f"{f.relative_to(BUNDLES)}: {s}" for f, s in zip(files, says) if not FILE_SAYS[target].search(s)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("target", TARGETS)
def test_each_python_gets_tree_sitter_built_for_its_abi(target: str) -> None:
    libs = _bundle(target) / "libs"
    for v in VERSIONS:
        tag = v.replace(".", "")
        bindings = sorted((libs / f"cp{tag}" / "tree_sitter").glob("_binding*"))
        assert [b.name for b in bindings] == ["_binding." + ABI_SUFFIX[target].format(v=tag)], (v, bindings)
    for grammar in ("tree_sitter_typescript", "tree_sitter_javascript"):
        assert any(p.name.endswith(".abi3.so") for p in (libs / "common" / grammar).iterdir()), grammar


def test_the_server_is_the_same_in_every_bundle() -> None:
    digests = {t: _tree_digest(_bundle(t) / "libs" / "common" / "tla_lens") for t in TARGETS}
    assert len(set(digests.values())) == 1, digests
    launchers = {(_bundle(t) / "launch.py").read_bytes() for t in TARGETS}
    assert len(launchers) == 1


def test_the_bundler_refuses_files_built_for_another_cpu() -> None:
    path = Path(__file__).resolve().parents[2] / "scripts" / "bundle_server.py"
    spec = importlib.util.spec_from_file_location("bundle_server", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.wrong_binaries(_bundle("linux-arm64"), "linux-arm64") == []
    assert mod.wrong_binaries(_bundle("darwin-arm64"), "darwin-arm64") == []
    for built, claimed in [("linux-arm64", "linux-x64"), ("darwin-x64", "darwin-arm64"), ("linux-x64", "darwin-x64")]:
        wrong = mod.wrong_binaries(_bundle(built), claimed)
        assert len(wrong) == len(_compiled(_bundle(built))), (built, claimed, wrong)


@pytest.mark.parametrize("target", TARGETS)
def test_the_package_carries_its_targets_bundle(target: str) -> None:
    vsix = VSIX_DIR / f"tla-lens-{target}.vsix"
    if not vsix.is_file():
        pytest.fail(f"{vsix} was not built (make vsix-all)")
    with zipfile.ZipFile(vsix) as z:
        names = set(z.namelist())
        manifest = z.read("extension.vsixmanifest").decode()
        bundled = json.loads(z.read("extension/bundled/manifest.json"))
        launcher = z.read("extension/bundled/launch.py")
        package = json.loads(z.read("extension/package.json"))
    assert f'TargetPlatform="{target}"' in manifest
    assert bundled["target"] == target
    assert launcher == (_bundle(target) / "launch.py").read_bytes()
    assert "extension/dist/extension.js" in names
    # the compiled files of this target, and only they
    expected = {f"extension/bundled/{p.relative_to(_bundle(target)).as_posix()}" for p in _compiled(_bundle(target))}
    packed = {n for n in names if n.startswith("extension/bundled/") and n.endswith((".so", ".dylib"))}
    assert packed == expected
    assert not any("__pycache__" in n for n in names)
    assert package["name"] == "tla-lens"
