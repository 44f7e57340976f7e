"""Property: no file makes an importer raise, and a refused file writes nothing.

Bounded for CI (200 cases a format, no deadline: the shared machine is slow at times);
``bench/fuzz.py`` runs the same cases for longer.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.formats.fuzzing import SEEDS, import_case, mutated

from mht_desktop.core.banks import BankFormat
from mht_desktop.services.context import AppContext


@pytest.fixture(scope="module")
def fuzz_ctx() -> Iterator[tuple[AppContext, Path]]:
    """One real database file for all the cases of a format (a fresh one costs ~50 ms)."""
    with tempfile.TemporaryDirectory() as folder:
        ctx = AppContext.open(Path(folder) / "data")
        try:
            yield ctx, Path(folder)
        finally:
            ctx.close()


_SETTINGS = settings(max_examples=200, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_files_import(fuzz_ctx: tuple[AppContext, Path], name: str) -> None:
    """The seeds themselves are valid, so the mutations start from a real file."""
    ctx, folder = fuzz_ctx
    outcome = import_case(ctx, folder, name, SEEDS[name].encode())
    assert outcome.imported, name


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_mutated_files_never_crash_an_import(fuzz_ctx: tuple[AppContext, Path],
                                             name: str) -> None:
    ctx, folder = fuzz_ctx

    @_SETTINGS
    @given(data=mutated(SEEDS[name]))
    def case(data: bytes) -> None:
        import_case(ctx, folder, name, data)

    case()


@_SETTINGS
@given(data=st.binary(max_size=400), fmt=st.sampled_from([None, *BankFormat]))
def test_arbitrary_bytes_in_any_forced_format(fuzz_ctx: tuple[AppContext, Path],
                                              data: bytes, fmt: BankFormat | None) -> None:
    ctx, folder = fuzz_ctx
    import_case(ctx, folder, "csv", data, fmt)
