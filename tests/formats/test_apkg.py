"""Anki packages both ways, checked with Anki's own Python library (the ``anki`` test extra).

Decks are built with Anki's library (Basic, reversed, optional reversed, Cloze, tags, a deck
tree, real answers through Anki's scheduler) and exported in every layout Anki writes; ours
are imported into a fresh Anki collection by Anki's importer.
"""

from __future__ import annotations

import io
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mht_desktop.core.banks import (
    Bank,
    BankFormat,
    BankInfo,
    Choice,
    Flashcard,
    Question,
    QuestionType,
    Topic,
)
from mht_desktop.core.cards import CardState
from mht_desktop.formats.apkg_reader import read_apkg
from mht_desktop.formats.apkg_writer import write_apkg
from mht_desktop.formats.registry import read_bank
from mht_desktop.services.context import AppContext
from mht_desktop.storage.models import CardRow, ReviewLogRow

anki_collection = pytest.importorskip("anki.collection")
Collection = anki_collection.Collection

LAYOUTS = ["deck.apkg", "deck-legacy.apkg", "col.colpkg", "col-legacy.colpkg", "deck-20.apkg"]


def _build_anki_packages(folder: Path) -> dict[str, int]:
    """Make a collection with Anki's library and export it in every layout; returns counts."""
    col = Collection(str(folder / "source.anki2"))
    meds = col.decks.id("Psych::Meds")
    safety = col.decks.id("Psych::Safety")

    def add(kind: str, deck: int, tags: list[str] = (), **fields: str) -> None:  # type: ignore[assignment]
        note = col.new_note(col.models.by_name(kind))
        for name, value in fields.items():
            note[name.replace("_", " ")] = value
        note.tags = list(tags)
        col.add_note(note, deck)

    add("Basic", meds, ["meds", "abbr"], Front="What does <b>PRN</b> mean?",
        Back="As needed<br><img src='chart.png'>[sound:prn.mp3]")
    add("Basic (and reversed card)", meds, Front="Haloperidol", Back="An antipsychotic")
    add("Basic (optional reversed card)", safety, Front="Q one", Back="A one")
    add("Basic (optional reversed card)", safety, Front="Q two", Back="A two", Add_Reverse="y")
    add("Cloze", safety, ["cloze"], Text="{{c1::Lithium}} needs {{c2::level checks::a test}}",
        Back_Extra="Check the order")
    answered = 0
    for card_id in col.find_cards("deck:Psych::Meds"):
        for ease in (3, 1, 3):
            card = col.get_card(card_id)
            card.start_timer()
            col.sched.answerCard(card, ease)
            answered += 1
    counts = {"cards": col.card_count(), "notes": col.note_count(), "reviews": answered}
    options = anki_collection.ExportAnkiPackageOptions
    for legacy, name in ((False, "deck.apkg"), (True, "deck-legacy.apkg")):
        col.export_anki_package(out_path=str(folder / name), limit=None, options=options(
            with_scheduling=True, with_deck_configs=True, with_media=True, legacy=legacy))
    path = col.path
    col.export_collection_package(str(folder / "col-legacy.colpkg"), include_media=True,
                                  legacy=True)  # closes the collection
    col = Collection(path)
    col.export_collection_package(str(folder / "col.colpkg"), include_media=True, legacy=False)
    # Anki 2.0 packages hold only collection.anki2 (the same schema 11 as collection.anki21).
    with zipfile.ZipFile(folder / "deck-legacy.apkg") as src, \
            zipfile.ZipFile(folder / "deck-20.apkg", "w") as dst:
        dst.writestr("collection.anki2", src.read("collection.anki21"))
        dst.writestr("media", src.read("media"))
    return counts


@pytest.fixture(scope="module")
def anki_decks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("anki")
    return folder, _build_anki_packages(folder)


