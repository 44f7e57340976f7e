#!/bin/sh
# Install MHT Desktop from this unpacked tarball for the current user (no root needed):
# the program under ~/.local/lib, a `mht-desktop` command in ~/.local/bin, and the menu entry,
# icon and software-centre metadata under ~/.local/share. Run it again to update.
# PREFIX=/usr/local sh install.sh installs for everyone (as root).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
mkdir -p "$prefix/lib" "$prefix/bin"
rm -rf "$prefix/lib/mht-desktop"
cp -a "$here/mht-desktop" "$prefix/lib/mht-desktop"
ln -sf "$prefix/lib/mht-desktop/mht-desktop" "$prefix/bin/mht-desktop"
cp -a "$here/share/." "$prefix/share/"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$prefix/share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" || true
echo "Installed MHT Desktop in $prefix/lib/mht-desktop; start it from your menu or run: mht-desktop"
