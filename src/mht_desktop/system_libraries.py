"""Say clearly which system library is missing before Qt aborts without a useful message.

Qt's X11 platform plugin (``xcb``) needs a handful of X libraries that a desktop Linux usually
has but a minimal install or a fresh container may not. Without them Qt prints a long
"could not load the Qt platform plugin" message and aborts the process, which a trainee who
double-clicked the app never sees. Checking first lets us print (and the launcher show) one
sentence and the command that fixes it. Standard library only: this runs before Qt loads.
"""

from __future__ import annotations

import ctypes
import os
import sys

# The libraries Qt 6.5+'s xcb plugin loads, with the Debian/Ubuntu package that provides each.
XCB_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libEGL.so.1", "libegl1"),
    ("libfontconfig.so.1", "libfontconfig1"),
)


def _loadable(name: str) -> bool:
    bundled = getattr(sys, "_MEIPASS", None)
    if bundled and os.path.exists(os.path.join(bundled, name)):
        return True
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def _uses_xcb(environ: os._Environ[str] | dict[str, str]) -> bool:
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0] == "xcb"
    # Qt picks Wayland when a Wayland session is running, X11 otherwise.
    return not environ.get("WAYLAND_DISPLAY")


def missing_qt_libraries(environ: os._Environ[str] | dict[str, str] | None = None,
                         ) -> list[tuple[str, str]]:
    """The (library, package) pairs Qt's X11 plugin needs that cannot be loaded here.

    Empty on Windows and macOS, and when Qt will not use X11 (Wayland, ``offscreen``).
    """
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or not _uses_xcb(env):
        return []
    return [(lib, pkg) for lib, pkg in XCB_LIBRARIES if not _loadable(lib)]


def missing_libraries_message(missing: list[tuple[str, str]]) -> str:
    """One paragraph for a person: what is missing and how to install it."""
    names = ", ".join(lib for lib, _ in missing)
    packages = " ".join(pkg for _, pkg in missing)
    return (f"MHT Desktop cannot open its window: this system lacks {names}, which Qt needs "
            f"to draw on an X11 desktop. On Debian or Ubuntu install them with:\n"
            f"  sudo apt-get install {packages}\n"
            f"(on Fedora: sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-image "
            f"xcb-util-keysyms xcb-util-renderutil libxkbcommon-x11). The command-line tools "
            f"(mht-desktop bank …, report …) work without them.")
