"""The learner-profile actions of the File menu: switch, new, rename, delete.

Every database call runs on the lane; deleting a learner with a long history takes seconds
and shows the lane's progress dialog instead of freezing the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog

from mht_desktop.core.changes import Changes
from mht_desktop.core.profiles import Profile

if TYPE_CHECKING:
    from mht_desktop.ui.main_window import MainWindow


def switch_profile(window: MainWindow) -> None:
    """Pick another learner (or create one)."""
    from mht_desktop.ui.profile_dialog import ProfilePicker

    app_ctx, current = window.data()

    def pick(profiles: list[Profile]) -> None:
        picker = ProfilePicker(app_ctx, profiles, window.tasks, current=current.id,
                               parent=window)
        if picker.exec() == QDialog.DialogCode.Accepted and picker.chosen is not None:
            open_profile(window, picker.chosen)

    window.tasks.run(app_ctx.profiles.list, on_done=pick)


def open_profile(window: MainWindow, profile: Profile) -> None:
    """Switch to ``profile``: in this window, or on its program's server if it has one.

    A profile saved with a server (File › Connect to a program server…) studies there, so
    picking it opens the app again on that server, as picking it at start-up does.
    """
    from mht_desktop.ui.server_actions import Reopen

    app_ctx, _ = window.data()
    if app_ctx.db.is_server or app_ctx.offline:
        window.use_profile(profile)
        return

    def chosen(url: str) -> None:
        if url:
            window.reopen_requested.emit(Reopen(profile_name=profile.name))
        else:
            window.use_profile(profile)

    window.tasks.run(lambda: app_ctx.profiles.settings(profile.id).server_url, on_done=chosen)


def new_profile(window: MainWindow) -> None:
    """Create a learner and switch to them."""
    from mht_desktop.ui.dialogs import ask_profile_name

    app_ctx, _ = window.data()
    name = ask_profile_name(window, "New learner", "Name of the new learner:")
    if name is None:
        return

    def done(result: tuple[Profile, Changes]) -> None:
        profile, changes = result
        window.bus.publish(changes)
        window.use_profile(profile)

    window.tasks.run(lambda: app_ctx.profiles.create(name), on_done=done,
                     on_error=lambda exc: window.dialogs.error(window, exc))


def rename_profile(window: MainWindow) -> None:
    """Rename the current learner."""
    from mht_desktop.ui.dialogs import ask_profile_name

    app_ctx, current = window.data()
    name = ask_profile_name(window, "Rename learner", "New name:", current.name)
    if name is None:
        return

    def done(result: tuple[Profile, Changes]) -> None:
        window.profile, changes = result
        window.show_profile()
        window.bus.publish(changes)

    window.tasks.run(lambda: app_ctx.profiles.rename(current.id, name), on_done=done,
                     on_error=lambda exc: window.dialogs.error(window, exc))


def delete_profile(window: MainWindow) -> None:
    """Delete the current learner after confirmation, then switch to another."""
    app_ctx, current = window.data()
    window.tasks.run(app_ctx.profiles.list, on_done=lambda profiles: _confirm_delete(
        window, current, [p for p in profiles if p.id != current.id]))


def _confirm_delete(window: MainWindow, current: Profile, others: list[Profile]) -> None:
    app_ctx, _ = window.data()
    if not others:
        window.dialogs.inform(window, "MHT Desktop", "This is the only learner profile. "
                              "Create another one before deleting this one.")
        return
    if not window.dialogs.confirm(
            window, "Delete learner",
            f"Delete {current.name} and all of their progress (reviews, quiz results, "
            "reading progress and notes)? This cannot be undone."):
        return

    def done(changes: Changes) -> None:
        window.bus.publish(changes)
        window.use_profile(others[0])

    # A learner with a year of history takes seconds to delete: on the lane, with the
    # progress dialog, never freezing the window.
    window.tasks.run(lambda: app_ctx.profiles.delete(current.id), on_done=done,
                     label=f"Deleting {current.name}…", parent=window,
                     on_error=lambda exc: window.dialogs.error(window, exc))
