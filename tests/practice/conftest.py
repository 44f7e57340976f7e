"""Small practice files for the tests: a valid scenario, vignette and case, and helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

SCENARIO = '''
format = 1

[scenario]
id = "test-scenario"
title = "Test scenario"
setting = "residential"
person = "A resident."
situation = "Evening."
call_for_help = "Call the nurse if voices rise; the team if anyone is threatened."
start = "a"
sources = ["C3"]
reviewed = 2026-12-01

[[node]]
id = "a"
level = "anxious"
says = "I want my phone."
does = "Pacing."

[[node.choice]]
text = "Listen"
goto = "calm"
rating = "best"
technique = "Listening"
feedback = "Good."
source = "C3"

[[node.choice]]
text = "Grab his arm"
goto = "worse"
rating = "poor"
technique = "Hands-on early"
feedback = "No."
source = "C6"
hands_on = true

[[node.choice]]
text = "Call the nurse"
goto = "calm"
rating = "ok"
technique = "Help"
feedback = "Fine."
source = "C3"
calls_help = true

[[node]]
id = "worse"
level = "acting-out"
says = "Get off!"
does = "Swings."

[[node.choice]]
text = "Call the team and step back"
goto = "team"
rating = "best"
technique = "Team"
feedback = "Right."
source = "C1"
calls_help = true

[[node.choice]]
text = "Shout"
goto = "hurt"
rating = "poor"
technique = "Volume"
feedback = "No."
source = "C3"

[[node]]
id = "calm"
level = "calm"
ending = "resolved"
rating = "best"
says = "Thanks."
summary = "Talked down."

[[node]]
id = "team"
level = "tension-reduction"
ending = "team-called"
rating = "ok"
says = "Okay."
summary = "The team helped."

[[node]]
id = "hurt"
level = "acting-out"
ending = "harm"
rating = "poor"
says = "..."
summary = "Someone was hurt."
'''

VIGNETTES = '''
format = 1

[[vignette]]
id = "test-vignette"
title = "Test vignette"
format = "narrative"
observation = """
10:00 The resident says "I am going to run away tonight" and packs a bag.
"""
prompt = "Write the note for 10:00."
exemplar = """
10:00 Pt stated "I am going to run away tonight" and packed a bag. RN informed at 10:02.
- A. Tech, MHT
"""
sources = ["D1"]
reviewed = 2026-12-01
'''

CASES = '''
format = 1

[[case]]
id = "test-case"
title = "Test case"
requester = "family"
request = "Is my son there?"
context = "He objected to telling anyone."
debrief = "Share nothing; take a message."
sources = ["B4"]
reviewed = 2026-12-01

[[case.field]]
field = "presence"
content = "Here since Monday."
expect = "withhold"
why = "He objected."
rule = "B4"

[[case.field]]
field = "medications"
content = "None."
expect = "withhold"
why = "He objected."
rule = "B4"

[[case.field]]
field = "diagnoses"
content = "Depression."
expect = "withhold"
why = "He objected."
rule = "B4"

[[case.action]]
action = "take-message"
expect = "do"
why = "You may always listen."
rule = "B4"
authority = "federal law"
'''


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write ``text`` to ``name`` in a temporary folder and return the path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
