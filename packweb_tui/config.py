"""Configuration: where the database is, how to send mail, how to reach the portal.

Order of precedence for the database: `--db`, then `PACKWEB_DB_URL`, then `[database] url`
of the configuration file, then a SQLite file in the user's data directory. The file itself
is `--config`, else `PACKWEB_CONFIG`, else `<user config dir>/packweb/packweb.toml`, else
`/etc/packweb/packweb.toml`. Secrets are read from files, never written in the TOML."""

from __future__ import annotations

import getpass
import os
import shlex
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from packweb_tui.domain.errors import InputError

SYSTEM_CONFIG = Path("/etc/packweb/packweb.toml")
DEFAULT_SYNC_SCHEDULE = "30 2 * * *"  # nightly at 02:30, Europe/Paris
# The demo's portal: where `packweb portal serve` listens by default (docs/portal-api.md).
DEMO_PORTAL_URL = "http://127.0.0.1:8080"


def user_config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("packweb")) / "packweb.toml"


def user_data_dir() -> Path:
    from platformdirs import user_data_dir as data_dir

    return Path(data_dir("packweb"))


def letters_dir(config: Config) -> Path:
    """Where letters written for the operator go ([letters] directory, else beside the data)."""
    return config.letters_directory or user_data_dir() / "lettres"


def default_db_url() -> str:
    return f"sqlite+aiosqlite:///{user_data_dir() / 'packweb.db'}"


def operator_login() -> str:
    """The OS login of whoever runs this: every action is recorded under it."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}"


@dataclass(frozen=True)
class SmtpConfig:
    host: str = "localhost"
    port: int = 587
    security: str = "starttls"
    username: str | None = None
    password_file: Path | None = None  # else the PACKWEB_SMTP_PASSWORD environment variable
    sender: str | None = None
    timeout: float = 30.0  # seconds, for connecting and for each SMTP command
    ca_file: Path | None = None  # the authority of a relay with a private certificate


@dataclass(frozen=True)
class PortalConfig:
    url: str | None = None
    token_files: dict[str, Path] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    database_url: str | None = None
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    portal: PortalConfig = field(default_factory=PortalConfig)
    sync_schedule: str = DEFAULT_SYNC_SCHEDULE
    letters_directory: Path | None = None
    letter_logos: dict[str, Path] = field(default_factory=dict)  # UAI → PNG or JPEG
    print_command: tuple[str, ...] = ()  # [letters] print_command, split as a shell would
    keys: dict[str, str] = field(default_factory=dict)  # binding id → keys (tui/keymap.py)


def with_demo_portal(config: Config) -> Config:
    """The demo's configuration: its letters name the demo's portal, unless the file names
    one ([portal] url)."""
    if config.portal.url:
        return config
    return replace(config, portal=replace(config.portal, url=DEMO_PORTAL_URL))


def find_config_path(explicit: str | None) -> Path | None:
    """The configuration file to read, or None when there is none (all defaults)."""
    if explicit:
        return Path(explicit).expanduser()
    if env := os.environ.get("PACKWEB_CONFIG"):
        return Path(env).expanduser()
    for candidate in (user_config_path(), SYSTEM_CONFIG):
        if candidate.is_file():
            return candidate
    return None


def load_config(explicit: str | None = None) -> Config:
    """Read and check the configuration file; InputError naming the file and the key."""
    path = find_config_path(explicit)
    if path is None:
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("fichier de configuration introuvable", str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"TOML invalide : {error}", str(path)) from None
    return _parse(raw, path)


def _parse(raw: dict[str, Any], path: Path) -> Config:
    def section(name: str) -> dict[str, Any]:
        value = raw.get(name, {})
        if not isinstance(value, dict):
            raise InputError(f"[{name}] doit être une section", str(path))
        return value

    def get(sec: dict[str, Any], name: str, key: str, kind: type, default: Any) -> Any:
        value = sec.get(key, default)
        if value is not None and not isinstance(value, kind):
            raise InputError(f"[{name}] {key} : {kind.__name__} attendu", str(path))
        return value

    def as_path(value: str | None) -> Path | None:
        return None if value is None else (path.parent / Path(value).expanduser())

    db, smtp, portal, sync, letters = (
        section(n) for n in ("database", "smtp", "portal", "sync", "letters")
    )
    security = get(smtp, "smtp", "security", str, "starttls")
    if security not in ("starttls", "tls", "none"):
        raise InputError(f"[smtp] security « {security} » : starttls, tls ou none", str(path))
    tokens = portal.get("tokens", {})
    if not isinstance(tokens, dict) or not all(isinstance(v, str) for v in tokens.values()):
        raise InputError('[portal.tokens] : UAI = "chemin du fichier" attendu', str(path))
    logos = letters.get("logos", {})
    if not isinstance(logos, dict) or not all(isinstance(v, str) for v in logos.values()):
        raise InputError('[letters.logos] : UAI = "chemin de l\'image" attendu', str(path))
    return Config(
        path=path,
        database_url=get(db, "database", "url", str, None),
        smtp=SmtpConfig(
            host=get(smtp, "smtp", "host", str, "localhost"),
            port=get(smtp, "smtp", "port", int, 587),
            security=security,
            username=get(smtp, "smtp", "username", str, None),
            password_file=as_path(get(smtp, "smtp", "password_file", str, None)),
            sender=get(smtp, "smtp", "sender", str, None),
            timeout=_timeout(smtp.get("timeout", 30.0), path),
            ca_file=as_path(get(smtp, "smtp", "ca_file", str, None)),
        ),
        portal=PortalConfig(
            url=get(portal, "portal", "url", str, None),
            token_files={uai.upper(): as_path(p) or Path(p) for uai, p in tokens.items()},
        ),
        sync_schedule=get(sync, "sync", "schedule", str, DEFAULT_SYNC_SCHEDULE),
        letters_directory=as_path(get(letters, "letters", "directory", str, None)),
        letter_logos={uai.upper(): as_path(p) or Path(p) for uai, p in logos.items()},
        print_command=_command(get(letters, "letters", "print_command", str, None), path),
        keys=_keys(section("keys"), path),
    )


def _keys(table: dict[str, Any], path: Path, prefix: str = "") -> dict[str, str]:
    """[keys]: binding id = "keys". The dots of an id may be TOML's own (requests.approve =
    "a" makes a table `requests`): the tables are read back into ids."""
    found: dict[str, str] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            found.update(_keys(value, path, f"{prefix}{name}."))
        elif isinstance(value, str):
            found[f"{prefix}{name}"] = value
        else:
            example = '"ctrl+e" ou "f2,ctrl+e"'
            raise InputError(f"[keys] {prefix}{name} : touches attendues, ex. {example}", str(path))
    return found


def _command(value: str | None, path: Path) -> tuple[str, ...]:
    """[letters] print_command: a program and its arguments, split as a shell would (quotes
    group words), run without a shell; the édition's path is added last."""
    if value is None:
        return ()
    try:
        words = tuple(shlex.split(value))
    except ValueError:  # an unclosed quote
        raise InputError("[letters] print_command : guillemet non refermé", str(path)) from None
    if not words:
        raise InputError(
            '[letters] print_command : une commande attendue, ex. "lp -d intendance"', str(path)
        )
    return words


def _timeout(value: Any, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 600:
        raise InputError("[smtp] timeout : un nombre de secondes, au plus 600", str(path))
    return float(value)


def resolve_db_url(explicit: str | None, config: Config) -> str:
    return explicit or os.environ.get("PACKWEB_DB_URL") or config.database_url or default_db_url()
