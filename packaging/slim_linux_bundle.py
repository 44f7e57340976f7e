"""Make the Linux bundle smaller without taking out anything it loads.

PyInstaller copies every shared library that any collected file needs, including the needs of
files the spec then leaves out (the GTK theme plugin's GTK and Pango libraries stay behind
after the plugin is dropped), and wheels bring their own copies of libraries the bundle already
has. Two steps, both checked by following the ELF ``NEEDED`` entries (``readelf -d``):

1. **Orphans.** A shared library that no executable, Python extension module or Qt plugin of
   the bundle needs, directly or through another library, is removed. Qt plugins count as
   needed (Qt loads them by name); so does ``libpython`` (the launcher loads it by name).
2. **One OpenSSL.** psycopg's wheel carries its own ``libssl``/``libcrypto`` for libpq beside
   the ones Python's ``ssl`` module uses. libpq asks only for the ``OPENSSL_3.0.0`` symbol
   version, which every OpenSSL 3 provides, so its references are pointed at the bundle's
   other copy with ``patchelf`` and the duplicate goes. Skipped (and said) when a library asks
   for a newer symbol version or patchelf is not installed.

Usage: ``python packaging/slim_linux_bundle.py dist/mht-desktop`` (build-bundle runs it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

_NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")
_VERSION_NEED = re.compile(r"File: (\S+)\s+Cnt: \d+((?:\s+0x[0-9a-f]+:\s+Name: \S+.*)+)")


def _readelf(*args: str) -> str:
    return subprocess.run(["readelf", *args], capture_output=True, text=True,
                          check=False).stdout


def _is_elf(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(4) == b"\x7fELF"


def _libraries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()
            and ".so" in p.name and _is_elf(p)]


def _is_root(path: Path, folder: Path) -> bool:
    name = path.name
    return (".cpython-" in name or ".abi3." in name  # Python extension modules
            or "plugins" in path.relative_to(folder).parts  # Qt loads its plugins by name
            or name.startswith("libpython"))  # the launcher loads it by name


def remove_orphans(folder: Path) -> list[Path]:
    """Delete shared libraries nothing in ``folder`` needs; return what was removed."""
    files = _libraries(folder)
    by_name: dict[str, list[Path]] = {}
    for path in files:
        by_name.setdefault(path.name, []).append(path)
    for link in folder.rglob("*"):  # PyInstaller links top-level names into package folders
        if link.is_symlink() and link.resolve() in files:
            by_name.setdefault(link.name, []).append(link.resolve())
    needs = {path: _NEEDED.findall(_readelf("-d", str(path))) for path in files}
    launchers = [p for p in folder.parent.iterdir() if p.is_file() and _is_elf(p)]
    for launcher in launchers:
        needs[launcher] = _NEEDED.findall(_readelf("-d", str(launcher)))
    reached = {p for p in files if _is_root(p, folder)} | set(launchers)
    stack = list(reached)
    while stack:
        for name in needs.get(stack.pop(), []):
            for target in by_name.get(name, []):
                if target not in reached:
                    reached.add(target)
                    stack.append(target)
    orphans = [p for p in files if p not in reached]  # (launchers are not in ``files``)
    for path in orphans:
        path.unlink()
    for link in list(folder.rglob("*")):
        if link.is_symlink() and not link.exists():
            link.unlink()
    return orphans


def share_openssl(folder: Path) -> list[Path]:
    """Point psycopg's libraries at the bundle's one OpenSSL; return the removed copies."""
    patchelf = shutil.which("patchelf") or shutil.which("patchelf", path=str(
        Path(sys.executable).parent))
    libs = folder / "_internal" / "psycopg_binary.libs"
    shared = {stem: folder / "_internal" / f"{stem}.so.3" for stem in ("libssl", "libcrypto")}
    if not libs.is_dir() or not all(p.exists() for p in shared.values()):
        return []
    if patchelf is None:
        print("slim: patchelf is not installed; psycopg keeps its own OpenSSL", file=sys.stderr)
        return []
    copies = {p.name: p for p in libs.iterdir()
              if re.match(r"lib(ssl|crypto)-[0-9a-f]+\.so\.3$", p.name)}
    users = [p for p in libs.iterdir() if p.is_file() and p.name not in copies]
    plan: dict[Path, list[tuple[str, str]]] = {}
    for path in users:
        for lib, names in _VERSION_NEED.findall(_readelf("-V", str(path))):
            if lib in copies:
                wanted = set(re.findall(r"Name: (\S+)", names))
                if wanted - {"OPENSSL_3.0.0"}:
                    print(f"slim: {path.name} needs {sorted(wanted)} from {lib}; psycopg "
                          "keeps its own OpenSSL", file=sys.stderr)
                    return []
        for name in _NEEDED.findall(_readelf("-d", str(path))):
            if name in copies:
                stem = name.split("-")[0]
                plan.setdefault(path, []).append((name, shared[stem].name))
    for path, swaps in plan.items():
        for old, new in swaps:
            subprocess.run([patchelf, "--replace-needed", old, new, str(path)], check=True)
    removed = list(copies.values())
    for path in removed:
        path.unlink()
    return removed


def main(argv: list[str]) -> int:
    """Slim the bundle folder named in ``argv`` and say what went."""
    folder = Path(argv[1] if len(argv) > 1 else "dist/mht-desktop")
    if shutil.which("readelf") is None:
        print("slim: readelf (binutils) is not installed; bundle left as built", file=sys.stderr)
        return 0
    removed = share_openssl(folder) + remove_orphans(folder / "_internal")
    print(f"slim: removed {len(removed)} libraries nothing loads or that were duplicates: "
          + ", ".join(sorted(p.name for p in removed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
