"""Issue 17's defects 1–7, each reproduced on a file of our own and shown gone.

(Defect 8, the encoding and binary-file messages, is in ``test_hostile_files.py``; defect 9,
Moodle's strictness, in ``test_moodle_rules.py``.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog
from pytestqt.qtbot import QtBot
from tests.ui.test_main_window import make_window

from mht_desktop.cli.main import main
from mht_desktop.core.banks import BankFormat
from mht_desktop.formats import read_bank, write_bank
from mht_desktop.formats.aiken import read_aiken
from mht_desktop.formats.delimited import read_delimited
from mht_desktop.formats.gift import read_gift
from mht_desktop.formats.moodle_xml import read_moodle_xml
from mht_desktop.formats.text import html_to_text
from mht_desktop.services.context import AppContext
from mht_desktop.ui.main_window import SECTIONS

# -- 1. GIFT multiple-answer weights ---------------------------------------------------------

SELECT_ALL = "::who::Who may see the chart? {~%50%The nurse ~%50%The doctor ~The visitor}\n"


def test_unweighted_wrong_answer_of_a_multiple_response_question_stays_zero() -> None:
    bank = read_gift(SELECT_ALL, file="w.gift").bank
    assert bank is not None
    [question] = bank.questions
    assert [c.weight for c in question.choices] == [50.0, 50.0, 0.0]
    gift = write_bank(bank, BankFormat.GIFT)
    assert "~%0%The visitor" in gift and "-50" not in gift
    xml = write_bank(bank, BankFormat.MOODLE_XML)
    assert "<answer fraction=\"0\" format=\"markdown\">\n      <text>The visitor" in xml
    again = read_gift(gift, file="w.gift").bank
    assert again is not None and again.questions[0].choices == question.choices


# -- 2. flashcards left out of an export are announced ----------------------------------------

def test_export_says_what_the_format_leaves_out(ctx: AppContext, sample_bank_file: Path,
                                               tmp_path: Path) -> None:
    ctx.banks.import_file_now(sample_bank_file)
    for fmt in (BankFormat.GIFT, BankFormat.MOODLE_XML, BankFormat.CSV):
        result = ctx.banks.export("sample", fmt, tmp_path / f"out.{fmt.value}")
        [note] = result.left_out
        assert note.startswith("2 flashcards not written")
        assert "MHT Desktop bank (.mhtbank.toml) or Anki notes (tab-separated)" in note
    anki = ctx.banks.export("sample", BankFormat.ANKI_TSV, tmp_path / "cards.txt")
    assert anki.left_out == ("3 questions not written: Anki notes (tab-separated) has no "
                             "questions; export as an MHT Desktop bank (.mhtbank.toml) or GIFT "
                             "or Moodle XML or the CSV questions template to keep them",)
    assert ctx.banks.export("sample", BankFormat.NATIVE, tmp_path / "b.toml").left_out == ()


def test_cli_export_warns_on_stderr_and_still_writes(tmp_path: Path, sample_bank_file: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(tmp_path / "D")]
    assert main([*data, "bank", "import", str(sample_bank_file)]) == 0
    capsys.readouterr()
    out = tmp_path / "sample.gift"
    assert main([*data, "bank", "export", "sample", "--format", "gift", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "warning: 2 flashcards not written: GIFT has no flashcards" in captured.err
    assert captured.out.startswith("Wrote ") and out.exists()


def test_gui_export_shows_what_was_left_out(qtbot: QtBot, ctx: AppContext, tmp_path: Path,
                                           sample_bank_file: Path) -> None:
    window = make_window(qtbot, ctx, tmp_path)
    _report, changes = ctx.banks.import_file_now(sample_bank_file)
    window.publish(changes)
    window.nav.setCurrentRow(SECTIONS.index("Question banks"))
    window.banks.export_to("sample", BankFormat.MOODLE_XML, tmp_path / "sample.xml")
    notice = window.banks.export_notice
    assert notice is not None and notice.isVisible()
    assert "2 flashcards not written: Moodle XML has no flashcards" in notice.text()
    notice.close()
    window.banks.export_notice = None
    window.banks.export_to("sample", BankFormat.NATIVE, tmp_path / "sample.mhtbank.toml")
    assert window.banks.export_notice is None


# -- 3. the Anki notes export: reachable, and '#' fronts survive -----------------------------

def test_cli_anki_export_quotes_fronts_that_anki_would_take_for_comments(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "cards.csv"
    source.write_text('front,back\n"#1 rule of seclusion",Least restrictive first\nHeart,Organ\n')
    data = ["--data-dir", str(tmp_path / "D")]
    assert main([*data, "bank", "import", str(source)]) == 0
    out = tmp_path / "cards.txt"
    assert main([*data, "bank", "export", "cards", "--format", "anki-tsv", "--out",
                 str(out)]) == 0
    text = out.read_text()
    body = [line for line in text.splitlines() if not line.startswith(("#separator", "#html",
                                                                        "#columns"))]
    assert body[0] == '"#1 rule of seclusion"\t"Least restrictive first"\t""'
    assert not any(line.startswith("#") for line in body)
    again = read_delimited(text, file="cards.txt").bank
    assert again is not None
    assert [c.front for c in again.flashcards] == ["#1 rule of seclusion", "Heart"]


# -- 4. Quizlet's row separators ----------------------------------------------------------------

def test_quizlet_semicolon_between_rows() -> None:
    parsed = read_delimited("Heart,pumps blood, all day;Lung,breathes;Liver,filters;",
                            file="quizlet.txt")
    assert parsed.bank is not None and not parsed.errors
    assert [(c.front, c.back) for c in parsed.bank.flashcards] == [
        ("Heart", "pumps blood, all day"), ("Lung", "breathes"), ("Liver", "filters")]
    assert "Quizlet export with ';' between cards" in parsed.warnings[0].message


def test_quizlet_custom_row_separator_is_refused_clearly() -> None:
    parsed = read_delimited("Heart,pumps|Lung,breathes|Liver,filters|Skin,covers\n",
                            file="quizlet.txt")
    assert parsed.bank is None
    [error] = parsed.errors
    assert "one line of 5 fields" in error.message and "'New line'" in error.message


def test_quizlet_custom_term_separator_is_named_in_the_message() -> None:
    parsed = read_delimited("Heart - pumps\nLung - breathes\n", file="quizlet.txt")
    assert parsed.bank is None and "#separator:X" in parsed.errors[0].message


# -- 5. Aiken without a space, Aiken with a mistake, and the import dialog's file type ---------

def test_aiken_options_without_a_space() -> None:
    parsed = read_aiken("A.D.H.D. is?\nA)A disorder\nB.A drug\nANSWER: A\n", file="a.txt")
    assert parsed.bank is not None and not parsed.problems
    [question] = parsed.bank.questions
    assert question.stem == "A.D.H.D. is?"
    assert [c.text for c in question.choices] == ["A disorder", "A drug"]


def test_aiken_file_with_a_mistake_is_read_as_aiken() -> None:
    text = ("Which is a vital sign?\nA. Pulse\nB. Hair colour\nANSWER: B C\n\n"
            "Second?\nA. Yes\nB. No\nANSWER: A\n")
    parsed = read_bank(text.encode(), file_name="quiz.txt")
    assert [(p.line, p.message) for p in parsed.errors] == [
        (4, "text after the ANSWER letter: 'C'; the line must be just 'ANSWER: B'")]


def test_import_dialog_file_type_forces_the_format(qtbot: QtBot, ctx: AppContext,
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, ctx, tmp_path)
    window.nav.setCurrentRow(SECTIONS.index("Question banks"))
    path = tmp_path / "vitals.xml"  # GIFT, misnamed: the extension alone says Moodle XML
    path.write_text("::p::Normal adult pulse? {=60–100 ~20–40}\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(path)], "GIFT (*.gift *.txt)")))
    seen: list[str] = []

    def accept_check_dialog() -> None:  # the warnings (no rationale, no source): import anyway
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog):
            seen.append(dialog.windowTitle())
            dialog.accept()
        else:
            QTimer.singleShot(10, accept_check_dialog)

    QTimer.singleShot(0, accept_check_dialog)
    window.banks.import_dialog()
    assert seen
    [summary] = ctx.banks.list()
    assert summary.id == "vitals" and summary.questions == 1


# -- 6. <pre> keeps its lines --------------------------------------------------------------------

def test_pre_keeps_line_breaks_and_indentation() -> None:
    assert html_to_text("<p>Order:</p><pre>\nPRN  lorazepam\n  1 mg\n</pre>") == (
        "Order:\n\nPRN  lorazepam\n  1 mg")
    xml = (b'<quiz><question type="multichoice"><name><text>n</text></name>'
           b'<questiontext format="html"><text><![CDATA[<pre>a\n  b</pre>]]></text>'
           b'</questiontext><answer fraction="100"><text>x</text></answer>'
           b'<answer fraction="0"><text>y</text></answer></question></quiz>')
    bank = read_moodle_xml(xml, file="p.xml").bank
    assert bank is not None and bank.questions[0].stem == "a\n  b"


# -- 7. Moodle's GIFT export comments ------------------------------------------------------------

def test_moodle_gift_comments_give_the_id_and_tags() -> None:
    text = ("// question: 41  name: Restraint check\n"
            "// [id:RS-07] [tag:restraint] [tag:safety checks] [tag:a\\]b]\n"
            "::Restraint check::How often is a restrained patient checked? {=Per policy ~Never}\n")
    bank = read_gift(text, file="m.gift").bank
    assert bank is not None
    [question] = bank.questions
    assert question.id == "rs-07"
    assert question.tags == ("restraint", "safety checks", "a]b")
    gift = write_bank(bank, BankFormat.GIFT)
    assert "// [id:rs-07] [tag:restraint] [tag:safety checks] [tag:a\\]b]" in gift
    again = read_gift(gift, file="m.gift").bank
    assert again is not None and again.questions[0].tags == question.tags
