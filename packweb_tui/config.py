"""Configuration: where the database is, how to send mail, how to reach the portal.

Order of precedence for the database: `--db`, then `PACKWEB_DB_URL`, then `[database] url`
of the configuration file, then a SQLite file in the user's data directory. The file itself
is `--config`, else `PACKWEB_CONFIG`, else `<user config dir>/packweb/packweb.toml`, else
`/etc/packweb/packweb.toml`. Secrets are read from files, never written in the TOML."""

from __future__ import annotations

import difflib
import getpass
import os
import re
import shlex
import tomllib
from collections.abc import Iterable
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
    """Read and check the configuration file; InputError naming the file, the line and the
    key: a syntax error, a value of the wrong kind, a section or key this version does not
    know (a misspelt one would otherwise leave its default in force without a word)."""
    path = find_config_path(explicit)
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("fichier de configuration introuvable", str(path)) from None
    except UnicodeDecodeError:
        raise InputError("fichier illisible : il doit être en UTF-8", str(path)) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(error, path) from None
    lines = _Lines(text, path)
    _check_names(raw, lines)
    return _parse(raw, lines)


# Each section and its keys; None: any key (checked elsewhere: [keys] by the console's keymap).
# [portal.tokens] and [letters.logos] are tables of UAI = "file".
KNOWN_KEYS: dict[str, frozenset[str] | None] = {
    "database": frozenset({"url"}),
    "smtp": frozenset(
        {"host", "port", "security", "username", "password_file", "sender", "timeout", "ca_file"}
    ),
    "portal": frozenset({"url", "tokens"}),
    "sync": frozenset({"schedule"}),
    "letters": frozenset({"directory", "logos", "print_command"}),
    "keys": None,
}


def _check_names(raw: dict[str, Any], lines: _Lines) -> None:
    """Refuse a section or key this version does not know, with the nearest known one."""
    for name, value in raw.items():
        if name not in KNOWN_KEYS:
            homes = [f"[{s}]" for s, keys in KNOWN_KEYS.items() if keys and name in keys]
            if not isinstance(value, dict) and homes:
                hint = f" : elle se place sous {' ou '.join(homes)}"
                raise InputError(f"{name} : clé hors section{hint}", lines.at(name))
            raise InputError(
                f"[{name}] : section inconnue{_nearest(name, KNOWN_KEYS)}", lines.at(name)
            )
        keys = KNOWN_KEYS[name]
        if keys is None or not isinstance(value, dict):
            continue  # a section that is no table is refused with its kind by _parse
        for key in value:
            if key not in keys:
                raise InputError(
                    f"[{name}] {key} : clé inconnue{_nearest(key, keys)}", lines.at(name, key)
                )


