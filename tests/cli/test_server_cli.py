"""``mht-desktop server …`` against a real PostgreSQL: set up, add, list, remove."""

from __future__ import annotations

import re
from urllib.parse import quote

import psycopg
import pytest
from tests.pg_server import LocalServer

from mht_desktop.launcher import main


def _credentials(out: str) -> tuple[str, str, str]:
    login = re.search(r"login:\s+(\S+)", out)
    password = re.search(r"password:\s+(\S+)", out)
    url = re.search(r"server:\s+(\S+)", out)
    assert login and password and url, out
    return login[1], password[1], url[1]


def test_a_coordinator_sets_up_the_server_and_hands_out_logins(
        pg_server: LocalServer, pg_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    coordinator = pg_server.url(pg_database)
    assert main(["server", "init", coordinator]) == 0
    assert "is ready: schema" in capsys.readouterr().out
    assert main(["--database-url", coordinator, "server", "add-trainee", "Ana Diaz",
                 "--cohort", "spring"]) == 0
    out = capsys.readouterr().out
    role, password, url = _credentials(out)
    assert role == f"{pg_database}_ana_diaz" and "shown only this once" in out
    assert pg_server.password not in out  # the coordinator's own password stays theirs
    assert password not in url and url.startswith(f"postgresql+psycopg://{role}@/")

    with psycopg.connect(host=str(pg_server.socket_dir), dbname=pg_database, user=role,
                         password=password) as conn:
        assert conn.execute("SELECT name, cohort FROM profiles").fetchall() == [
            ("Ana Diaz", "spring")]
    trainee = url.replace(f"{role}@", f"{role}:{quote(password, safe='')}@")
    assert main(["--database-url", trainee, "profile", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["Ana Diaz"]

    assert main(["--database-url", coordinator, "server", "add-instructor", "Ida Marsh",
                 "--cohort", "spring"]) == 0
    capsys.readouterr()
    assert main(["--database-url", coordinator, "server", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Ida Marsh\tinstructor\tspring\t")
    assert lines[1].startswith(f"Ana Diaz\ttrainee\tspring\t{role}\tlast active never")

    # Running init again (after an app update) is safe and keeps everyone.
    assert main(["server", "init", coordinator]) == 0
    assert main(["--database-url", coordinator, "server", "add-trainee", "ana diaz"]) == 1
    assert "already on this server" in capsys.readouterr().err

    assert main(["--database-url", coordinator, "server", "remove-trainee", "Ana Diaz",
                 "--keep-history"]) == 1  # not a terminal, and no --yes
    assert "add --yes" in capsys.readouterr().err
    assert main(["--database-url", coordinator, "server", "remove-trainee", "Ana Diaz",
                 "--keep-history", "--yes"]) == 0
    assert "history is kept" in capsys.readouterr().out
    assert main(["--database-url", trainee, "profile", "list"]) == 1
    assert "refused the login" in capsys.readouterr().err
    assert main(["--database-url", coordinator, "server", "list"]) == 0
    assert "Ana Diaz\ttrainee\tspring\t(removed; history kept)" in capsys.readouterr().out
    for group in ("trainees", "instructors"):
        pg_server.admin_sql(f'DROP OWNED BY "{pg_database}_{group}" CASCADE', pg_database)
        pg_server.admin_sql(f'DROP ROLE "{pg_database}_{group}"')
    pg_server.admin_sql(f'DROP ROLE "{pg_database}_ida_marsh"')


def test_server_commands_need_a_server(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["server", "list"]) == 2
    assert "--database-url" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["server", "remove-trainee", "Ana"])  # keep or delete: the coordinator chooses
    assert exit_info.value.code == 2
