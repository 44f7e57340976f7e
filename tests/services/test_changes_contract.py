"""Every service call that changes stored data says what it changed (``core.changes.Changes``).

Views refresh from the ``Changes`` a mutation returns (after Anki's ``OpChanges``), so a
mutation that returns none leaves some screen stale. This reads every public method of every
``*Service`` class in ``mht_desktop.services``: its return type must carry ``Changes`` (be
it, hold it in a tuple, or be a result with a ``changes`` field), unless it is listed below
as a read or as work on files outside the database. A new method must be one or the other.
"""

from __future__ import annotations

import ast
import collections.abc
import dataclasses
import importlib
import inspect
import pkgutil
import types
import typing
from collections.abc import Iterator

import pytest

import mht_desktop.services
from mht_desktop.core.changes import Changes

# Calls that change nothing stored: they read, or forget what the service keeps in memory.
READS = {
    "BankService": {"validate_file", "list", "load"},
    "CohortService": {"class_view", "instructors_view", "class_summary_steps", "class_summary"},
    "GuideService": {"chapters", "chapter", "chapter_html", "neighbours", "practice_topics",
                     "page", "reading_states", "toc", "position", "summary", "bookmarks",
                     "zoom", "search", "preview",
                     "invalidate_search"},  # drops the in-memory search index only
    "MemoryModelService": {"retention",
                           "optimize"},  # fits and reports; apply() stores the fit
    "PracticeService": {"validate_file", "imported_files", "catalogue", "scenario", "vignette",
                        "case", "summary", "history"},
    "ProfileService": {"list", "own", "get", "by_name", "settings"},
    "ProgramService": {"members"},
    "QuizService": {"blueprints", "topics", "view", "results", "history", "resumable"},
    "StatsService": {"period", "dashboard", "report", "practice"},
    "StudyService": {"reload",  # forgets cached settings and counts
                     "overview", "next_card", "queue_state", "outcomes", "card", "cram_queue",
                     "browse", "history", "topic_titles"},
    "BackupService": {"history"},
}
# Calls that write files outside the database (backups, exported banks): no view shows them.
FILES_ONLY = {
    "BackupService": {"create", "create_if_due", "thin"},
    "BankService": {"export"},
}


def _service_classes() -> Iterator[type]:
    for info in pkgutil.iter_modules(mht_desktop.services.__path__):
        module = importlib.import_module(f"mht_desktop.services.{info.name}")
        for name, value in vars(module).items():
            if inspect.isclass(value) and name.endswith("Service") \
                    and value.__module__ == module.__name__:
                yield value


def _public_methods(cls: type) -> Iterator[tuple[str, object]]:
    for name, value in vars(cls).items():
        if not name.startswith("_") and inspect.isfunction(value):
            yield name, value


def _type_checking_names(module: types.ModuleType) -> dict[str, object]:
    """The names a module imports only for type checking (``if TYPE_CHECKING:``)."""
    names: dict[str, object] = {}
    for node in ast.parse(inspect.getsource(module)).body:
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module:
                    source = importlib.import_module(statement.module)
                    for alias in statement.names:
                        names[alias.asname or alias.name] = getattr(source, alias.name)
    return names


def _return_type(cls: type, function: object) -> object:
    annotation = typing.cast(types.FunctionType, function).__annotations__.get("return")
    if isinstance(annotation, str):
        module = importlib.import_module(cls.__module__)
        namespace = {**vars(module), **_type_checking_names(module)}
        return eval(annotation, namespace)  # our own annotations, as get_type_hints does
    return annotation


def carries_changes(tp: object) -> bool:
    """Whether a value of type ``tp`` tells the caller what changed."""
    if tp is Changes:
        return True
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is tuple:
        return any(carries_changes(a) for a in args)
    if origin is collections.abc.Generator:  # long work: the generator's return value
        return carries_changes(args[2])
    if origin in (typing.Union, types.UnionType):  # "nothing happened" may be None
        present = [a for a in args if a is not type(None)]
        return bool(present) and all(carries_changes(a) for a in present)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return any(f.name == "changes" for f in dataclasses.fields(tp))
    return False


def _methods() -> list[tuple[str, str, object]]:
    return [(cls.__name__, name, _return_type(cls, fn)) for cls in _service_classes()
            for name, fn in _public_methods(cls)]


def test_the_services_are_found() -> None:
    names = {cls.__name__ for cls in _service_classes()}
    assert {"StudyService", "QuizService", "BankService", "ProfileService",
            "GuideService"} <= names


def test_every_mutation_returns_changes() -> None:
    missing = [f"{cls}.{name} -> {tp}" for cls, name, tp in _methods()
               if name not in READS.get(cls, set()) | FILES_ONLY.get(cls, set())
               and not carries_changes(tp)]
    assert not missing, ("these service calls change data but do not say what changed "
                         "(return Changes, or list them as reads): " + ", ".join(missing))


@pytest.mark.parametrize("listed", [READS, FILES_ONLY], ids=["reads", "files_only"])
def test_the_lists_name_real_methods(listed: dict[str, set[str]]) -> None:
    known = {(cls, name) for cls, name, _tp in _methods()}
    stale = sorted(f"{cls}.{name}" for cls, names in listed.items() for name in names
                   if (cls, name) not in known)
    assert not stale, f"no such service method (remove it from the list): {stale}"


def test_the_check_tells_a_mutation_from_a_read() -> None:
    @dataclasses.dataclass
    class WithChanges:
        changes: Changes

    assert carries_changes(Changes) and carries_changes(tuple[int, Changes])
    assert carries_changes(WithChanges | None)
    assert carries_changes(collections.abc.Generator[int, None, tuple[str, Changes]])
    assert not carries_changes(None) and not carries_changes(int | None)
    assert not carries_changes(tuple[int, str])
