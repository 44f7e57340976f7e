from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from mht_desktop.core.changes import Changes
from mht_desktop.core.clock import FixedClock
from mht_desktop.core.errors import NotFoundError
from mht_desktop.services.context import AppContext
from mht_desktop.services.figures import load_figures
from mht_desktop.services.guide import GuideService
from mht_desktop.services.guide_search import MARK_END, MARK_START, HitKind
from mht_desktop.services.resources import guide_dir

CAREER_DATA = """
[ladder]
source = "Example career site"
note = "One site's framework, not a standard."

[[ladder.tiers]]
title = "Entry-level technician"
years = "0–2 years"
min_years = 0
responsibilities = ["Learns basic care"]

[[ladder.tiers]]
title = "Lead technician"
years = "8+ years"
min_years = 8
responsibilities = ["Runs a program"]

[[pay]]
label = "Psychiatric technicians (median annual wage)"
value = 39700
unit = "USD per year"
year = "May 2023"
source = "U.S. Bureau of Labor Statistics"

[[outlook]]
label = "Projected growth"
value = "9%"
period = "2022–2032"
source = "U.S. Bureau of Labor Statistics"

[[outlook]]
label = "Older projected growth"
value = "12%"
period = "2018–2028"
source = "Earlier BLS edition"
superseded = true
note = "Out of date."
"""


