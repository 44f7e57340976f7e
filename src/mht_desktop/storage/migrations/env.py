"""Alembic environment: runs our migrations on the connection the app hands in.

The app (``Database.migrate``) hands in a connection already inside a transaction, so the
whole upgrade commits or rolls back as one, on SQLite and PostgreSQL alike. The ``alembic``
command line gets an engine from :func:`make_engine`, which carries the same SQLite
transaction settings; nothing here depends on the engine.
"""

from __future__ import annotations

from alembic import context

from mht_desktop.storage.database import make_engine
from mht_desktop.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Migrate on the app's connection, or on one made from the URL (alembic CLI)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = make_engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            context.configure(connection=conn, target_metadata=target_metadata,
                              render_as_batch=True, compare_type=True)
            context.run_migrations()
    finally:
        engine.dispose()


run_migrations()
