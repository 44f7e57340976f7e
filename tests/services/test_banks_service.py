from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from tests.conftest import SAMPLE_BANK

from mht_desktop.core.banks import BankFormat
from mht_desktop.services.context import AppContext
from mht_desktop.storage.models import QuestionRow


def _dump(ctx: AppContext) -> list[tuple[object, ...]]:
    with ctx.db.engine.connect() as c:
        out = []
        for table in ("banks", "topics", "questions", "flashcards"):
            out += [tuple(r) for r in c.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1, 2")]
        return out


def test_import_list_export_roundtrip(ctx: AppContext, sample_bank_file: Path,
                                      tmp_path: Path) -> None:
    report, changes = ctx.banks.import_file_now(sample_bank_file)
    assert report.imported and changes.banks
    [summary] = ctx.banks.list()
    assert (summary.id, summary.questions, summary.flashcards) == ("sample", 3, 2)
    assert {t.topic_id: t.questions for t in summary.topics} == {"safety": 1, "privacy": 2}
    out = ctx.banks.export("sample", BankFormat.NATIVE, tmp_path / "out.mhtbank.toml").path
    again = ctx.banks.validate_file(out)
    assert again.valid and again.bank is not None and report.bank is not None
    assert again.bank.info == report.bank.info and again.bank.topics == report.bank.topics
    original = {q.id: (q.stem, q.choices, q.rationale, q.reviewed, q.review_due)
                for q in report.bank.questions}
    exported = {q.id: (q.stem, q.choices, q.rationale, q.reviewed, q.review_due)
                for q in again.bank.questions}
    assert original == exported
    assert [(f.id, f.front, f.back, f.source, f.reviewed, f.review_due)
            for f in again.bank.flashcards] == [
        (f.id, f.front, f.back, f.source, f.reviewed, f.review_due)
        for f in report.bank.flashcards]
    assert again.bank.flashcards[0].review_due is not None


def test_a_file_with_errors_changes_nothing(ctx: AppContext, sample_bank_file: Path,
                                            tmp_path: Path) -> None:
    ctx.banks.import_file_now(sample_bank_file)
    before = _dump(ctx)
    broken = tmp_path / "sample2.mhtbank.toml"
    broken.write_text(SAMPLE_BANK.replace('text = "Soap and water"\ncorrect = true',
                                          'text = "Soap and water"\ncorrect = false'))
    report, changes = ctx.banks.import_file_now(broken)
    assert not report.imported and not changes.any
    assert any("no correct answer" in str(p) for p in report.errors)
    assert _dump(ctx) == before


def test_reimport_updates_in_place_and_retires_removed_items(
        ctx: AppContext, sample_bank_file: Path) -> None:
    ctx.banks.import_file_now(sample_bank_file)
    with ctx.db.session() as s:
        ids_before = {k: v for k, v in s.execute(select(QuestionRow.item_id, QuestionRow.id))}
    v2 = SAMPLE_BANK.replace('version = "1.0"', 'version = "2.0"').replace(
        "Which are identifiers?", "Which of these are identifiers?")
    cut = v2.index('[[questions]]\nid = "s-q3"')
    end = v2.index("[[flashcards]]")
    sample_bank_file.write_text(v2[:cut] + v2[end:])
    report, _ = ctx.banks.import_file_now(sample_bank_file)
    assert (report.added, report.updated, report.retired) == (0, 4, 1)
    assert report.replaces_version == "1.0"
    with ctx.db.session() as s:
        rows = {r.item_id: r for r in s.scalars(select(QuestionRow))}
        assert {k: r.id for k, r in rows.items()} == ids_before
        assert rows["s-q2"].stem == "Which of these are identifiers?"
        assert rows["s-q3"].retired is True
    assert ctx.banks.list()[0].questions == 2


def test_missing_file_is_reported(ctx: AppContext, tmp_path: Path) -> None:
    report = ctx.banks.validate_file(tmp_path / "nope.toml")
    assert not report.valid and "file not found" in str(report.errors[0])


def test_builtin_banks_load_once(ctx: AppContext, sample_bank_file: Path) -> None:
    folder = sample_bank_file.parent
    assert ctx.banks.ensure_builtin_banks(folder).banks
    assert not ctx.banks.ensure_builtin_banks(folder).banks
    assert ctx.banks.list()[0].builtin


def test_remove_and_disable(ctx: AppContext, sample_bank_file: Path) -> None:
    ctx.banks.import_file_now(sample_bank_file)
    ctx.banks.set_enabled("sample", False)
    assert ctx.banks.list()[0].enabled is False
    ctx.banks.rename("sample", "Renamed")
    ctx.banks.rename_topic("sample", "safety", "Patient safety")
    summary = ctx.banks.list()[0]
    assert summary.title == "Renamed" and summary.topics[0].title == "Patient safety"
    ctx.banks.remove("sample")
    assert ctx.banks.list() == []


def test_figures_are_resolved_on_import_and_exported_resolved(ctx: AppContext,
                                                             tmp_path: Path) -> None:
    text = SAMPLE_BANK.replace(
        'stem = "Which are identifiers?"',
        'stem = "BLS median pay in May 2024 was {{figure:bls-pay-median-combined}}: which?"'
    ).replace('back = "60–100 beats per minute."',
              'back = "60–100 beats per minute ({{figure:amca-mhtc-fee}})."')
    path = tmp_path / "figures.mhtbank.toml"
    path.write_text(text, encoding="utf-8")
    report, _ = ctx.banks.import_file_now(path)
    assert report.imported, report.problems
    bank = ctx.banks.load("sample")
    question = next(q for q in bank.questions if q.id == "s-q2")
    assert question.stem == "BLS median pay in May 2024 was $42,200: which?"
    # The stored review date is the figure's, which is earlier than the item's own.
    from mht_desktop.services.figures import shipped_figures

    figures = shipped_figures()
    assert question.review_due == figures["bls-pay-median-combined"].review_due
    assert bank.flashcards[0].back == "60–100 beats per minute ($109)."
    out = ctx.banks.export("sample", BankFormat.NATIVE, tmp_path / "out.mhtbank.toml").path
    assert "{{figure:" not in out.read_text(encoding="utf-8")
    assert "$42,200" in out.read_text(encoding="utf-8")