@pytest.mark.parametrize("name", LAYOUTS)
def test_anki_packages_import_as_flashcards(anki_decks: tuple[Path, dict[str, int]],
                                            name: str) -> None:
    folder, counts = anki_decks
    result = read_apkg((folder / name).read_bytes(), file=name)
    bank = result.parsed.bank
    assert bank is not None and not result.parsed.errors
    assert len(bank.flashcards) == counts["cards"] == 8
    assert bank.info.title == "Psych"
    assert {t.title for t in bank.topics} == {"Psych › Meds", "Psych › Safety"}
    by_front = {f.front: f for f in bank.flashcards}
    prn = by_front["What does PRN mean?"]
    assert prn.back == "As needed" and set(prn.tags) == {"meds", "abbr"}
    assert by_front["An antipsychotic"].back == "Haloperidol"  # the reversed card
    assert "A one" not in by_front  # optional reverse left empty: Anki made no card
    assert by_front["A two"].back == "Q two"
    assert by_front["[...] needs level checks"].back == "Lithium needs level checks\n" \
                                                        "Check the order"
    assert by_front["Lithium needs [a test]"].tags == ("cloze",)
    assert any("media not imported" in str(p) and "1 card(s)" in str(p)
               for p in result.parsed.warnings)
    reviewed = [h for h in result.history.values() if h.reviews]
    assert sum(len(h.reviews) for h in reviewed) == counts["reviews"]
    assert [r.rating for r in reviewed[0].reviews] == [3, 1, 3]


def test_history_becomes_the_learners_schedule(anki_decks: tuple[Path, dict[str, int]],
                                               ctx: AppContext) -> None:
    folder, counts = anki_decks
    profile, _ = ctx.profiles.create("Ana")
    report, changes = ctx.banks.import_file_now(folder / "deck.apkg",
                                                history_profile=profile.id)
    assert report.imported and report.format is BankFormat.APKG and changes.reviews
    assert report.history is not None and report.history.reviews == counts["reviews"]
    with ctx.db.session() as s:
        logs = s.query(ReviewLogRow).filter_by(profile_id=profile.id).all()
        cards = s.query(CardRow).filter_by(profile_id=profile.id).all()
        assert len(logs) == counts["reviews"]
        assert sorted(log.rating for log in logs) == [1, 1, 1, 3, 3, 3, 3, 3, 3]
        assert len(cards) == 3 and all(c.state != CardState.NEW and c.stability for c in cards)
    again, _ = ctx.banks.import_file_now(folder / "deck.apkg", history_profile=profile.id)
    assert again.history is not None and again.history.reviews == 0
    assert again.history.kept == 3
    with ctx.db.session() as s:
        assert s.query(ReviewLogRow).count() == counts["reviews"]  # not doubled


def _sample_bank() -> Bank:
    topics = (Topic("meds", "Medications"), Topic("safety", "Safety"))
    question = Question(
        "q1", QuestionType.SINGLE, "safety", "Which is a sign of # escalation?",
        (Choice("Pacing", True, "Restless pacing often comes first."),
         Choice("Sleeping", False, "Sleep is not a warning sign.")),
        rationale="Pacing & raised voice precede aggression.")
    cards = (Flashcard("f1", "meds", "# PRN", "As needed", tags=("abbr",)),
             Flashcard("f2", "safety", "Two\nlines", "<b>not markup</b>"))
    return Bank(BankInfo("sample", "Sample bank"), topics, (question,), cards)


def test_our_apkg_opens_in_anki(tmp_path: Path) -> None:
    package = tmp_path / "sample.apkg"
    package.write_bytes(write_apkg(_sample_bank()))
    col = Collection(str(tmp_path / "fresh.anki2"))
    try:
        col.import_anki_package(anki_collection.ImportAnkiPackageRequest(
            package_path=str(package)))
        assert col.note_count() == 3 and col.card_count() == 3
        assert {d.name for d in col.decks.all_names_and_ids()} >= {
            "Sample bank::Medications", "Sample bank::Safety"}
        [qid] = col.find_notes('"note:MHT Desktop question"')
        card = col.get_note(qid).cards()[0]
        assert "A. Pacing" in card.question() and "B. Sleeping" in card.question()
        answer = card.answer()
        assert "<b>Answer:</b> A. Pacing" in answer
        assert "Pacing &amp; raised voice" in answer and "Sleep is not a warning" in answer
        [fid] = col.find_notes("tag:abbr")
        assert col.get_note(fid)["Front"] == "# PRN"  # a leading # is field text, not a comment
        assert col.find_notes('"Back:&lt;b&gt;not markup&lt;/b&gt;"')
    finally:
        col.close()


def test_our_apkg_reads_back() -> None:
    bank = _sample_bank()
    parsed = read_bank(write_apkg(bank), file_name="sample.apkg")
    assert parsed.bank is not None and not parsed.errors
    fronts = {f.front: f.back for f in parsed.bank.flashcards}
    assert fronts["# PRN"] == "As needed" and fronts["Two\nlines"] == "<b>not markup</b>"
    assert any(f.front.startswith("Which is a sign") and "Answer: A. Pacing" in f.back
               for f in parsed.bank.flashcards)


