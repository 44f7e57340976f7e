"""Practice exercises: branching de-escalation drills, note writing, disclosure decisions.

Flashcards and questions test what a trainee knows; these exercises let them rehearse what
they do on the unit. Everything here is pure (standard library only): the file readers live
in :mod:`mht_desktop.formats.practice`, attempts are stored by
:mod:`mht_desktop.storage.practice`, and :mod:`mht_desktop.services.practice` ties them up.
"""
