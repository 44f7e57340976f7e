"""Persistence: SQLAlchemy 2 models, Alembic migrations and repositories.

Nothing outside this package writes SQL. Repositories return core dataclasses, never ORM rows,
so nothing lazy-loads on the UI thread.
"""
