"""The storage tests run on both engines: a learner's SQLite file and a program's PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mht_desktop.core.clock import FixedClock
from mht_desktop.services.context import AppContext

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    """Which engine this run of the test uses."""
    return str(request.param)


@pytest.fixture
def ctx(engine_name: str, request: pytest.FixtureRequest, tmp_path: Path,
        clock: FixedClock) -> Iterator[AppContext]:
    """A real app context, built by the migrations, on each engine in turn."""
    if engine_name == "sqlite":
        app_ctx = AppContext.open(tmp_path / "data", clock=clock)
    else:
        app_ctx = AppContext.open_url(request.getfixturevalue("pg_head_url"), clock=clock,
                                      upgrade=True)
    yield app_ctx
    app_ctx.close()
