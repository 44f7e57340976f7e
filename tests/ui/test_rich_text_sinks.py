"""Reads the UI source: every place text can become Qt rich text goes through ui/rich_text.py.

Qt shows a label, tooltip or message box as HTML whenever the text looks like HTML, and a
rich-text document loads the files its ``<img>`` tags name. So the rules, checked here on the
syntax tree of every module under ``src/mht_desktop/ui`` (and ``rendering`` for documents):

1. No bare ``QLabel``, ``QMessageBox``, ``QTextBrowser``, ``QTextEdit`` or ``QTextDocument``:
   use ``plain_label`` / ``RichLabel``, ``message`` / ``ask``, ``SafeTextBrowser``,
   ``SafeTextDocument`` (which escape, force plain text, or load nothing).
2. No ``setTextFormat(RichText / AutoText)`` outside the helper module.
3. A tooltip is a string literal or built by ``tooltip(...)``.
4. HTML we build (``setHtml``, ``RichLabel``, and any f-string whose literal parts contain a
   tag) interpolates only escaped or numeric values; a line that interpolates HTML built
   elsewhere says so with ``# html-safe`` and why.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "mht_desktop"
HELPERS = {SRC / "ui" / "rich_text.py", SRC / "rendering" / "safe_document.py"}
BANNED_CLASSES = {"QLabel", "QMessageBox", "QTextBrowser", "QTextEdit", "QTextDocument"}
# Calls whose result is escaped text or HTML built only from escaped parts.
SAFE_CALLS = {"escape", "escape_html", "_e", "tooltip", "markdown_to_html", "inline_markdown"}
# Calls that return numbers, dates or our own fixed words, never bank text.
NUMERIC_CALLS = {"len", "int", "round", "percent", "format_clock", "sum", "min", "max", "abs"}
TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*[\s>/]")
PRAGMA = "# html-safe"


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(SRC.parent.parent)}:{self.line}: {self.what}"


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_safe_value(node: ast.AST) -> bool:
    """Whether an interpolated expression can hold no bank text (or is already escaped)."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Call):
        name = _name(node.func)
        return name in SAFE_CALLS or name in NUMERIC_CALLS
    if isinstance(node, ast.BinOp) and not isinstance(node.op, ast.Mod):
        sides = (node.left, node.right)
        if any(isinstance(s, ast.Constant) and isinstance(s.value, (int, float)) for s in sides):
            return True  # arithmetic on a number is a number
        return _is_safe_value(node.left) and _is_safe_value(node.right)
    if isinstance(node, ast.UnaryOp):
        return _is_safe_value(node.operand)
    if isinstance(node, ast.IfExp):
        return _is_safe_value(node.body) and _is_safe_value(node.orelse)
    if isinstance(node, ast.JoinedStr):
        return all(_is_safe_value(v) for v in node.values)
    if isinstance(node, ast.FormattedValue):
        # A format spec (":.1f", ":,", ":%Y-%m-%d") only applies to numbers and dates.
        return node.format_spec is not None or _is_safe_value(node.value)
    return False


