"""Headless rendering with Qt's GUI module (no widgets): PDF reports and their charts.

Both the window (print preview, export) and the CLI (``mht-desktop report``) use it, so a
report looks the same whichever way it is made. It needs a ``QGuiApplication``; the CLI
creates one on the offscreen platform.
"""
