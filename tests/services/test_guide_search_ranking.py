"""Search on the guide we ship: the section that explains a word comes before boilerplate."""

from __future__ import annotations

import pytest

from mht_desktop.core.clock import FixedClock
from mht_desktop.services.context import AppContext
from mht_desktop.services.guide import GuideService
from mht_desktop.services.guide_search import HitKind, SearchHit
from mht_desktop.services.resources import guide_dir

# Headings every chapter repeats: they name the topic of every chapter, so they match often.
BOILERPLATE = {"Practise this chapter", "Sources", "Key points"}


@pytest.fixture(params=[True, False], ids=["fts5", "substring"])
def guide(request: pytest.FixtureRequest, ctx: AppContext, clock: FixedClock) -> GuideService:
    profile = ctx.profiles.create("Ana")[0]
    service = GuideService(ctx.db, clock, profile.id, folder=guide_dir())
    service.use_fts = request.param
    return service


def _sections(guide: GuideService, query: str) -> list[SearchHit]:
    return [h for h in guide.search(query) if h.kind is HitKind.SECTION]


@pytest.mark.parametrize(("query", "best"), [
    ("hipaa", "What the job involves › Teamwork and confidentiality"),
    ("medication", "What the job involves › The medication question"),
    ("restraint", "Education and training › Required by your employer"),
])
def test_the_section_about_the_word_ranks_first(guide: GuideService, query: str,
                                                best: str) -> None:
    hits = _sections(guide, query)
    if not guide.use_fts:
        assert best in [h.where for h in hits]  # unranked fallback: found, order by count
        return
    assert hits[0].where == best
    top = [h.title for h in hits[:3]]
    assert not BOILERPLATE & set(top), top


def test_boilerplate_sections_are_still_found(guide: GuideService) -> None:
    # Down-weighted, not dropped: a search for a source's name finds the Sources list.
    wheres = [h.where for h in _sections(guide, "Jobicy")]
    assert any(w.endswith("› Sources") for w in wheres)


def test_a_snippet_keeps_list_items_apart(guide: GuideService) -> None:
    [hit] = [h for h in _sections(guide, "restraint procedures")
             if h.where == "Education and training › Required by your employer"]
    # "de-escalation • restraint procedures • CPR", not "de-escalation restraint procedures CPR".
    assert "de-escalation • restraint procedures • CPR" in hit.snippet_text


@pytest.mark.parametrize("use_fts", [True, False], ids=["fts5", "substring"])
def test_a_term_with_punctuation_inside_is_searched_as_one_phrase(use_fts: bool) -> None:
    from mht_desktop.services.guide_search import (
        MARK_END,
        MARK_START,
        SearchDoc,
        SearchHit,
        SearchIndex,
    )

    def doc(title: str, body: str) -> SearchDoc:
        return SearchDoc(SearchHit(HitKind.SECTION, title, "", title), title, body)

    docs = [doc("Occupations", "The O*NET task list goes further than most articles."),
            doc("Networks", "Our unit keeps a safety net for open doors."),
            doc("Codes", "Filed under SOC 29-2053, psychiatric technicians.")]
    index = SearchIndex(docs, use_fts=use_fts)
    try:
        if use_fts and not index.uses_fts:
            pytest.skip("this SQLite has no FTS5")
        # Split into "o" and "net", the query matched the second text ("our", "net").
        (hit,) = index.search("O*NET")
        assert hit.title == "Occupations"
        assert f"{MARK_START}O*NET{MARK_END}" in hit.snippet
        assert [h.title for h in index.search("29-2053")] == ["Codes"]
        assert index.search("o*net 29-2053") == []   # every term must match one document
    finally:
        index.close()
