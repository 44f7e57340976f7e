"""Property: no file makes an importer raise, and a refused file writes nothing.

Bounded for CI (200 cases a format, no deadline: the shared machine is slow at times);
``bench/fuzz.py`` runs the same cases for longer.
"""

from __future__ import annotations

import os
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


# bench/fuzz.py sets these for its long run: more cases, and a fresh random seed each run
# (CI stays derandomised, so a failure there reproduces).
_EXAMPLES = int(os.environ.get("MHT_FUZZ_EXAMPLES", "200"))
_RANDOM = os.environ.get("MHT_FUZZ_RANDOM") == "1"
_SETTINGS = settings(max_examples=_EXAMPLES, deadline=None, derandomize=not _RANDOM,
                     database=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_files_import(fuzz_ctx: tuple[AppContext, Path], name: str) -> None:
    """The seeds themselves are valid, so the mutations start from a real file."""
    ctx, folder = fuzz_ctx
    outcome = import_case(ctx, folder, name, SEEDS[name].encode())
    assert outcome.imported, name


@pytest.mark.parametrize("name", sorted(SEEDS))
@_SETTINGS
@given(data=st.data())
def test_mutated_files_never_crash_an_import(fuzz_ctx: tuple[AppContext, Path], name: str,
                                             data: st.DataObject) -> None:
    ctx, folder = fuzz_ctx
    import_case(ctx, folder, name, data.draw(mutated(SEEDS[name]), label="file"))


@_SETTINGS
@given(data=st.binary(max_size=400), fmt=st.sampled_from([None, *BankFormat]))
def test_arbitrary_bytes_in_any_forced_format(fuzz_ctx: tuple[AppContext, Path],
                                              data: bytes, fmt: BankFormat | None) -> None:
    ctx, folder = fuzz_ctx
    import_case(ctx, folder, "csv", data, fmt)
