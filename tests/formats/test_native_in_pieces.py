"""A big native bank is parsed in pieces (so the GUI thread is not starved of the GIL), and
the pieces mean exactly what the whole file means; anything doubtful is parsed whole."""

from __future__ import annotations

import re
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mht_desktop.formats import native


def _bank(questions: int, *, extra: str = "") -> str:
    head = '[bank]\nid = "big"\ntitle = "Big"\nversion = "1"\n\n'
    items = "".join(
        f'[[questions]]\nid = "q{i}"\ntopic = "t{i % 7}"\nstem = "Question {i}?"\n'
        f'tags = ["a", " ", "b "]\n'
        f'[[questions.choices]]\ntext = "yes {i}"\ncorrect = true\n'
        f'[[questions.choices]]\ntext = "no"\n\n' for i in range(questions))
    cards = "".join(f'[[flashcards]]\nid = "f{i}"\nfront = "F{i}"\nback = "B{i}"\n\n'
                    for i in range(50))
    return head + items + cards + extra


def test_a_big_bank_is_read_in_pieces_that_mean_the_whole() -> None:
    text = _bank(2000)
    assert len(text) > 10 * native._CHUNK_CHARS
    pieces = native._parse_in_chunks(text)
    assert pieces is not None
    assert pieces == tomllib.loads(text)
    assert len(pieces["questions"]) == 2000 and pieces["questions"][1999]["id"] == "q1999"
    assert native._parse_toml(text) == (pieces, None, "")


def test_a_small_file_is_parsed_whole() -> None:
    assert native._parse_in_chunks(_bank(3)) is None


@pytest.mark.parametrize("extra", [
    '\n[bank]\nid = "again"\n',                      # a table defined twice, far apart
    '\n[bank.more]\nnote = "x"\n',                   # a sub-table of a table in another piece
    '\nquestions = []\n',                            # the array set inline as well
    # header-like lines inside a long string, where a cut would fall
    '\n[[questions]]\nid = "s"\nstem = """\n' + ("x" * 100 + "\n[[questions]]\n") * 400
    + '"""\n',
])
def test_doubtful_files_are_parsed_whole_with_the_reference_answer(extra: str) -> None:
    text = _bank(1000, extra=extra)
    try:
        expected: tuple[object, ...] = (tomllib.loads(text),)
    except tomllib.TOMLDecodeError:
        expected = (None,)
    assert native._parse_in_chunks(text) is None
    data, line, message = native._parse_toml(text)
    assert (data,) == expected
    if data is None:
        assert line is not None and message


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["questions", "q", "\n", " ", "\t", '"', "'", "=", ".", "x",
                                 "[[", "]]"]), max_size=12).map("".join),
       st.sampled_from(["questions", "q", "qq"]))
def test_a_key_set_on_a_line_is_found_as_the_anchored_pattern_finds_it(text: str,
                                                                       key: str) -> None:
    pattern = rf"\n[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*[=.]"
    assert native._set_as_key(text, key) == (re.search(pattern, text) is not None)