# -- hostile packages ------------------------------------------------------------------------

def _zip(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


def _sqlite_bytes(tmp: Path, ddl: str) -> bytes:
    path = tmp / "x.db"
    db = sqlite3.connect(path)
    db.executescript(ddl)
    db.close()
    return path.read_bytes()


def _hostile(tmp: Path, kind: str, anki_decks: tuple[Path, dict[str, int]]) -> bytes:
    if kind == "zip bomb":
        return _zip(**{"collection.anki2": bytes(64 << 20)})  # 64 MiB of zeros, ~1000:1
    if kind == "path traversal":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("../../evil.txt", b"x")
            archive.writestr("collection.anki2", b"SQLite format 3\x00")
        return buffer.getvalue()
    if kind == "not anki":
        return _zip(**{"collection.anki21": _sqlite_bytes(tmp, "CREATE TABLE recipes (x);")})
    if kind == "truncated zstd":
        with zipfile.ZipFile(anki_decks[0] / "deck.apkg") as src:
            members = {name: src.read(name) for name in src.namelist()}
        raw = members["collection.anki21b"]
        members["collection.anki21b"] = raw[: len(raw) // 2]
        return _zip(**members)
    if kind == "garbage sqlite":
        return _zip(**{"collection.anki2": b"SQLite format 3\x00" + bytes(range(256)) * 8})
    return b"front,back\nnot,a zip\n"


@pytest.mark.parametrize(("kind", "message"), [
    ("zip bomb", "zip bomb"), ("path traversal", "unsafe member name"),
    ("not anki", "not an Anki collection (no cards, col, notes, revlog table)"),
    ("truncated zstd", "cut short"), ("garbage sqlite", "damaged or not an Anki collection"),
    ("not a zip", "not a zip archive")])
def test_hostile_packages_are_refused(tmp_path: Path, ctx: AppContext, kind: str,
                                      message: str,
                                      anki_decks: tuple[Path, dict[str, int]]) -> None:
    path = tmp_path / "hostile.apkg"
    data = _hostile(tmp_path, kind, anki_decks)
    path.write_bytes(data)
    report, _ = ctx.banks.import_file_now(path, BankFormat.APKG)
    assert not report.imported and report.bank is None
    assert message in str(report.errors[0]), report.errors
    assert str(report.errors[0]).startswith("hostile.apkg:")
    assert ctx.banks.list() == []
    assert not (tmp_path.parent / "evil.txt").exists()


def test_apkg_by_extension_is_not_read_as_text(tmp_path: Path,
                                               anki_decks: tuple[Path, dict[str, int]],
                                               ctx: AppContext) -> None:
    report = ctx.banks.validate_file(anki_decks[0] / "col.colpkg")
    # An Anki package by its content (not read as text), a whole collection by its name.
    assert report.valid and report.format is BankFormat.COLPKG
    renamed = tmp_path / "col.apkg"
    renamed.write_bytes((anki_decks[0] / "col.colpkg").read_bytes())
    assert ctx.banks.validate_file(renamed).format is BankFormat.APKG
    assert report.bank is not None and len(report.bank.flashcards) == 8


@pytest.fixture
def cli_data(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "D"


def test_cli_import_with_history_and_export(cli_data: Path, tmp_path: Path,
                                            anki_decks: tuple[Path, dict[str, int]],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from mht_desktop.cli.main import main

    base = ["--data-dir", str(cli_data)]
    assert main([*base, "bank", "import", str(anki_decks[0] / "deck.apkg"),
                 "--with-history"]) == 2
    assert "needs --profile" in capsys.readouterr().err
    assert main([*base, "profile", "create", "Ana"]) == 0
    assert main([*base, "bank", "import", str(anki_decks[0] / "deck-legacy.apkg"),
                 "--with-history", "--profile", "Ana"]) == 0
    out = capsys.readouterr().out
    assert "8 flashcards" in out and f"{anki_decks[1]['reviews']} reviews on 3 cards" in out
    exported = tmp_path / "back.apkg"
    assert main([*base, "bank", "export", "deck-legacy", "--format", "apkg",
                 "--out", str(exported)]) == 0
    parsed = read_apkg(exported.read_bytes(), file="back.apkg").parsed
    assert parsed.bank is not None and len(parsed.bank.flashcards) == 8
