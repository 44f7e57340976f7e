"""docs/program-server.md, followed from scratch: every SQL block and command, in order.

The SQL runs as the server's superuser (standing in for ``sudo -u postgres psql``), each
``$ …`` line through bash with ``mht-desktop`` from this environment. The only changes made to
the text are the address (the doc's db.example.org becomes the test server's socket) and the
password placeholders (the coordinator's comes from the doc's own SQL, a trainee's from what
``server add-trainee`` printed).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import psycopg

from tests.conftest import REPO
from tests.pg_server import LocalServer

DOC = REPO / "docs" / "program-server.md"
BLOCK = re.compile(r"```(sql|console)\n(.*?)```", re.S)
ADDRESS = re.compile(r"@db\.example\.org/program(\?sslmode=require)?")


def _steps() -> list[tuple[str, str]]:
    steps: list[tuple[str, str]] = []
    for kind, body in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        if kind == "sql":
            steps.append(("sql", body))
        else:
            steps += [("shell", line[2:]) for line in body.splitlines() if line.startswith("$ ")]
    return steps


def test_the_coordinators_guide_works_from_scratch(pg_server: LocalServer,
                                                   tmp_path: Path) -> None:
    steps = _steps()
    assert [k for k, _ in steps].count("shell") >= 7, "the guide lost its commands"
    socket = f"@/program?host={pg_server.socket_dir}"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
           "MHT_DESKTOP_HOME": str(tmp_path / "home"), "HOME": str(tmp_path)}
    coordinator_password = None
    printed: dict[str, str] = {}
    try:
        for kind, text in steps:
            if kind == "sql":
                coordinator_password = re.search(r"PASSWORD '([^']+)'", text)[1]  # type: ignore[index]
                with psycopg.connect(host=str(pg_server.socket_dir), dbname="postgres",
                                     user="mht_super", password=pg_server.password,
                                     autocommit=True) as conn:
                    for statement in filter(str.strip, text.split(";")):
                        conn.execute(statement.encode())
                continue
            line = ADDRESS.sub(socket, text)
            if line.startswith("export "):
                name, _, value = line.removeprefix("export ").partition("=")
                env[name] = shlex.split(value)[0]
                continue
            run_env = dict(env)
            if "PGPASSWORD=" in line:
                line = re.sub(r"PGPASSWORD='[^']*' ", "", line)
                run_env["PGPASSWORD"] = printed["password"]
            else:
                run_env["PGPASSWORD"] = coordinator_password or ""
            if "mht-desktop --database-url" in line and " profile " not in line:
                continue  # opens the window: the check on the next line logs in instead
            done = subprocess.run(["bash", "-c", line], env=run_env, capture_output=True,
                                  text=True, timeout=120, check=False)
            assert done.returncode == 0, f"{text}\n{done.stdout}\n{done.stderr}"
            if "add-trainee" in line:
                printed["password"] = re.search(r"password:\s+(\S+)", done.stdout)[1]  # type: ignore[index]
                assert "login:     program_ana_diaz" in done.stdout
            if " profile list" in line:
                assert done.stdout.splitlines() == ["Ana Diaz"]
            if "server list" in line:
                assert "Ida Marsh\tinstructor\tspring-2027" in done.stdout
            if "remove-trainee" in line:
                assert "their history is kept" in done.stdout
    finally:
        pg_server.drop_database("program")
        for role in ("program_ana_diaz", "program_ida_marsh", "program_trainees",
                     "program_instructors", "mht_coordinator"):
            pg_server.admin_sql(f'DROP ROLE IF EXISTS "{role}"')
