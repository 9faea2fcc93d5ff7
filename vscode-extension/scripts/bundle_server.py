"""Builds a bundle: the tla-lens server and its dependencies, unpacked, for each CPython, for
one VS Code target (operating system and CPU).

    python scripts/bundle_server.py --repo .. --target linux-x64 --out bundles/linux-x64 \
        --cache .cache/wheels 3.10 3.11 3.12 3.13

1. a wheel of tla-lens itself (`pip wheel --no-deps <repo>`);
2. its runtime dependencies as the target's wheels for each CPython (`pip download
   --only-binary=:all: --platform ... --python-version ...`: manylinux for Linux, macOS 11+ for
   macOS), cached in --cache/<target> and reused;
3. each version's set installed (`pip install --target`, offline from those wheels);
4. every top-level package that is byte-identical across the versions goes to `libs/common`,
   the rest (tree-sitter's compiled core) to `libs/cp3XY`; plus launch.py and a manifest that
   names the target;
5. every compiled file of the bundle is checked to be built for the target (ELF machine, Mach-O
   CPU type): a wheel for another CPU never slips in.

Only the build needs the network (PyPI); the extension never does.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional


def _manylinux(machine: str) -> list[str]:
    tags = ["manylinux2014", "manylinux_2_17", "manylinux_2_28"]
    if machine == "x86_64":
        tags += ["manylinux1", "manylinux_2_5"]
    return [f"{t}_{machine}" for t in tags]


# VS Code's target names → pip platform tags (pip widens a macOS tag to the older macOS versions
# and universal2 wheels), the environment markers of that platform, and the binary format and
# CPU of its compiled files: (format, ELF e_machine or Mach-O cputype)
TARGETS: dict[str, dict] = {
    "linux-x64": {"platforms": _manylinux("x86_64"), "binary": ("elf", 62),
                  "markers": {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64"}},
    "linux-arm64": {"platforms": _manylinux("aarch64"), "binary": ("elf", 183),
                    "markers": {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "aarch64"}},
    "darwin-x64": {"platforms": ["macosx_11_0_x86_64"], "binary": ("macho", 0x01000007),
                   "markers": {"sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "x86_64"}},
    "darwin-arm64": {"platforms": ["macosx_11_0_arm64"], "binary": ("macho", 0x0100000C),
                     "markers": {"sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "arm64"}},
}


def pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    print("+ pip " + " ".join(args), flush=True)
    subprocess.run(cmd, check=True)


def digest(path: Path) -> str:
    h = hashlib.sha256()
    if path.is_file():
        h.update(path.read_bytes())
        return h.hexdigest()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        h.update(str(f.relative_to(path)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def platform_args(target: str, version: str) -> list[str]:
    out = ["--only-binary=:all:", "--implementation", "cp", "--python-version", version]
    for p in TARGETS[target]["platforms"]:
        out += ["--platform", p]
    return out


def binary_kind(path: Path) -> Optional[tuple[str, tuple[int, ...]]]:
    """(format, CPU codes) of a compiled file: ELF's e_machine, the cputype of a Mach-O file
    (every slice of a universal one); None when the file is neither."""
    with open(path, "rb") as f:
        head = f.read(4096)
    if head[:4] == b"\x7fELF":
        order = "little" if head[5] == 1 else "big"
        return "elf", (int.from_bytes(head[18:20], order),)
    if head[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe"):  # thin Mach-O, little-endian
        return "macho", (int.from_bytes(head[4:8], "little"),)
    if head[:4] == b"\xca\xfe\xba\xbe":  # universal: big-endian list of slices
        n = int.from_bytes(head[4:8], "big")
        return "macho", tuple(int.from_bytes(head[8 + 20 * i: 12 + 20 * i], "big") for i in range(n))
    return None


def wrong_binaries(root: Path, target: str) -> list[str]:
    """Compiled files under ``root`` that are not built for ``target`` (empty: all are)."""
    fmt, cpu = TARGETS[target]["binary"]
    bad = []
    for f in sorted(root.rglob("*")):
        if f.suffix not in (".so", ".dylib", ".pyd", ".dll") or not f.is_file():
            continue
        kind = binary_kind(f)
        if kind is None or kind[0] != fmt or cpu not in kind[1]:
            bad.append(f"{f.relative_to(root)}: {kind}")
    return bad


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--target", choices=sorted(TARGETS), default="linux-x64",
                    help="VS Code target (operating system and CPU) the bundle is for")
    ap.add_argument("versions", nargs="+")
    a = ap.parse_args()

    cache = a.cache.resolve()
    self_dir = cache / "self"
    shutil.rmtree(self_dir, ignore_errors=True)
    self_dir.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as build:
        # build in a copy so that setuptools leaves nothing behind in the repository
        src = Path(build) / "src"
        shutil.copytree(a.repo.resolve(), src, ignore=shutil.ignore_patterns(
            ".git", ".venv", ".tools", "node_modules", "vscode-extension", "tests", "bench", "build",
            "*.egg-info", "__pycache__", ".pytest_cache"))
        pip("wheel", "--quiet", "--no-deps", "-w", str(self_dir), str(src))
    wheel = next(self_dir.glob("tla_lens-*.whl"))

    staged: dict[str, Path] = {}
    tmp = Path(tempfile.mkdtemp(prefix="tla-lens-bundle-"))
    try:
        for v in a.versions:
            wheels = cache / a.target / f"py{v}"
            key = hashlib.sha256(json.dumps(sorted(_requires(wheel))).encode()).hexdigest()[:16]
            stamp = wheels / f".requires-{key}"
            if not stamp.exists():
                shutil.rmtree(wheels, ignore_errors=True)
                wheels.mkdir(parents=True)
                pip("download", "--quiet", "-d", str(wheels), *platform_args(a.target, v), *_requires(wheel))
                stamp.touch()
            target = tmp / v
            extra: list[str] = []
            while True:
                shutil.rmtree(target, ignore_errors=True)
                pip("install", "--quiet", "--no-index", "--no-compile", "--find-links", str(wheels),
                    "--target", str(target), *platform_args(a.target, v), str(wheel), *extra)
                # pip evaluates environment markers for the running Python, not --python-version:
                # add what the target version needs (e.g. exceptiongroup below 3.11) and go again
                missing = _missing(target, v, a.target)
                if not missing:
                    break
                if set(missing) <= set(extra):
                    raise SystemExit(f"cannot complete the dependencies for {v}: {missing}")
                pip("download", "--quiet", "-d", str(wheels), *platform_args(a.target, v), *missing)
                extra = sorted(set(extra) | set(missing))
            shutil.rmtree(target / "bin", ignore_errors=True)
            for p in list(target.rglob("__pycache__")):
                shutil.rmtree(p, ignore_errors=True)
            staged[v] = target

        out = a.out.resolve()
        shutil.rmtree(out, ignore_errors=True)
        (out / "libs" / "common").mkdir(parents=True)
        names = sorted(set().union(*(set(os.listdir(t)) for t in staged.values())))
        platform, arch = a.target.split("-")
        manifest: dict = {"target": a.target, "platform": platform, "arch": arch,
                          "versions": a.versions, "common": [], "versioned": {}}
        for name in names:
            digests = {v: digest(t / name) if (t / name).exists() else None for v, t in staged.items()}
            if None not in digests.values() and len(set(digests.values())) == 1:
                shutil.copytree(staged[a.versions[0]] / name, out / "libs" / "common" / name) \
                    if (staged[a.versions[0]] / name).is_dir() else \
                    shutil.copy2(staged[a.versions[0]] / name, out / "libs" / "common" / name)
                manifest["common"].append(name)
            else:
                for v, t in staged.items():
                    if (t / name).exists():
                        dest = out / "libs" / ("cp" + v.replace(".", "")) / name
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        (shutil.copytree if (t / name).is_dir() else shutil.copy2)(t / name, dest)
                manifest["versioned"][name] = [v for v, d in digests.items() if d]
        for v in a.versions:
            (out / "libs" / ("cp" + v.replace(".", ""))).mkdir(parents=True, exist_ok=True)
        bad = wrong_binaries(out, a.target)
        if bad:
            raise SystemExit(f"compiled files not built for {a.target}:\n  " + "\n  ".join(bad))
        shutil.copy2(Path(__file__).with_name("launch.py"), out / "launch.py")
        (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        print(f"bundled tla-lens for {a.target}, CPython {', '.join(a.versions)} into {out}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _missing(target: Path, version: str, vscode_target: str) -> list[str]:
    """Requirements of the installed distributions that apply to CPython ``version`` on
    ``vscode_target`` and are not installed."""
    try:
        from packaging.requirements import Requirement
        from packaging.utils import canonicalize_name
    except ImportError:  # pip vendors it
        from pip._vendor.packaging.requirements import Requirement  # type: ignore
        from pip._vendor.packaging.utils import canonicalize_name  # type: ignore
    env = {"python_version": version, "python_full_version": version + ".0", "os_name": "posix",
           "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": "",
           **TARGETS[vscode_target]["markers"]}
    installed = set()
    requires: list = []
    for meta in target.glob("*.dist-info/METADATA"):
        text = meta.read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            if line.startswith("Name:"):
                installed.add(canonicalize_name(line.split(":", 1)[1].strip()))
            elif line.startswith("Requires-Dist:"):
                requires.append(Requirement(line.split(":", 1)[1].strip()))
            elif not line.strip():
                break
    out = []
    for req in requires:
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        if canonicalize_name(req.name) not in installed:
            out.append(str(req).split(";")[0].strip())
    return sorted(set(out))


def _requires(wheel: Path) -> list[str]:
    """The runtime requirements of a wheel (its METADATA's Requires-Dist without extras)."""
    import zipfile
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        text = z.read(meta).decode()
    reqs = []
    for line in text.splitlines():
        if line.startswith("Requires-Dist:"):
            req = line.split(":", 1)[1].strip()
            if "extra ==" in req:
                continue
            reqs.append(req.split(";")[0].strip())
    return reqs


if __name__ == "__main__":
    sys.exit(main())