def write_guide(folder: Path) -> Path:
    """Three small chapters, one broken file and the career data."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "01-hygiene.md").write_text(
        '+++\ntitle = "Hygiene"\norder = 1\ntopics = ["safety"]\nsummary = "Hands."\n+++\n\n'
        "# Hygiene\n\nWhy it matters.\n\n## Hand washing\n\n"
        "Use soap and water after caring for a patient with *C. diff*: alcohol rub does not "
        "kill the spores.\n\n[A web page](https://example.org/hands) and "
        "[a trick](javascript:alert(1)).\n", encoding="utf-8")
    (folder / "02-ladder.md").write_text(
        '+++\ntitle = "Ladder"\norder = 2\ntopics = ["privacy"]\n+++\n\n# Ladder\n\n'
        "```mht-figure\ncareer-ladder\n```\n\n## Pay\n\n```mht-figure\npay-table\n```\n\n"
        "```mht-figure\nno-such-figure\n```\n", encoding="utf-8")
    (folder / "03-extra.md").write_text("# Extra notes\n\nAn instructor's own chapter.\n",
                                        encoding="utf-8")
    (folder / "04-broken.md").write_text('+++\ntitle = "Broken"\norder = oops\n+++\n',
                                         encoding="utf-8")
    (folder / "career-data.toml").write_text(CAREER_DATA, encoding="utf-8")
    return folder


@pytest.fixture
def guide_folder(tmp_path: Path) -> Path:
    return write_guide(tmp_path / "guide")


@pytest.fixture
def profile_id(ctx: AppContext) -> int:
    return ctx.profiles.create("Ana")[0].id


@pytest.fixture
def guide(ctx: AppContext, clock: FixedClock, guide_folder: Path, profile_id: int,
          sample_bank_file: Path) -> GuideService:
    ctx.banks.import_file_now(sample_bank_file)
    return GuideService(ctx.db, clock, profile_id, folder=guide_folder)


def _fts5_available() -> bool:
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        conn.close()


# -- chapters and figures ----------------------------------------------------------------------


def test_lists_chapters_in_order_and_reports_the_broken_file(guide: GuideService) -> None:
    assert [c.id for c in guide.chapters()] == ["01-hygiene", "02-ladder", "03-extra"]
    assert guide.chapter("03-extra").title == "Extra notes"
    (problem,) = guide.problems
    assert problem.startswith("04-broken.md:3: ")
    assert "not valid TOML" in problem
    assert guide.practice_topics("01-hygiene") == ("safety",)
    assert guide.neighbours("02-ladder") == ("01-hygiene", "03-extra")
    with pytest.raises(NotFoundError):
        guide.chapter("99-missing")


def test_chapter_html_is_safe_and_anchored(guide: GuideService) -> None:
    page = guide.page("01-hygiene")
    assert [h.anchor for h in page.headings] == ["hygiene", "hand-washing"]
    assert '<h2 id="hand-washing"><a name="hand-washing"></a>Hand washing</h2>' in page.html
    assert '<a href="https://example.org/hands">' in page.html
    assert "javascript" not in page.html.split("a trick")[0]  # the unsafe link is not a link
    assert (page.previous_id, page.next_id, page.index, page.total) == (None, "02-ladder", 0, 3)
    # The sample bank has one question and one flashcard on "safety".
    assert (page.questions, page.flashcards) == (1, 1)


def test_figures_are_drawn_from_the_data_with_year_and_source(guide: GuideService) -> None:
    body = guide.chapter_html("02-ladder")
    assert "mht-figure" not in body
    # The ladder: a staircase table, highest tier on top, with its source and note.
    assert 'class="ladder"' in body
    assert body.index("Lead technician") < body.index("Entry-level technician")
    assert "8+ years" in body and "Runs a program" in body
    assert "Source: Example career site. One site&#x27;s framework" in body
    # The pay table: every row carries its year or period and its source.
    pay_row = body[body.index("Psychiatric technicians (median"):]
    pay_row = pay_row[:pay_row.index("</tr>")]
    assert "$39,700 per year" in pay_row and "May 2023" in pay_row
    assert "U.S. Bureau of Labor Statistics" in pay_row
    old_row = body[body.index("Older projected growth"):]
    old_row = old_row[:old_row.index("</tr>")]
    assert "Superseded" in old_row and "2018–2028" in old_row and "Earlier BLS edition" in old_row
    current_row = body[body.index("Projected growth"):]
    assert "Superseded" not in current_row[:current_row.index("</tr>")]
    # An unknown figure says so instead of vanishing.
    assert "Figure “no-such-figure” is not available" in body


def test_figures_without_data_say_so(ctx: AppContext, clock: FixedClock, guide_folder: Path,
                                     profile_id: int) -> None:
    (guide_folder / "career-data.toml").unlink()
    guide = GuideService(ctx.db, clock, profile_id, folder=guide_folder)
    assert "Figure “career-ladder” is not available" in guide.chapter_html("02-ladder")


def test_new_chapter_files_are_picked_up(guide: GuideService, guide_folder: Path) -> None:
    assert len(guide.chapters()) == 3
    (guide_folder / "05-new.md").write_text('+++\ntitle = "New"\norder = 5\n+++\n# New\n')
    # Chapters without an order (03-extra) come after those with one.
    assert [c.id for c in guide.chapters()] == ["01-hygiene", "02-ladder", "05-new", "03-extra"]


def test_the_shipped_guide_parses_and_draws_both_figures(ctx: AppContext, clock: FixedClock,
                                                         profile_id: int) -> None:
    guide = GuideService(ctx.db, clock, profile_id, folder=guide_dir())
    chapters = guide.chapters()
    assert len(chapters) == 10 and guide.problems == ()
    assert [c.order for c in chapters] == list(range(1, 11))
    assert all(c.topics and c.summary for c in chapters)
    for chapter in chapters:
        assert "mht-figure" not in guide.chapter_html(chapter.id)
    ladder = guide.chapter_html("07-career-ladder")
    assert 'class="ladder"' in ladder and "is not available" not in ladder
    assert ladder.index("Lead technician / specialist") < ladder.index("Entry-level technician")
    pay = guide.chapter_html("08-pay-and-outlook")
    # The table and the prose both draw on figures.toml, as the banks do: no placeholder is
    # left, and the numbers are the figures' own.
    figures = load_figures(Path(__file__).resolve().parents[2] / "resources" / "guide"
                           / "figures.toml")[0]
    assert "{{figure:" not in pay
    assert f"{figures['bls-pay-median-technicians'].text} per year" in pay
    assert f"{figures['bls-pay-hourly-combined'].text} per hour" in pay and "May 2024" in pay
    assert pay.count("Superseded&nbsp;") == 3 and "2018-2028" in pay


# -- search --------------------------------------------------------------------------------------


@pytest.mark.parametrize("use_fts", [True, False], ids=["fts5", "substring"])
def test_search_finds_guide_text_questions_and_flashcards(
        ctx: AppContext, clock: FixedClock, guide_folder: Path, profile_id: int,
        sample_bank_file: Path, use_fts: bool) -> None:
    if use_fts and not _fts5_available():
        pytest.skip("this SQLite has no FTS5")
    ctx.banks.import_file_now(sample_bank_file)
    guide = GuideService(ctx.db, clock, profile_id, folder=guide_folder, use_fts=use_fts)
    assert guide.search_uses_fts is use_fts
    hits = guide.search("soap")
    kinds = {h.kind for h in hits}
    assert kinds == {HitKind.SECTION, HitKind.QUESTION}
    section = next(h for h in hits if h.kind is HitKind.SECTION)
    assert (section.chapter_id, section.anchor) == ("01-hygiene", "hand-washing")
    assert section.where == "Hygiene › Hand washing"
    assert f"{MARK_START}soap{MARK_END}" in section.snippet.lower()
    assert "<b>soap</b>" in section.snippet_html.lower()
    question = next(h for h in hits if h.kind is HitKind.QUESTION)
    assert question.where == "Question · Sample bank" and question.bank_id == "sample"
    assert "Soap and water" in question.snippet_text

    (card,) = guide.search("resting PULSE")
    assert card.kind is HitKind.FLASHCARD and card.where == "Flashcard · Sample bank"
    preview = guide.preview(card)
    assert "60–100" in preview.html and preview.title == "Flashcard · Sample bank"
    shown = guide.preview(question)
    assert "Soap and water" in shown.html and "✓ correct" in shown.html


@pytest.mark.parametrize("use_fts", [True, False], ids=["fts5", "substring"])
def test_search_ignores_query_syntax_and_empty_queries(guide: GuideService,
                                                       use_fts: bool) -> None:
    guide.use_fts = use_fts and _fts5_available()
    guide.invalidate_search()
    assert guide.search("   ") == [] and guide.search("*** ()") == []
    assert guide.search('"soap" OR (NEAR') == []  # every word must match, syntax is text
    assert guide.search('soap"') != []


def test_search_follows_bank_changes(guide: GuideService, ctx: AppContext) -> None:
    assert any(h.kind is HitKind.FLASHCARD for h in guide.search("pulse"))
    ctx.banks.set_enabled("sample", False)
    assert guide.search("pulse") == []
    ctx.banks.set_enabled("sample", True)
    assert [h.kind for h in guide.search("pulse")] == [HitKind.FLASHCARD]


# -- reading progress, bookmarks, settings ------------------------------------------------------


def test_reading_progress_persists_per_profile(ctx: AppContext, clock: FixedClock,
                                               guide_folder: Path, profile_id: int) -> None:
    guide = GuideService(ctx.db, clock, profile_id, folder=guide_folder)
    assert guide.set_position("01-hygiene", 0.42) == Changes(reading=True)
    assert guide.mark_read("01-hygiene") == Changes(reading=True)
    clock.advance(timedelta(days=1))
    guide.mark_read("01-hygiene")  # the first time it was read is kept
    assert guide.set_position("02-ladder", 7.0) == Changes(reading=True)  # clamped

    again = GuideService(ctx.db, clock, profile_id, folder=guide_folder)
    assert again.position("01-hygiene") == pytest.approx(0.42)
    assert again.position("02-ladder") == 1.0
    state = again.reading_states()["01-hygiene"]
    assert state.read and state.read_at == clock.now() - timedelta(days=1)
    toc = again.toc()
    assert [(e.chapter_id, e.read) for e in toc] == [
        ("01-hygiene", True), ("02-ladder", False), ("03-extra", False)]
    assert [h.anchor for h in toc[0].sections] == ["hand-washing"]
    summary = again.summary()
    assert (summary.read, summary.total, summary.fraction) == (1, 3, pytest.approx(1 / 3))

    other_id = ctx.profiles.create("Ben")[0].id
    other = GuideService(ctx.db, clock, other_id, folder=guide_folder)
    assert other.summary().read == 0 and other.position("01-hygiene") == 0.0

    guide.mark_read("01-hygiene", read=False)
    assert guide.summary().read == 0
    with pytest.raises(NotFoundError):
        guide.mark_read("99-missing")


def test_bookmarks_with_notes_persist_per_profile(ctx: AppContext, clock: FixedClock,
                                                  guide_folder: Path, profile_id: int) -> None:
    guide = GuideService(ctx.db, clock, profile_id, folder=guide_folder)
    first, changes = guide.add_bookmark("01-hygiene", "hand-washing", "  Ask about gloves  ")
    assert changes == Changes(reading=True)
    assert (first.title, first.anchor, first.note) == ("Hygiene › Hand washing", "hand-washing",
                                                       "Ask about gloves")
    top, _ = guide.add_bookmark("02-ladder")
    assert (top.title, top.anchor, top.note) == ("Ladder", "", "")
    edited, _ = guide.edit_note(first.id, "Gloves: yes")
    assert edited.note == "Gloves: yes"

    reopened = GuideService(ctx.db, clock, profile_id, folder=guide_folder)
    assert [(b.chapter_id, b.note) for b in reopened.bookmarks()] == [
        ("01-hygiene", "Gloves: yes"), ("02-ladder", "")]

    other = GuideService(ctx.db, clock, ctx.profiles.create("Ben")[0].id, folder=guide_folder)
    assert other.bookmarks() == []
    with pytest.raises(NotFoundError):
        other.edit_note(first.id, "not mine")
    with pytest.raises(NotFoundError):
        other.delete_bookmark(first.id)

    assert reopened.delete_bookmark(first.id) == Changes(reading=True)
    assert [b.id for b in guide.bookmarks()] == [top.id]


def test_zoom_is_remembered_without_touching_other_settings(ctx: AppContext, clock: FixedClock,
                                                            guide_folder: Path,
                                                            profile_id: int) -> None:
    ctx.profiles.update_settings(profile_id, new_per_day=7)
    guide = GuideService(ctx.db, clock, profile_id, folder=guide_folder)
    assert guide.zoom() == 0
    assert guide.set_zoom(99) == (6, Changes(reading=True))
    assert GuideService(ctx.db, clock, profile_id, folder=guide_folder).zoom() == 6
    assert ctx.profiles.settings(profile_id).new_per_day == 7
    ctx.profiles.update_settings(profile_id, new_per_day=9)  # and the other way round
    assert guide.zoom() == 6


def test_context_builds_a_guide_on_the_shipped_chapters(ctx: AppContext,
                                                        profile_id: int) -> None:
    guide = ctx.guide(profile_id)
    assert guide.folder == guide_dir() and len(guide.chapters()) == 10