def _is_safe_html(node: ast.AST) -> bool:
    """Whether an argument handed to a rich-text sink is built only from safe parts."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Call) and _name(node.func) in SAFE_CALLS:
        return True
    if isinstance(node, ast.JoinedStr):
        return all(_is_safe_value(v) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_safe_html(node.left) and _is_safe_html(node.right)
    if isinstance(node, ast.IfExp):
        return _is_safe_html(node.body) and _is_safe_html(node.orelse)
    return False


def _literal_text(node: ast.JoinedStr) -> str:
    return "".join(v.value for v in node.values
                   if isinstance(v, ast.Constant) and isinstance(v.value, str))


def _pragma_lines(source: str) -> set[int]:
    return {i for i, line in enumerate(source.splitlines(), 1) if PRAGMA in line}


def _findings(path: Path) -> list[Finding]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    allowed = _pragma_lines(source)
    found: list[Finding] = []
    rich_labels: set[str] = set()
    plain_labels: set[str] = set()  # QLabel(): Qt guesses, so computed text must not go in
    in_ui = path.is_relative_to(SRC / "ui")

    def flag(node: ast.AST, what: str) -> None:
        first = getattr(node, "lineno", 0)
        last = getattr(node, "end_lineno", first) or first
        if not any(line in allowed for line in range(first, last + 1)):
            found.append(Finding(path, first, what))

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and _name(node.value.func) == "RichLabel":
            rich_labels.update(n for t in node.targets if (n := _name(t)))
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and _name(node.value.func) == "QLabel":
            plain_labels.update(n for t in node.targets if (n := _name(t)))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                if _name(base) in BANNED_CLASSES:
                    flag(node, f"class {node.name} derives from {_name(base)}: derive from the "
                               "safe classes in ui/rich_text.py")
        if in_ui and isinstance(node, ast.JoinedStr) and TAG.search(_literal_text(node)) \
                and not _is_safe_html(node):
            flag(node, "HTML f-string interpolates a value that is not escaped")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = _name(func)
        receiver = _name(func.value) if isinstance(func, ast.Attribute) else None
        if name == "QLabel":
            if node.args and not isinstance(node.args[0], ast.Constant):
                flag(node, "QLabel(computed text): Qt may read it as HTML; use plain_label")
        elif name in BANNED_CLASSES or receiver in BANNED_CLASSES - {"QTextDocument"}:
            flag(node, f"{receiver + '.' if receiver else ''}{name}(…): use the helpers in "
                       "ui/rich_text.py (message, ask, SafeTextBrowser, SafeTextDocument)")
        if name == "setText" and receiver in plain_labels and node.args \
                and not isinstance(node.args[0], ast.Constant):
            flag(node, f"{receiver}.setText(computed text) on a QLabel that guesses the "
                       "format: make it a plain_label")
        if name == "setTextFormat" and node.args and _name(node.args[0]) in {"RichText",
                                                                             "AutoText"}:
            flag(node, "setTextFormat(RichText/AutoText): use RichLabel")
        if name in {"setToolTip", "showText", "setWhatsThis"} and node.args:
            text = node.args[-1]
            numeric = _is_safe_value(text)  # a number, or one of our own phrases
            if not isinstance(text, ast.Constant) and not numeric and not (
                    isinstance(text, ast.Call) and _name(text.func) == "tooltip"):
                flag(node, f"{name}(…) with computed text: wrap it in tooltip(…)")
        if name in {"setHtml", "RichLabel"} and node.args and not _is_safe_html(node.args[0]):
            flag(node, f"{name}(…) with text that is not escaped")
        if name == "setText" and receiver in rich_labels and node.args \
                and not _is_safe_html(node.args[0]):
            flag(node, f"{receiver}.setText(…) on a RichLabel with text that is not escaped")
    return found


def _modules() -> list[Path]:
    paths = sorted((SRC / "ui").rglob("*.py")) + sorted((SRC / "rendering").rglob("*.py"))
    return [p for p in paths if p not in HELPERS]


# Modules written in parallel with the helpers (the Optimize dialog, the outbox label, the error
# dialog, the flashcard review page after its split, the export notice, the exam results) are
# not converted yet. They are listed by file so that no *other* module may add a sink; remove
# a file from this list once it goes through the helpers.
NOT_YET_CONVERTED = frozenset({
})


def test_every_rich_text_sink_goes_through_the_helpers() -> None:
    findings = [str(f) for path in _modules() for f in _findings(path)
                if path.relative_to(SRC).as_posix() not in NOT_YET_CONVERTED]
    assert not findings, "Rich-text sinks that bypass ui/rich_text.py:\n" + "\n".join(findings)


def test_the_checker_catches_each_kind_of_sink(tmp_path: Path) -> None:
    (tmp_path / "ui").mkdir()
    bad = tmp_path / "ui" / "bad.py"
    bad.write_text(
        "from PySide6.QtWidgets import QLabel, QMessageBox\n"
        "label = QLabel(bank.title)\n"
        "QMessageBox.question(None, 'Remove', f'Remove {title}?')\n"
        "widget.setToolTip(f'{topic.title}: {topic.explain()}')\n"
        "view.setHtml(f'<h3>{row.front}</h3>')\n"
        "html = f'<b>{name}</b>'\n"
        "label.setTextFormat(Qt.TextFormat.RichText)\n"
        "class Browser(QTextBrowser):\n    pass\n"
        "counts = RichLabel()\ncounts.setText(f'<b>{deck.title}</b>')\n",
        encoding="utf-8")
    good = tmp_path / "ui" / "good.py"
    good.write_text(
        "label = plain_label(bank.title)\n"
        "ask(None, 'Remove', f'Remove {title}?')\n"
        "widget.setToolTip(tooltip(f'{topic.title}: {topic.explain()}'))\n"
        "view.setHtml(f'<h3>{escape(row.front)}</h3><p>{len(rows)} · {when:%Y-%m-%d}</p>')\n"
        "counts = RichLabel()\ncounts.setText(f'<b>{escape(deck.title)}</b> {n + 1}')\n"
        "page = f'<style>{css}</style>{body}'  # html-safe: css is ours, body was escaped\n",
        encoding="utf-8")
    global SRC
    saved, SRC = SRC, tmp_path
    try:
        lines = sorted(f.line for f in _findings(bad))
        assert _findings(good) == []
    finally:
        SRC = saved
    # QLabel, QMessageBox, setToolTip, setHtml (+ its f-string), bare f-string, RichText,
    # the subclass, and the RichLabel.setText (+ its f-string).
    assert lines == [2, 3, 4, 5, 5, 6, 7, 8, 11, 11]
