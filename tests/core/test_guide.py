from __future__ import annotations

import pytest

from mht_desktop.core.career_data import parse_career_data
from mht_desktop.core.guide import (
    GuideError,
    LinkKind,
    markdown_to_plain,
    parse_chapter,
    resolve_link,
    slugify,
    sort_chapters,
    unique_anchors,
)

CHAPTER = """+++
title = "The career ladder"
order = 7
topics = ["career-ladder", "education-certification"]
summary = "How responsibility grows."
+++

# The career ladder

Intro with a [link](https://example.org) and **bold** words.

```mht-figure
career-ladder
```

## The four tiers

Text about tiers.

```
# not a heading: inside a code block
```

### 1. Entry-level (about 0–2 years)

- first
- second

## Key points

## Key points
"""


def test_front_matter_fields_and_headings() -> None:
    chapter = parse_chapter(CHAPTER, chapter_id="07-career-ladder")
    assert chapter.title == "The career ladder"
    assert chapter.order == 7
    assert chapter.topics == ("career-ladder", "education-certification")
    assert chapter.summary == "How responsibility grows."
    assert chapter.body.lstrip().startswith("# The career ladder")
    assert [(h.level, h.anchor) for h in chapter.headings] == [
        (1, "the-career-ladder"), (2, "the-four-tiers"), (3, "1-entry-level-about-02-years"),
        (2, "key-points"), (2, "key-points-1")]
    assert chapter.figures == ("career-ladder",)


def test_sections_cut_the_body_at_headings() -> None:
    chapter = parse_chapter(CHAPTER, chapter_id="c")
    sections = chapter.sections()
    assert [s.anchor for s in sections] == [h.anchor for h in chapter.headings]
    tiers = sections[1]
    assert tiers.title == "The four tiers" and "Text about tiers." in tiers.markdown
    assert "not a heading" in tiers.markdown  # code stays in the section it belongs to


def test_chapter_without_front_matter_takes_its_title_from_the_first_heading() -> None:
    chapter = parse_chapter("Preface text.\n\n# Welcome *here*\n\nBody.", chapter_id="intro")
    assert (chapter.title, chapter.order, chapter.topics) == ("Welcome here", None, ())
    assert chapter.sections()[0].anchor == ""  # the preface before the first heading
    bare = parse_chapter("No headings at all.", chapter_id="99-loose-notes")
    assert bare.title == "99 loose notes"


@pytest.mark.parametrize(("text", "line", "words"), [
    ('+++\ntitle = "A"\norder = \n+++\n# A\n', 3, "not valid TOML"),
    ('+++\ntitle = "A"\n\norder = "seven"\n+++\n', 4, "'order' must be a whole number"),
    ('+++\ntopics = "safety"\n+++\n', 2, "'topics' must be a list"),
    ('+++\ntitle = ""\n+++\n', 2, "'title' must be a non-empty string"),
    ('+++\ntitle = "A"\n# never closed\n', 1, "never closed"),
])
def test_bad_front_matter_names_the_file_and_line(text: str, line: int, words: str) -> None:
    with pytest.raises(GuideError) as caught:
        parse_chapter(text, chapter_id="03-x", file_name="03-x.md")
    assert caught.value.file == "03-x.md"
    assert caught.value.line == line
    assert str(caught.value).startswith(f"03-x.md:{line}: ")
    assert words in str(caught.value)


def test_chapters_sort_by_order_then_id() -> None:
    chapters = [parse_chapter(f'+++\ntitle = "{cid}"\n{extra}+++\n', chapter_id=cid)
                for cid, extra in (("b", ""), ("a", ""), ("z", "order = 1\n"),
                                   ("y", "order = 2\n"))]
    assert [c.id for c in sort_chapters(chapters)] == ["z", "y", "a", "b"]


def test_slugs_and_unique_anchors() -> None:
    assert slugify("Pay & outlook: 2022–2032!") == "pay--outlook-20222032"
    assert slugify("???") == "section"
    assert unique_anchors(["A", "A", "a-1", "A"]) == ["a", "a-1", "a-1-1", "a-2"]


def test_plain_text_for_search_drops_markup_and_figures() -> None:
    plain = markdown_to_plain(
        "## Title\n\n> **Note:** see [the BLS](https://bls.gov) and `code`.\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```mht-figure\npay-table\n```\n\n- item *one*\n")
    # Each table row is closed, so a snippet over two rows does not run their cells together.
    assert plain == "Title Note: see the BLS and code. a · b; 1 · 2; • item one"


