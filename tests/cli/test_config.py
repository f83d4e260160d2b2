"""The configuration file and where the database comes from."""

from __future__ import annotations

from pathlib import Path

import pytest

from packweb_tui.config import Config, load_config, resolve_db_url
from packweb_tui.domain.errors import InputError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "packweb.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[database]
url = "postgresql+asyncpg://packweb@db/packweb"
[smtp]
host = "smtp.exemple.fr"
port = 465
security = "tls"
password_file = "secrets/smtp"
sender = "Intendance <intendance@exemple.fr>"
[portal]
url = "https://portail.exemple.fr"
[portal.tokens]
0750655e = "/etc/packweb/tokens/0750655E"
[sync]
schedule = "0 3 * * *"
""",
    )
    config = load_config(str(path))
    assert config.database_url == "postgresql+asyncpg://packweb@db/packweb"
    assert (config.smtp.host, config.smtp.port, config.smtp.security) == (
        "smtp.exemple.fr",
        465,
        "tls",
    )
    assert config.smtp.password_file == tmp_path / "secrets/smtp"  # relative to the file
    assert config.portal.token_files == {"0750655E": Path("/etc/packweb/tokens/0750655E")}
    assert config.sync_schedule == "0 3 * * *"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[smtp]\nsecurity = 'ssl'\n", "starttls, tls ou none"),
        ("[smtp]\nport = '25'\n", "[smtp] port : int attendu"),
        ("database = 3\n", "[database] doit être une section"),
        ("[database\n", "TOML invalide"),
        ("[portal.tokens]\n0750655E = 3\n", "[portal.tokens]"),
        ("keys = 'ctrl+e'\n", "[keys] doit être une section"),
        ("[keys]\n'app.help' = 1\n", "[keys] app.help : touches attendues"),
    ],
)
def test_bad_files_say_what_and_where(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_config(str(path))
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_keys_by_binding_id_quoted_or_dotted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[keys]
"establishment.switch" = "f2"
requests.approve = "a,ctrl+g"
[keys.app]
help = "f1"
""",
    )
    assert load_config(str(path)).keys == {
        "establishment.switch": "f2",
        "requests.approve": "a,ctrl+g",
        "app.help": "f1",
    }


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="introuvable"):
        load_config(str(tmp_path / "nope.toml"))


def test_database_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PACKWEB_DB_URL", raising=False)
    from_file = Config(database_url="sqlite+aiosqlite:////from/file.db")
    assert resolve_db_url("x.db", from_file) == "x.db"
    assert resolve_db_url(None, from_file) == "sqlite+aiosqlite:////from/file.db"
    monkeypatch.setenv("PACKWEB_DB_URL", "sqlite+aiosqlite:////from/env.db")
    assert resolve_db_url(None, from_file) == "sqlite+aiosqlite:////from/env.db"
    monkeypatch.delenv("PACKWEB_DB_URL")
    assert resolve_db_url(None, Config()).endswith("packweb.db")


def test_config_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "[letters]\ndirectory = 'lettres'\n")
    monkeypatch.setenv("PACKWEB_CONFIG", str(path))
    assert load_config(None).letters_directory == tmp_path / "lettres"


def test_the_print_command_is_split_as_a_shell_would(tmp_path: Path) -> None:
    """[letters] print_command: words and quotes as in a shell, run without one."""
    path = write(tmp_path, "[letters]\nprint_command = 'lp -d intendance -t \"Édition du jour\"'\n")
    assert load_config(str(path)).print_command == (
        "lp",
        "-d",
        "intendance",
        "-t",
        "Édition du jour",
    )
    assert load_config(str(write(tmp_path, "[letters]\n"))).print_command == ()
    for text, message in (
        ("print_command = 'lp -t \"sans fin'", "[letters] print_command : guillemet non refermé"),
        ("print_command = '  '", "[letters] print_command : une commande attendue"),
        ("print_command = ['lp']", "[letters] print_command : "),  # its type, said in words
    ):
        with pytest.raises(InputError) as caught:
            load_config(str(write(tmp_path, f"[letters]\n{text}\n")))
        assert message in str(caught.value) and str(path) in str(caught.value)
