"""The composition root: one object that owns the database, the clock and the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mht_desktop.core.clock import Clock, SystemClock
from mht_desktop.services.banks import BankService
from mht_desktop.services.profiles import ProfileService
from mht_desktop.storage.database import Database
from mht_desktop.storage.paths import resolve_data_dir

# Each service below is imported when first asked for: a window that opens on the guide
# never loads the scheduler, and the command line loads only what its command needs.
if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from mht_desktop.services.backups import BackupService
    from mht_desktop.services.cohort import CohortService
    from mht_desktop.services.guide import GuideService
    from mht_desktop.services.memory_model import MemoryModelService
    from mht_desktop.services.outbox import Outbox
    from mht_desktop.services.practice import PracticeService
    from mht_desktop.services.program import ProgramService
    from mht_desktop.services.quiz import QuizService
    from mht_desktop.services.stats import StatsService
    from mht_desktop.services.study import StudyService


def outbox_file(folder: Path, url: URL) -> Path:
    """The outbox file in ``folder`` for the server login ``url`` connects with."""
    import hashlib

    login = url.render_as_string(hide_password=True)
    return folder / f"outbox-{hashlib.sha256(login.encode()).hexdigest()[:16]}.sqlite3"


@dataclass
class AppContext:
    """Everything a front end (window, CLI, benchmark) needs to talk to the app."""

    db: Database
    data_dir: Path | None
    clock: Clock = field(default_factory=SystemClock)
    # Server mode: answers are kept here until the server has them (see attach_outbox).
    outbox: Outbox | None = None
    # Started offline (see open_offline): ``db`` is the local replica, this is the server.
    server_db: Database | None = None

    @property
    def offline(self) -> bool:
        """Whether the app studies from the offline replica (the server was unreachable)."""
        return self.server_db is not None

    @classmethod
    def open(cls, data_dir: str | Path | None = None, *, clock: Clock | None = None) -> AppContext:
        """Open the data folder (creating and migrating the database as needed).

        Raises:
            DataDirError: the folder is unusable.
            DatabaseError: the database is damaged, locked or too new.
        """
        path = resolve_data_dir(data_dir)
        return cls(db=Database.open(path), data_dir=path, clock=clock or SystemClock())

    @classmethod
    def open_url(cls, url: str, *, clock: Clock | None = None,
                 upgrade: bool = False) -> AppContext:
        """Open a training program's PostgreSQL server instead of a local data folder.

        Args:
            url: ``postgresql+psycopg://NAME:PASSWORD@HOST/DATABASE``.
            clock: The clock (tests pass a fixed one).
            upgrade: migrate an older schema (only the coordinator may).

        Raises:
            DatabaseError: the server cannot be reached, refuses the login, or has a schema
                this app cannot use.
        """
        return cls(db=Database.open_url(url, upgrade=upgrade), data_dir=None,
                   clock=clock or SystemClock())

    @classmethod
    def open_offline(cls, url: str, data_dir: Path, *,
                     clock: Clock | None = None) -> AppContext:
        """Study from the offline replica of ``url``'s login while its server is unreachable.

        Flashcards are chosen from the schedules the server last had (services/replica.py);
        answers go to the outbox, and from it to the server once it is back.

        Raises:
            ServerUnreachableError: there is no replica for this login yet (it is made the
                first time the app connects).
        """
        from mht_desktop.services.replica import open_replica

        return cls(db=open_replica(data_dir, url), data_dir=None, clock=clock or SystemClock(),
                   server_db=Database.open_url_later(url))

    @classmethod
    def in_memory(cls, *, clock: Clock | None = None) -> AppContext:
        """A context on a throwaway database (tests, benchmarks)."""
        return cls(db=Database.in_memory(), data_dir=None, clock=clock or SystemClock())

    @property
    def profiles(self) -> ProfileService:
        """Learner profiles."""
        return ProfileService(self.db, self.clock)

    @property
    def backups(self) -> BackupService:
        """Backups of the local database (see services/backups.py)."""
        from mht_desktop.services.backups import BackupService

        return BackupService(self.db, self.clock)

    @property
    def banks(self) -> BankService:
        """Question banks."""
        return BankService(self.db, self.clock)

    @property
    def cohort(self) -> CohortService:
        """The class view's figures (an instructor's cohort on a program's server)."""
        from mht_desktop.services.cohort import CohortService

        # Started offline: still the server's figures, as soon as it can be reached.
        return CohortService(self.server_db or self.db, self.clock)

    @property
    def program(self) -> ProgramService:
        """A training program's server, for its coordinator (server mode only)."""
        from mht_desktop.services.program import ProgramService

        return ProgramService(self.db, self.clock)

    def study(self, profile_id: int) -> StudyService:
        """Flashcard study for one learner (keep the instance: it holds the undo stack)."""
        from mht_desktop.services.study import StudyService

        return StudyService(self.db, self.clock, profile_id, outbox=self.outbox)

    def quiz(self, profile_id: int) -> QuizService:
        """Quizzes for one learner (keep the instance: it runs the exam clock)."""
        from mht_desktop.services.quiz import QuizService

        # Started offline: quizzes and exams are built from the replica and reach the server
        # through the outbox (services/quiz_offline.py). On the server, an exam already
        # running when it goes away carries on into the outbox.
        if self.offline and self.outbox is not None:
            return QuizService(self.db, self.clock, profile_id, outbox=self.outbox,
                               offline=True)
        return QuizService(self.server_db or self.db, self.clock, profile_id,
                           outbox=self.outbox)

    def guide(self, profile_id: int) -> GuideService:
        """The career guide for one learner (keep the instance: it caches pages and search)."""
        from mht_desktop.services.guide import GuideService

        return GuideService(self.db, self.clock, profile_id)

    def stats(self, profile_id: int) -> StatsService:
        """Progress figures and report data for one learner (cheap; make one when needed)."""
        from mht_desktop.services.stats import StatsService

        return StatsService(self.db, self.clock, profile_id)

    def attach_outbox(self, folder: Path) -> Outbox:
        """Keep answers in an outbox in ``folder`` while the server cannot be reached.

        One outbox file per server login, so two people sharing a laptop keep theirs apart.
        """
        from mht_desktop.services.outbox import Outbox
        from mht_desktop.storage.outbox import OutboxStore

        server = self.server_db or self.db
        self.outbox = Outbox(server, OutboxStore(outbox_file(folder, server.engine.url)),
                             self.clock, local=self.db if self.offline else None)
        return self.outbox

    def memory_model(self, profile_id: int) -> MemoryModelService:
        """FSRS fitted to one learner ("Optimize") and their true retention."""
        from mht_desktop.services.memory_model import MemoryModelService

        return MemoryModelService(self.db, self.clock, profile_id)

    def practice(self, profile_id: int | None) -> PracticeService:
        """Drills, notes and disclosure cases for one learner (None: file checks only)."""
        from mht_desktop.services.practice import PracticeService

        return PracticeService(self.db, self.clock, profile_id)

    def close(self) -> None:
        """Release the database (and the outbox file)."""
        if self.outbox is not None:
            self.outbox.close()
        if self.server_db is not None:
            self.server_db.close()
        self.db.close()
