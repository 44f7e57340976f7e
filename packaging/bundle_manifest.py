"""What goes into the self-contained bundle, in one place for every platform.

The PyInstaller spec (``packaging/mht-desktop.spec``) reads these lists; so does
``tests/packaging/test_bundle_manifest.py``, which checks that Windows, macOS and Linux get the
same data files and hidden imports. Only how the program is wrapped differs by platform (icon
format, console or windowed launcher, the macOS ``.app``), and that lives in
:func:`platform_options`.

Standard library only: PyInstaller imports this before anything of ours is installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

APP_NAME = "mht-desktop"
BUNDLE_ID = "io.github.mht_desktop.MHTDesktop"

# (source folder relative to the repository, destination inside the bundle). The app finds
# them beside its code through ``mht_desktop.services.resources`` (``sys._MEIPASS``).
DATA_DIRS: tuple[tuple[str, str], ...] = (
    ("resources", "resources"),
    ("question_banks", "question_banks"),
    # Alembic reads migration scripts as files, so they ship as source, not only bytecode.
    ("src/mht_desktop/storage/migrations", "mht_desktop/storage/migrations"),
    ("src/mht_desktop/ui/icons", "mht_desktop/ui/icons"),
)

# The two guides for people are the app's Help (Help › User guide opens them).
HELP_FILES: tuple[tuple[str, str], ...] = (
    ("docs/user-guide.md", "help"),
    ("docs/instructor-guide.md", "help"),
    ("docs/screenshots", "help/screenshots"),
)

# Imported by name at run time (lazy section views, SQLAlchemy dialects, Alembic's DDL
# implementations, keyring back ends), so PyInstaller's static analysis cannot see them.
HIDDEN_IMPORT_PACKAGES: tuple[str, ...] = (
    "mht_desktop",
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.postgresql",
    "alembic.ddl",
    "logging.handlers",
)

# Distributions whose metadata the app reads at run time (``importlib.metadata``).
METADATA: tuple[str, ...] = ("mht-desktop",)

# What we never use. Keeping these out is most of the difference between ~120 MB and ~600 MB.
EXCLUDES: tuple[str, ...] = (
    "tkinter", "unittest", "pydoc_data", "test",
    "pytest", "_pytest", "hypothesis", "mypy", "ruff", "importlinter", "pypdf", "jsonschema",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel", "PySide6.QtWebSockets", "PySide6.QtWebView",
    "PySide6.Qt3DCore", "PySide6.Qt3DRender", "PySide6.Qt3DInput", "PySide6.Qt3DLogic",
    "PySide6.Qt3DAnimation", "PySide6.Qt3DExtras",
    "PySide6.QtMultimedia", "PySide6.QtMultimediaWidgets", "PySide6.QtSpatialAudio",
    "PySide6.QtQuick", "PySide6.QtQuick3D", "PySide6.QtQuickWidgets", "PySide6.QtQml",
    "PySide6.QtDataVisualization", "PySide6.QtGraphs", "PySide6.QtLocation",
    "PySide6.QtPositioning", "PySide6.QtBluetooth", "PySide6.QtNfc", "PySide6.QtSensors",
    "PySide6.QtSerialPort", "PySide6.QtTextToSpeech", "PySide6.QtDesigner",
    "PySide6.QtUiTools", "PySide6.QtHelp", "PySide6.QtSql", "PySide6.QtTest",
    "PySide6.QtRemoteObjects", "PySide6.QtScxml", "PySide6.QtHttpServer",
    # Python bindings that PySide6's hooks add but no module of ours imports (the Qt
    # libraries under them stay when a plugin needs them).
    "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtNetwork", "PySide6.QtDBus",
    # keyring's Secret Service back end needs `cryptography` (12 MB, most of what kept the
    # Linux bundle over 150 MB); without it keyring finds no keychain there and the app asks
    # for the program server's password at each start instead (a pip install keeps it).
    "secretstorage", "jeepney", "cryptography",
    # Optional imports of libraries we use, never reached by our code: syntax highlighting
    # (Mako, markdown-it), SQLAlchemy's other databases and test suite, lxml's other APIs (we
    # use lxml.etree only), the interactive interpreter's line editing.
    "pygments", "sqlalchemy.testing", "sqlalchemy.dialects.mssql", "sqlalchemy.dialects.mysql",
    "sqlalchemy.dialects.oracle", "lxml.objectify", "lxml.html", "lxml.isoschematron",
    "lxml.sax", "lxml.builder", "lxml.cssselect", "lxml.doctestcompare", "lxml.usedoctest",
    "readline", "pdb", "pydoc",
)

# Shared Qt libraries that come in with PySide6's hooks although nothing of ours loads them.
EXCLUDED_BINARY_PREFIXES: tuple[str, ...] = (
    "libQt6WebEngine", "Qt6WebEngine", "libQt63D", "Qt63D", "libQt6Multimedia",
    "Qt6Multimedia", "libQt6Quick", "Qt6Quick", "libQt6Qml", "Qt6Qml", "libQt6Pdf", "Qt6Pdf",
    "libQt6VirtualKeyboard", "Qt6VirtualKeyboard", "libavcodec", "libavformat", "libavutil",
    "libswscale", "libswresample", "libQt6WaylandClient", "libQt6WlShellIntegration",
    "libQt6WaylandEgl",
    # Only the GTK platform theme (left out below) uses cairo.
    "libcairo",
)

# Parts of Qt's folder a desktop app of ours never loads: translations of Qt's own dialogs
# (the app is in English), the GTK theme plugin (our themes draw the window), and platform
# plugins for embedded screens (eglfs, linuxfb, VNC, Vulkan displays) with their input drivers.
EXCLUDED_QT_PATHS: tuple[str, ...] = (
    "/Qt/translations/", "/platformthemes/libqgtk3", "/egldeviceintegrations/",
    "/platforms/libqeglfs", "/platforms/libqlinuxfb", "/platforms/libqvnc",
    "/platforms/libqvkkhrdisplay", "/platforms/libqminimalegl", "/plugins/generic/",
    "/platforminputcontexts/libqtvirtualkeyboard",
    # Image formats nothing of ours reads (icons are SVG and PNG), and the PDF one, whose
    # QtPdf library is left out above.
    "/imageformats/libqtiff", "/imageformats/libqwebp", "/imageformats/libqpdf",
    # Qt's Wayland client: on a Wayland desktop Qt then runs through XWayland, as most
    # bundled Qt apps do; this keeps the Linux bundle under its 150 MB budget.
    "/platforms/libqwayland", "/wayland-decoration-client/", "/wayland-graphics-integration",
    "/wayland-shell-integration/",
)


@dataclass(frozen=True)
class PlatformOptions:
    """How the bundle is wrapped on one platform.

    Attributes:
        icon: The icon file PyInstaller embeds (``.ico`` on Windows, ``.icns`` on macOS).
        gui_launcher: Whether a second, windowed launcher is built beside the console one.
            On Windows a console program opens a terminal window, so double-clicking uses
            ``mht-desktop-gui.exe`` while ``mht-desktop.exe`` serves the command line.
        app_bundle: Whether a macOS ``.app`` with an Info.plist wraps the folder.
        info_plist: Keys for the macOS Info.plist.
        strip: Whether to strip debug symbols from shared libraries (Linux: Python builds
            such as pyenv's keep them, which doubles the bundle; never on macOS, where it
            breaks code signatures, nor Windows, whose DLLs carry none).
    """

    icon: str | None
    gui_launcher: bool
    app_bundle: bool
    info_plist: dict[str, object] = field(default_factory=dict)
    strip: bool = False


def platform_options(platform: str, version: str) -> PlatformOptions:
    """The wrapping for ``platform`` (a ``sys.platform`` value)."""
    if platform.startswith("win"):
        return PlatformOptions(icon="build/icons/mht-desktop.ico", gui_launcher=True,
                               app_bundle=False)
    if platform == "darwin":
        return PlatformOptions(
            icon="build/icons/mht-desktop.icns", gui_launcher=False, app_bundle=True,
            info_plist={
                "CFBundleName": "MHT Desktop",
                "CFBundleDisplayName": "MHT Desktop",
                "CFBundleIdentifier": BUNDLE_ID,
                "CFBundleShortVersionString": version,
                "CFBundleVersion": version,
                "LSMinimumSystemVersion": "11.0",
                "NSHighResolutionCapable": True,
                "LSApplicationCategoryType": "public.app-category.education",
            })
    return PlatformOptions(icon=None, gui_launcher=False, app_bundle=False, strip=True)


def data_files(platform: str) -> list[tuple[str, str]]:
    """Every (source, destination) pair the bundle carries; the same on every platform.

    ``platform`` is taken so the test can show it makes no difference.
    """
    del platform  # the same everywhere by design
    return [(str(REPO / src), dest) for src, dest in (*DATA_DIRS, *HELP_FILES)]


def project_version() -> str:
    """The one version number, read from ``pyproject.toml`` without importing the package."""
    import tomllib

    with (REPO / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])