def _nearest(name: str, known: Iterable[str]) -> str:
    """« (host ?) »: the known name `name` was probably meant to be, else the known names."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" ({close[0]} ?)" if close else f" (connues : {', '.join(sorted(known))})"


class _Lines:
    """Where each table and key of a TOML file is, for messages that name the line. tomllib
    gives no positions: the file is scanned again, line by line, for its table headers and
    its `key =`; a key found nowhere (written on a line of its own table's in-line form,
    say) is placed in the file only."""

    _PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
    _DOTTED = rf"{_PART}(?:\s*\.\s*{_PART})*"
    _HEADER = re.compile(rf"^\s*\[\[?\s*({_DOTTED})\s*\]")
    _KEY = re.compile(rf"^\s*({_DOTTED})\s*=")

    def __init__(self, text: str, path: Path) -> None:
        self.path = path
        self._found: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        for number, line in enumerate(text.splitlines(), start=1):
            if header := self._HEADER.match(line):
                table = self._parts(header.group(1))
                self._found.setdefault(table, number)
            elif key := self._KEY.match(line):
                parts = self._parts(key.group(1))
                for n in range(1, len(parts) + 1):  # a.b = 1 makes the table a
                    self._found.setdefault((*table, *parts[:n]), number)

    def _parts(self, dotted: str) -> tuple[str, ...]:
        return tuple(p[1:-1] if p[0] in "\"'" else p for p in re.findall(self._PART, dotted))

    def at(self, *names: str) -> str:
        """« /etc/packweb/packweb.toml, ligne 12 », the line of a table or key if found."""
        line = self._found.get(names)
        return f"{self.path}, ligne {line}" if line else str(self.path)


# tomllib's messages (Python 3.11 to 3.13), in French; any other stays as it is.
_TOML_WORDS: tuple[tuple[str, str], ...] = (
    (r"Invalid statement", "ligne incompréhensible : ni [section], ni clé = valeur"),
    (r"Expected newline or end of document after a statement",
     "fin de ligne attendue après la valeur (un texte s'écrit entre guillemets)"),
    (r"Expected '=' after a key in a key/value pair", "« = » attendu après la clé"),
    (r"Expected '\]' at the end of a table declaration", "« ] » attendu après le nom de section"),
    (r"Expected '\]\]' at the end of an array declaration", "« ]] » attendu après le nom"),
    (r"""Expected (?:"'+"|'"+')""", "texte non fermé : apostrophe ou guillemet manquant"),
    (r"Expected (?P<x>.+)", "{x} attendu"),
    (r"(?:Found invalid|Illegal) character '\\n'", "texte non fermé : guillemet manquant"),
    (r"(?:Found invalid|Illegal) character (?P<x>.+)", "caractère interdit : {x}"),
    (r"Invalid initial character for a key part", "caractère interdit au début d'une clé"),
    (r"Cannot declare (?P<x>.+) twice", "section {x} déclarée deux fois"),
    (r"Cannot overwrite a value", "clé déjà définie plus haut"),
    (r"Cannot (?:mutate immutable|redefine) namespace (?P<x>.+)", "{x} déjà défini plus haut"),
    (r"Duplicate inline table key (?P<x>.+)", "clé {x} en double"),
    (r"Unclosed array", "liste non fermée : « ] » manquant"),
    (r"Unclosed inline table", "table non fermée : « } » manquant"),
    (r"Unterminated string", "texte non fermé : guillemet manquant"),
    (r"Unescaped '\\' in a string",
     "« \\ » seul dans un texte entre guillemets : doublez-le, ou prenez des apostrophes"),
    (r"Invalid hex value|Escaped character is not a Unicode scalar value",
     "caractère échappé invalide"),
    (r"Invalid date or datetime", "date invalide"),
    (r"Invalid value", "valeur incompréhensible : un texte s'écrit entre guillemets"),
)  # fmt: skip
_TOML_PLACE = re.compile(
    r"^(?P<what>.*) \(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)$"
)


def _toml_error(error: tomllib.TOMLDecodeError, path: Path) -> InputError:
    """A syntax error of the file, in French, at its line and column."""
    message = str(error)
    where = str(path)
    if place := _TOML_PLACE.match(message):
        message = place["what"]
        where = (
            f"{path}, ligne {place['line']}, colonne {place['col']}"
            if place["line"]
            else f"{path}, à la fin"
        )
    for english, french in _TOML_WORDS:
        if found := re.fullmatch(english, message):
            message = french.format(**found.groupdict())
            break
    return InputError(f"TOML invalide : {message}", where)


_KINDS = {str: "un texte entre guillemets", int: "un nombre entier", float: "un nombre"}


def _parse(raw: dict[str, Any], lines: _Lines) -> Config:
    path = lines.path

    def section(name: str) -> dict[str, Any]:
        value = raw.get(name, {})
        if not isinstance(value, dict):
            raise InputError(f"[{name}] doit être une section", lines.at(name))
        return value

    def get(sec: dict[str, Any], name: str, key: str, kind: type, default: Any) -> Any:
        value = sec.get(key, default)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            raise InputError(f"[{name}] {key} : {_KINDS[kind]} attendu", lines.at(name, key))
        return value

    def as_path(value: str | None) -> Path | None:
        return None if value is None else (path.parent / Path(value).expanduser())

    db, smtp, portal, sync, letters = (
        section(n) for n in ("database", "smtp", "portal", "sync", "letters")
    )
    security = get(smtp, "smtp", "security", str, "starttls")
    if security not in ("starttls", "tls", "none"):
        raise InputError(
            f"[smtp] security « {security} » : starttls, tls ou none",
            lines.at("smtp", "security"),
        )
    tokens = portal.get("tokens", {})
    if not isinstance(tokens, dict) or not all(isinstance(v, str) for v in tokens.values()):
        raise InputError(
            '[portal.tokens] : UAI = "chemin du fichier" attendu', lines.at("portal", "tokens")
        )
    logos = letters.get("logos", {})
    if not isinstance(logos, dict) or not all(isinstance(v, str) for v in logos.values()):
        raise InputError(
            '[letters.logos] : UAI = "chemin de l\'image" attendu', lines.at("letters", "logos")
        )
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
            timeout=_timeout(smtp.get("timeout", 30.0), lines.at("smtp", "timeout")),
            ca_file=as_path(get(smtp, "smtp", "ca_file", str, None)),
        ),
        portal=PortalConfig(
            url=get(portal, "portal", "url", str, None),
            token_files={uai.upper(): as_path(p) or Path(p) for uai, p in tokens.items()},
        ),
        sync_schedule=get(sync, "sync", "schedule", str, DEFAULT_SYNC_SCHEDULE),
        letters_directory=as_path(get(letters, "letters", "directory", str, None)),
        letter_logos={uai.upper(): as_path(p) or Path(p) for uai, p in logos.items()},
        print_command=_command(
            get(letters, "letters", "print_command", str, None),
            lines.at("letters", "print_command"),
        ),
        keys=_keys(section("keys"), lines),
    )


def _keys(table: dict[str, Any], lines: _Lines, prefix: tuple[str, ...] = ()) -> dict[str, str]:
    """[keys]: binding id = "keys". The dots of an id may be TOML's own (requests.approve =
    "a" makes a table `requests`): the tables are read back into ids."""
    found: dict[str, str] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            found.update(_keys(value, lines, (*prefix, name)))
        elif isinstance(value, str):
            found[".".join((*prefix, name))] = value
        else:
            example = '"ctrl+e" ou "f2,ctrl+e"'
            binding = ".".join((*prefix, name))
            raise InputError(
                f"[keys] {binding} : touches attendues, ex. {example}",
                lines.at("keys", *prefix, name),
            )
    return found


def _command(value: str | None, where: str) -> tuple[str, ...]:
    """[letters] print_command: a program and its arguments, split as a shell would (quotes
    group words), run without a shell; the édition's path is added last."""
    if value is None:
        return ()
    try:
        words = tuple(shlex.split(value))
    except ValueError:  # an unclosed quote
        raise InputError("[letters] print_command : guillemet non refermé", where) from None
    if not words:
        raise InputError(
            '[letters] print_command : une commande attendue, ex. "lp -d intendance"', where
        )
    return words


def _timeout(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 600:
        raise InputError("[smtp] timeout : un nombre de secondes, au plus 600", where)
    return float(value)


def resolve_db_url(explicit: str | None, config: Config) -> str:
    return explicit or os.environ.get("PACKWEB_DB_URL") or config.database_url or default_db_url()
