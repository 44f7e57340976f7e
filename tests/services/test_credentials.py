"""Server passwords come from the OS keychain or from the person, never from our files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as NoKeychain
from tests.pg_server import LocalServer

from mht_desktop.cli.main import build_parser, open_context
from mht_desktop.services.credentials import PasswordNeeded, complete_url, login_key


class MemoryKeychain(KeyringBackend):
    """A keychain in memory: the machine has no Secret Service, so this stands in for it."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def keychain() -> Iterator[MemoryKeychain]:
    before = keyring.get_keyring()
    chain = MemoryKeychain()
    keyring.set_keyring(chain)
    yield chain
    keyring.set_keyring(before)


@pytest.fixture
def no_keychain() -> Iterator[None]:
    before = keyring.get_keyring()
    keyring.set_keyring(NoKeychain())
    yield
    keyring.set_keyring(before)


def test_a_url_with_its_own_password_is_used_as_it_is() -> None:
    url = "postgresql+psycopg://ana:pw@/program?host=/run/pg"
    assert complete_url(url) == (url, False)


@pytest.mark.usefixtures("no_keychain")
def test_without_a_keychain_the_person_is_asked_and_nothing_is_written(tmp_path: Path) -> None:
    url = "postgresql+psycopg://ana@db.example.org/program"
    asked: list[str] = []
    full, was_asked = complete_url(url, lambda login: asked.append(login) or "s3cret")
    assert was_asked and asked == ["ana@db.example.org/program"]
    assert full == "postgresql+psycopg://ana:s3cret@db.example.org/program?sslmode=require"
    with pytest.raises(PasswordNeeded, match="password for ana@db.example.org/program"):
        complete_url(url)  # nobody to ask (no terminal, no window)


def test_the_cli_keeps_a_password_that_worked_in_the_keychain(
        keychain: MemoryKeychain, pg_server: LocalServer, pg_head_url: str,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bare = pg_head_url.replace(f":{pg_server.password}@", "@")
    args = build_parser().parse_args(["--database-url", bare, "profile", "list"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: pg_server.password)
    open_context(args).close()
    assert keychain.items == {("mht-desktop", login_key(bare)): pg_server.password}
    # Next time the keychain answers; nobody is asked.
    monkeypatch.setattr("getpass.getpass", lambda prompt: pytest.fail("asked again"))
    open_context(args).close()
    assert not any(pg_server.password in p.read_text(errors="replace")
                   for p in tmp_path.rglob("*") if p.is_file())
