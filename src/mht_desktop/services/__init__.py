"""Use cases: study, quizzes, imports, reading, statistics, reports. No Qt here.

Services open one session per call, return plain dataclasses, and report what they changed
with :class:`~mht_desktop.core.changes.Changes` so the views can refresh themselves.
"""
