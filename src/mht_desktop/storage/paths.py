"""Where MHT Desktop keeps its files.

Default: the platform's user data directory (platformdirs). ``--data-dir DIR`` or the
``MHT_DESKTOP_HOME`` environment variable override it, which is also how tests stay away from
a user's real data.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import platformdirs

from mht_desktop.core.errors import DataDirError

APP_NAME = "mht-desktop"
DATABASE_NAME = "mht-desktop.sqlite3"
ENV_HOME = "MHT_DESKTOP_HOME"


def default_data_dir() -> Path:
    """The data directory when nothing overrides it."""
    override = os.environ.get(ENV_HOME)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_log_dir() -> Path:
    """Where the app's log file goes: the platform's log folder (``logs`` under
    ``$MHT_DESKTOP_HOME`` when that is set, so a portable install keeps its log with it)."""
    override = os.environ.get(ENV_HOME)
    if override:
        return Path(override).expanduser() / "logs"
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike[str] | None) -> Path:
    """The directory to use: ``explicit`` if given, else the environment, else the default."""
    return Path(explicit).expanduser() if explicit else default_data_dir()


def prepare_data_dir(path: Path) -> Path:
    """Create ``path`` (owner-only permissions) and prove we can write in it.

    Raises:
        DataDirError: with a message that names the directory and what went wrong.
    """
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except FileExistsError as exc:
        raise DataDirError(f"Cannot use {path} as the data folder: a file of that name "
                           "is in the way.") from exc
    except OSError as exc:
        raise DataDirError(f"Cannot create the data folder {path}: {exc.strerror}.") from exc
    if not path.is_dir():
        raise DataDirError(f"Cannot use {path} as the data folder: it is not a folder.")
    probe = path / ".write-test"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise DataDirError(f"The data folder {path} is not writable ({exc.strerror}). "
                           "Choose another with --data-dir or MHT_DESKTOP_HOME.") from exc
    return path


def tighten_permissions(data_dir: Path, database: Path | None) -> list[str]:
    """Make the data folder (0700) and the database (0600) owner-only if they are not.

    A folder made 0777 or a database copied in as 0644 lets other accounts on the machine
    read learners' names and results. Skipped on Windows, where POSIX modes mean little.

    Returns:
        One sentence per thing tightened, to tell the user once (the next open finds it
        already private and says nothing).
    """
    if os.name == "nt":
        return []
    said: list[str] = []
    for path, wanted, what in ((data_dir, 0o700, "data folder"),
                               (database, 0o600, "database")):
        if path is None or not path.exists():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            try:
                path.chmod(wanted)
            except OSError:
                continue  # file systems without permissions (FAT, some network shares)
            said.append(f"The {what} {path} was readable by other users ({mode:o}); it is "
                        f"now private to you ({wanted:o}).")
    return said


def restrict_to_owner(path: Path) -> None:
    """Make a data file readable and writable by its owner only (learner data is private)."""
    try:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    except OSError:
        pass  # Not fatal: some file systems (FAT, network shares) have no permissions.
