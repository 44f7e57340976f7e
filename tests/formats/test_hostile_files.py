"""Hostile and mistaken files (tests/formats/hostile/): each gets our message, never a crash.

Every file is checked through the real ``BankService`` on a real SQLite file, the way the
CLI and the window read them; a refused file must leave the database as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mht_desktop.core.banks import BankFormat
from mht_desktop.services.context import AppContext

HOSTILE = Path(__file__).parent / "hostile"


def _tables(ctx: AppContext) -> list[tuple[object, ...]]:
    with ctx.db.engine.connect() as c:
        return [tuple(r) for table in ("banks", "topics", "questions", "flashcards")
                for r in c.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1")]


@pytest.mark.parametrize(("name", "expected"), [
    ("unknown-encoding.xml", "declares the encoding 'x-klingon', which is not one"),
    ("latin-1-undeclared.xml", "declares no encoding, so it must be UTF-8"),
    # A zip with Anki's member names whose collection is not a database: the Anki reader
    # names the package and what is wrong with it.
    ("deck.apkg", "cannot import this Anki package: collection.anki21 is not a SQLite"),
    ("collection.anki2", "an SQLite database"),
    ("handout.pdf", "a PDF document"),
    ("questions.docx", "a Word document (.docx)"),
    ("bomb.xml", "declares entities (possible XML bomb)"),
    ("external-entity.xml", "external entity"),
])
def test_hostile_file_gets_its_message_and_writes_nothing(ctx: AppContext, name: str,
                                                          expected: str) -> None:
    before = _tables(ctx)
    report, _ = ctx.banks.import_file_now(HOSTILE / name)
    assert not report.imported
    messages = " | ".join(p.message for p in report.errors)
    assert expected in messages
    assert "UTF-8'" not in messages or name.endswith(".xml")  # no Excel hint for binaries
    assert _tables(ctx) == before


def test_binary_files_are_named_even_when_a_text_format_is_forced(ctx: AppContext) -> None:
    report = ctx.banks.validate_file(HOSTILE / "deck.apkg", BankFormat.CSV)
    assert "Anki package" in report.errors[0].message


@pytest.mark.parametrize(("name", "stem", "right"), [
    ("shift-jis.xml", "患者の安全は？", "はい"),
    ("latin-1-declared.xml", "Qu'est-ce qu'une contention ?", "Réponse €"),
    ("utf-32-declared.xml", "Is UTF-32 read?", "Yes"),
])
def test_declared_xml_encodings_are_honoured(ctx: AppContext, name: str, stem: str,
                                             right: str) -> None:
    report = ctx.banks.validate_file(HOSTILE / name)
    assert report.format is BankFormat.MOODLE_XML
    assert report.bank is not None and not report.errors, report.errors
    [question] = report.bank.questions
    assert question.stem == stem
    assert question.choices[0].text == right and question.choices[0].correct


def test_csv_field_over_128_kib_is_a_problem_not_a_csv_error(ctx: AppContext,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "runaway.csv"
    # An unclosed quote on line 3 swallows the rest of the file into one field.
    path.write_text("front,back\nheart,organ\n\"lung,organ\n" + "x" * 140_000 + "\n")
    report, _ = ctx.banks.import_file_now(path)
    assert not report.imported
    [error] = report.errors
    assert error.line == 3 and "longer than 128 KiB" in error.message
    assert "never closed" in error.message
    assert _tables(ctx) == []


def test_huge_field_in_text_detected_as_csv(ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("a\tb\nc\t\"" + "y" * 200_000 + "\n")
    report = ctx.banks.validate_file(path)
    assert report.format is BankFormat.CSV
    assert report.errors[0].line == 2 and "128 KiB" in report.errors[0].message


def test_csv_formula_cells_are_neutralised_and_read_back(ctx: AppContext,
                                                         tmp_path: Path) -> None:
    report, _ = ctx.banks.import_file_now(HOSTILE / "formula.csv")
    assert report.imported and report.bank is not None
    out = ctx.banks.export("formula", BankFormat.CSV, tmp_path / "out.csv").path
    written = out.read_text()
    assert ",\"'=HYPERLINK(" in written and ",'+1 staff,'-2 staff," in written
    for line in written.splitlines():
        for cell in line.split(","):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    again = ctx.banks.validate_file(out)
    assert again.bank is not None and not again.errors
    [question] = again.bank.questions
    assert question.stem == '=HYPERLINK("http://example.invalid","click")'
    assert [c.text for c in question.choices] == ["+1 staff", "-2 staff"]


def test_oversized_file_is_refused_before_reading(ctx: AppContext, tmp_path: Path) -> None:
    from mht_desktop.formats.registry import MAX_TEXT_BYTES

    path = tmp_path / "big.gift"
    with path.open("wb") as out:
        out.truncate(MAX_TEXT_BYTES + 1)  # sparse: no disk, no memory
    report, _ = ctx.banks.import_file_now(path)
    assert not report.imported
    assert "MHT Desktop imports gift bank files up to 32 MB" in report.errors[0].message
    assert _tables(ctx) == []
