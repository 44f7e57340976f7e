"""The bundle's contents are one list for every platform, and the one version number agrees
everywhere a person sees it (``--version``, About, AppStream, CHANGELOG, the bundle's name)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

import mht_desktop
from mht_desktop.launcher import main

REPO = Path(__file__).resolve().parents[2]
PLATFORMS = ("linux", "win32", "darwin")


def _manifest() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bundle_manifest",
                                                  REPO / "packaging" / "bundle_manifest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bundle_manifest"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_every_platform_gets_the_same_data_files_and_hidden_imports() -> None:
    manifest = _manifest()
    lists = {platform: manifest.data_files(platform) for platform in PLATFORMS}
    assert lists["linux"] == lists["win32"] == lists["darwin"]
    sources = {Path(src).relative_to(REPO).as_posix() for src, _ in lists["linux"]}
    for needed in ("resources", "question_banks", "src/mht_desktop/storage/migrations",
                   "src/mht_desktop/ui/icons", "docs/user-guide.md", "docs/instructor-guide.md"):
        assert needed in sources
        assert (REPO / needed).exists(), needed
    # The spec takes hidden imports and excludes from the module, never per platform.
    spec = (REPO / "packaging" / "mht-desktop.spec").read_text(encoding="utf-8")
    assert "manifest.HIDDEN_IMPORT_PACKAGES" in spec and "manifest.EXCLUDES" in spec
    assert "sys.platform" not in spec.replace("platform_options(sys.platform",
                                              "").replace("data_files(sys.platform)", "")
    assert "mht_desktop" in manifest.HIDDEN_IMPORT_PACKAGES
    for unused in ("PySide6.QtWebEngineCore", "PySide6.Qt3DCore", "PySide6.QtMultimedia"):
        assert unused in manifest.EXCLUDES


def test_platform_wrapping_differs_only_where_the_platform_needs_it() -> None:
    manifest = _manifest()
    version = mht_desktop.__version__
    windows = manifest.platform_options("win32", version)
    mac = manifest.platform_options("darwin", version)
    linux = manifest.platform_options("linux", version)
    assert windows.icon.endswith(".ico") and windows.gui_launcher and not windows.app_bundle
    assert mac.icon.endswith(".icns") and mac.app_bundle
    assert mac.info_plist["CFBundleShortVersionString"] == version
    assert mac.info_plist["CFBundleIdentifier"] == manifest.BUNDLE_ID
    assert linux.icon is None and not linux.gui_launcher and not linux.app_bundle


def test_the_version_is_one_number_shown_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    version = _manifest().project_version()
    assert version == mht_desktop.__version__
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"mht-desktop {version}"
    metainfo = ET.parse(REPO / "packaging" / "io.github.mht_desktop.MHTDesktop.metainfo.xml")
    newest = metainfo.getroot().find("releases/release")
    assert newest is not None and newest.get("version") == version
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", changelog, re.M)
    assert released and released[0] == (version, newest.get("date"))
    assert "## [Unreleased]" in changelog  # Keep a Changelog: a place for what comes next
    build = (REPO / "packaging" / "build-bundle").read_text(encoding="utf-8")
    assert "mht-desktop-$version-linux-$arch.tar.gz" in build


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-utils is not installed (.ci/run installs it)")
def test_desktop_entry_is_valid() -> None:
    entry = REPO / "packaging" / "mht-desktop.desktop"
    result = subprocess.run(["desktop-file-validate", str(entry)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "error" not in result.stdout, result.stdout


@pytest.mark.skipif(shutil.which("appstreamcli") is None,
                    reason="appstream is not installed (.ci/run installs it)")
def test_appstream_metadata_is_valid() -> None:
    path = REPO / "packaging" / "io.github.mht_desktop.MHTDesktop.metainfo.xml"
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_icons_render_for_every_platform(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "packaging" / "make_icons.py"),
                             str(tmp_path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    ico = (tmp_path / "mht-desktop.ico").read_bytes()
    icns = (tmp_path / "mht-desktop.icns").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00"   # ICO header: reserved 0, type 1 (icon)
    assert icns[:4] == b"icns"
    assert (tmp_path / "mht-desktop-256.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
