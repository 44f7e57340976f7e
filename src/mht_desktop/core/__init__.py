"""The domain: banks, questions, cards, grading, exams and statistics.

Standard library only (an import-linter contract checks it), so every rule here can be tested
without a database or a window.
"""
