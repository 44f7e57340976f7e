"""The guide folder on disk: chapters parsed once, re-parsed only when a file changes.

Chapters are files in the guide folder (:func:`~mht_desktop.services.resources.guide_dir`,
or any folder given), so instructors can drop in their own chapters.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mht_desktop.core.career_data import CAREER_DATA_FILE, CareerData, parse_career_data
from mht_desktop.core.errors import NotFoundError
from mht_desktop.core.figures import figure_keys, fill
from mht_desktop.core.guide import Chapter, GuideError, parse_chapter, sort_chapters
from mht_desktop.services.figures import FIGURES_FILE, load_figures


@dataclass(frozen=True)
class GuideLibrary:
    """The parsed guide folder."""

    signature: tuple[tuple[str, int, int], ...]
    chapters: tuple[Chapter, ...]
    career: CareerData | None
    problems: tuple[str, ...]

    def chapter(self, chapter_id: str) -> Chapter:
        for chapter in self.chapters:
            if chapter.id == chapter_id:
                return chapter
        raise NotFoundError(f"The guide has no chapter {chapter_id!r}.")


def folder_signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, modification times and sizes of the files the guide is made of."""
    try:
        paths = sorted(p for p in folder.iterdir()
                       if p.suffix.lower() == ".md" or p.name == CAREER_DATA_FILE)
    except OSError:
        return ()
    out = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        out.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(out)


def _is_chapter_file(name: str) -> bool:
    return name.lower().endswith(".md") and name.lower() != "readme.md"


def load_library(folder: Path, signature: tuple[tuple[str, int, int], ...]) -> GuideLibrary:
    chapters: list[Chapter] = []
    problems: list[str] = []
    # Figures that age live in figures.toml beside the chapters; {{figure:KEY}} in a chapter
    # and figure = "KEY" in career-data.toml both draw on it, as the question banks do.
    figures, figure_problems = load_figures(folder / FIGURES_FILE)
    problems += [str(p) for p in figure_problems]
    for name, _mtime, _size in signature:
        if not _is_chapter_file(name):
            continue
        path = folder / name
        try:
            text = path.read_text(encoding="utf-8")
            problems += [f"{name}: unknown figure {key!r} (see {FIGURES_FILE})"
                         for key in dict.fromkeys(figure_keys(text)) if key not in figures]
            chapters.append(parse_chapter(fill(text, figures), chapter_id=path.stem,
                                          file_name=name))
        except GuideError as exc:
            problems.append(str(exc))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{name}: cannot be read ({exc}).")
    career: CareerData | None = None
    data_path = folder / CAREER_DATA_FILE
    if data_path.is_file():
        try:
            career = parse_career_data(data_path.read_text(encoding="utf-8"), CAREER_DATA_FILE,
                                       figures)
        except GuideError as exc:
            problems.append(str(exc))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{CAREER_DATA_FILE}: cannot be read ({exc}).")
    return GuideLibrary(signature, tuple(sort_chapters(chapters)), career, tuple(problems))

