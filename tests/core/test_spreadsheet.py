from __future__ import annotations

import pytest

from mht_desktop.core.spreadsheet import neutralise_cell, neutralise_row, restore_cell


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "'", "''=x",
                                  "'hello", "plain", "", "a=b"])
def test_round_trip(cell: str) -> None:
    assert restore_cell(neutralise_cell(cell)) == cell


def test_formula_starts_get_a_quote_and_others_do_not() -> None:
    assert neutralise_row(["=cmd|' /C calc'!A0", "-5", "ok", 3]) == [
        "'=cmd|' /C calc'!A0", "'-5", "ok", 3]
    assert restore_cell("'hello") == "'hello"  # a quote a person typed is kept
