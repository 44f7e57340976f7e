"""Files for fuzzing the importers: a valid seed per format, mutated the ways files break.

Shared by the bounded test (``test_fuzz.py``) and the longer run (``bench/fuzz.py``). Each
mutation keeps most of a real file, so the readers get past detection and into their rules,
and uses the characters each format gives meaning to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from mht_desktop.core.banks import BankFormat
from mht_desktop.services.context import AppContext

SEEDS: dict[str, str] = {
    "native": '''format = 1
[bank]
id = "fuzz"
title = "Fuzz"
[[topics]]
id = "safety"
title = "Safety"
[[questions]]
id = "q1"
type = "single"
topic = "safety"
tags = ["a", " ", "b "]
stem = """Which is right?"""
rationale = "Because."
choices = [
    { text = "Yes", correct = true, weight = 100 },
    { text = "No", feedback = "Not this" },
]
[[flashcards]]
id = "f1"
topic = "safety"
front = "Front"
back = "Back"
''',
    "gift": '''// [id:Q1] [tag:safety]
$CATEGORY: $course$/top/Safety

::Q1::[html]<p>Which <b>is</b> right?</p>{
  =Yes#Good
  ~%50%Half\\=way
  ~No####General
}

::Q2::Pick all {~%50%A ~%50%B ~No one}

The sky is blue {T#wrong#right}
''',
    "aiken": '''Which is right?
A. Yes
B) No
C.Maybe
ANSWER: A

Second question?
A) One
B) Two
ANSWER: B
''',
    "moodle_xml": '''<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Safety</text></category></question>
  <question type="multichoice">
    <name><text>Q1</text></name>
    <questiontext format="html"><text><![CDATA[<p>Which <pre>is
right</pre>?</p>]]></text></questiontext>
    <generalfeedback format="html"><text>Because &amp; so</text></generalfeedback>
    <idnumber>q1</idnumber>
    <single>true</single>
    <shuffleanswers>1</shuffleanswers>
    <answer fraction="100" format="html"><text>Yes</text>
      <feedback><text>Good</text></feedback></answer>
    <answer fraction="0" format="html"><text>No</text></answer>
    <tags><tag><text>a</text></tag></tags>
  </question>
  <question type="truefalse">
    <name><text>T1</text></name>
    <questiontext format="moodle_auto_format"><text>Sky is blue</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
</quiz>
''',
    "csv": '''id,type,topic,difficulty,stem,choice_a,choice_b,choice_c,correct,rationale,tags
q1,single,Safety,2,"Which, is ""right""?",Yes,No,'=Maybe,A,Because,a;b
q2,multiple,Safety,1,Pick,A,B,C,A;B,,
''',
    "flashcards": '''#separator:Tab
#html:true
#columns:Front\tBack\tTags
Heart\tOrgan <b>pumps</b>\tanatomy
"Lung\twith tab"\tBreathes\t
''',
}
FILE_NAMES = {"native": "fuzz.mhtbank.toml", "gift": "fuzz.gift", "aiken": "fuzz.txt",
              "moodle_xml": "fuzz.xml", "csv": "fuzz.csv", "flashcards": "fuzz.tsv"}
# Characters each format gives meaning to, plus some that break encodings and parsers.
_SPECIAL = ("{}=~#%:\\\"'[]<>&;,\t\n\r/!?$-_.ABCT " "\x00\x0b\ufeff\ud800é€𝄞\u2028")


@st.composite
def mutated(draw: st.DrawFn, seed: str) -> bytes:
    """The seed with a few random edits, encoded (usually as UTF-8)."""
    text = seed
    for _ in range(draw(st.integers(0, 6))):
        if not text:
            break
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(("insert", "delete", "duplicate", "replace", "swap")))
        if kind == "insert":
            text = text[:at] + draw(st.text(_SPECIAL, min_size=1, max_size=8)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif kind == "duplicate":
            end = min(len(text), at + draw(st.integers(1, 200)))
            text = text[:end] + text[at:end] + text[end:]
        elif kind == "replace":
            text = text[:at] + draw(st.text(max_size=20)) + text[at + draw(st.integers(0, 20)):]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    encoding = draw(st.sampled_from(("utf-8", "utf-8", "utf-8", "utf-16", "latin-1", "raw")))
    if encoding == "raw":
        return text.encode("utf-8", "surrogatepass") + draw(st.binary(max_size=16))
    return text.encode(encoding, "replace" if encoding == "latin-1" else "surrogatepass")


def _snapshot(ctx: AppContext) -> list[tuple[object, ...]]:
    with ctx.db.engine.connect() as c:
        return [tuple(r) for table in ("banks", "topics", "questions", "flashcards")
                for r in c.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1, 2")]


@dataclass
class Outcome:
    """What one fuzz case did."""

    imported: bool
    errors: int


def import_case(ctx: AppContext, folder: Path, name: str, data: bytes,
                fmt: BankFormat | None = None) -> Outcome:
    """Import ``data`` through the real service; a refused file must change nothing.

    Any exception escapes to the caller: the property is that there is none.
    """
    path = folder / FILE_NAMES[name]
    path.write_bytes(data)
    before = _snapshot(ctx)
    report, _ = ctx.banks.import_file_now(path, fmt)
    if not report.imported:
        assert report.errors, "a refused file must say why"
        assert _snapshot(ctx) == before, "a refused file wrote to the database"
    return Outcome(report.imported, len(report.errors))


Case = Callable[[bytes], Outcome]