@pytest.mark.parametrize(("href", "kind", "chapter", "anchor"), [
    ("#key-points", LinkKind.CHAPTER, "current", "key-points"),
    ("08-pay-and-outlook.md", LinkKind.CHAPTER, "08-pay-and-outlook", ""),
    ("./08-pay-and-outlook.md#job%20outlook", LinkKind.CHAPTER, "08-pay-and-outlook",
     "job outlook"),
    ("guide:07-career-ladder#the-four-tiers", LinkKind.CHAPTER, "07-career-ladder",
     "the-four-tiers"),
    ("guide://07-career-ladder", LinkKind.CHAPTER, "07-career-ladder", ""),
    ("https://www.bls.gov/ooh/", LinkKind.EXTERNAL, "", ""),
    ("HTTP://example.org", LinkKind.EXTERNAL, "", ""),
    ("mailto:someone@example.org", LinkKind.EXTERNAL, "", ""),
    ("javascript:alert(1)", LinkKind.UNSUPPORTED, "", ""),
    ("file:///etc/passwd", LinkKind.UNSUPPORTED, "", ""),
    ("//evil.example/x", LinkKind.UNSUPPORTED, "", ""),
    ("notes.txt", LinkKind.UNSUPPORTED, "", ""),
])
def test_links_resolve(href: str, kind: LinkKind, chapter: str, anchor: str) -> None:
    link = resolve_link(href, "current")
    assert (link.kind, link.chapter_id, link.anchor) == (kind, chapter, anchor)
    if kind is LinkKind.EXTERNAL:
        assert link.url == href


CAREER = """
[ladder]
source = "A career site"
note = "One site's framework."

[[ladder.tiers]]
title = "Senior"
years = "6+ years"
min_years = 6
responsibilities = ["Leads"]

[[ladder.tiers]]
title = "Entry"
years = "0–2 years"
min_years = 0
responsibilities = ["Learns", "Observes"]

[[pay]]
label = "Technicians (median annual wage)"
value = 39700
unit = "USD per year"
year = "May 2023"
source = "BLS"

[[pay]]
label = "Hourly"
value = 19.05
unit = "USD per hour"
year = "May 2023"
source = "BLS"

[[outlook]]
label = "Growth"
value = "12%"
period = "2018–2028"
source = "Older BLS"
superseded = true
note = "Out of date."
"""


def test_career_data_parses_and_formats_values() -> None:
    data = parse_career_data(CAREER)
    assert data.ladder is not None
    assert [t.title for t in data.ladder.tiers] == ["Entry", "Senior"]  # by experience
    assert data.ladder.tiers[0].responsibilities == ("Learns", "Observes")
    assert [p.display_value for p in data.pay] == ["$39,700 per year", "$19.05 per hour"]
    assert [p.year for p in data.pay] == ["May 2023", "May 2023"]
    (outlook,) = data.outlook
    assert outlook.superseded and outlook.period == "2018–2028" and outlook.note


@pytest.mark.parametrize(("old", "message", "header"), [
    ('year = "May 2023"\nsource = "BLS"\n\n[[pay]]\nlabel = "Hourly"',
     "pay entry 1 has no year", "[[pay]]"),
    ('period = "2018–2028"\n', "outlook entry 1 has no period", "[[outlook]]"),
    ('source = "Older BLS"\n', "outlook entry 1 has no source", "[[outlook]]"),
])
def test_every_figure_needs_its_year_or_period_and_source(old: str, message: str,
                                                          header: str) -> None:
    # Drop the field's line (the first line of ``old``), keep the rest.
    broken = CAREER.replace(old, old.split("\n", 1)[1], 1)
    with pytest.raises(GuideError) as caught:
        parse_career_data(broken, "career-data.toml")
    expected = broken.splitlines().index(header) + 1  # the entry's own [[…]] line
    assert caught.value.line == expected
    assert str(caught.value) == f"career-data.toml:{expected}: {message}"


def test_career_data_rejects_bad_toml_with_its_line() -> None:
    with pytest.raises(GuideError) as caught:
        parse_career_data('[[pay]]\nlabel = "x"\nvalue = \n', "career-data.toml")
    assert caught.value.line == 3
    assert "not valid TOML" in str(caught.value)


def test_pay_value_must_be_a_number() -> None:
    with pytest.raises(GuideError, match="pay entry 1 'value' must be a number"):
        parse_career_data('[[pay]]\nlabel = "x"\nvalue = "lots"\nunit = "USD"\n'
                          'year = "2023"\nsource = "BLS"\n')
