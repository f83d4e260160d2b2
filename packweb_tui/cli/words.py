"""Click's own words in French: its help (« Affiche cette aide »), its usage line and its
errors (option manquante, valeur invalide...). Click asks gettext for every message it shows,
through the `_` and `ngettext` of its modules: those are pointed at this table. A message not
in the table stays as Click wrote it. The words Click does not ask gettext for (its headings'
colon, the kinds of values, « COMMAND [ARGS]... ») are set by `install` and `french_help`."""

from __future__ import annotations

import importlib
from typing import Any

import click

WORDS = {
    "Show this message and exit.": "Affiche cette aide.",
    "Show the version and exit.": "Affiche la version.",
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Positional arguments": "Arguments",
    "Try '{command} {option}' for help.": "Aide : « {command} {option} ».",
    "Error: {message}": "Erreur : {message}",
    "Missing argument": "Argument manquant :",
    "Missing option": "Option manquante :",
    "Missing parameter": "Paramètre manquant :",
    "Missing {param_type}": "{param_type} manquant :",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "Missing command.": "Commande manquante.",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
    "No such option {name!r}.": "Option inconnue : {name!r}.",
    "Option {name!r} does not take a value.": "L'option {name!r} ne prend pas de valeur.",
    "Option {name!r} requires an argument.": "L'option {name!r} attend une valeur.",
    "Option {name!r} requires {nargs} arguments.": "L'option {name!r} attend {nargs} valeurs.",
    "Argument {name!r} takes {nargs} values.": "L'argument {name!r} prend {nargs} valeurs.",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Got unexpected extra argument ({args})": "Argument en trop : {args}",
    "Got unexpected extra arguments ({args})": "Arguments en trop : {args}",
    "Did you mean {possibility}?": "Vouliez-vous dire {possibility} ?",
    "(Did you mean one of: {possibilities}?)": "(Vouliez-vous dire : {possibilities} ?)",
    "{value!r} is not a valid {number_type}.": "{value!r} n'est pas un {number_type} valide.",
    "{value} is not in the range {range}.": "{value} est hors limites ({range}).",
    "{value!r} is not {choice}.": "{value!r} n'est pas {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} n'est pas parmi {choices}.",
    "Choose from:\n\t{choices}": "Au choix :\n\t{choices}",
    "{value!r} does not match the format {format}.": "{value!r} ne suit pas le format {format}.",
    "{value!r} does not match the formats {formats}.": (
        "{value!r} ne suit aucun des formats {formats}."
    ),
    "{name} {filename!r} does not exist.": "{name} {filename!r} introuvable.",
    "{name} {filename!r} is a file.": "{name} {filename!r} est un fichier.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} est un dossier.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} illisible.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} non modifiable.",
    "Could not open file {filename!r}: {message}": (
        "Ouverture impossible de {filename!r} : {message}"
    ),
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "Aborted!": "Interrompu.",
    "default: {default}": "par défaut : {default}",
    "env var: {var}": "variable d'environnement : {var}",
    "required": "obligatoire",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
}

# The modules of Click that ask gettext (click 8.x).
_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)


# Words Click puts into its messages without asking gettext, by the placeholder they fill
# (a type's name, "File"...); only these, not a command or option name the user typed.
FILLED_IN = {
    "number_type": {"integer": "nombre entier", "integer range": "nombre entier",
                    "float": "nombre", "float range": "nombre"},
    "name": {"File": "Fichier", "Directory": "Dossier", "Path": "Chemin"},
}  # fmt: skip


class _Template(str):
    """A French message whose `format` also translates the words Click fills in."""

    __slots__ = ()

    def format(self, *args: object, **kwargs: object) -> str:
        for key, words in FILLED_IN.items():
            value = kwargs.get(key)
            if isinstance(value, str):
                kwargs[key] = words.get(value, value)
        return str.format(self, *args, **kwargs)


def french(message: str) -> str:
    return _Template(WORDS.get(message, message))


def french_n(singular: str, plural: str, count: int) -> str:
    return french(singular if count == 1 else plural)


def _write_heading(self: click.HelpFormatter, heading: str) -> None:
    # « Options : », with the space French puts before a colon (Click writes "Options:").
    self.write(f"{'':>{self.current_indent}}{heading} :\n")


def install() -> None:
    """Point Click's gettext calls at the table, and its headings at French typography
    (idempotent)."""
    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # a module another Click version does not have
            continue
        if hasattr(module, "_"):
            module._ = french  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = french_n  # type: ignore[attr-defined]
    click.HelpFormatter.write_heading = _write_heading  # type: ignore[method-assign]
    click.types._NumberRangeBase._describe_range = _describe_range  # type: ignore[method-assign]


def _describe_range(self: click.types._NumberRangeBase[Any, Any]) -> str:
    # « au moins 1 », not "x>=1": in the help ([au moins 1]) and in the error.
    low = None if self.min is None else f"{'plus de' if self.min_open else 'au moins'} {self.min}"
    high = None if self.max is None else f"{'moins de' if self.max_open else 'au plus'} {self.max}"
    return " et ".join(part for part in (low, high) if part)


# What an option's value is, shown after it in the help (Click shows its type's English name:
# TEXT, INTEGER, PATH...), by type; the first that fits.
_VALUE_WORDS: tuple[tuple[type[click.ParamType[Any]], str], ...] = (
    (click.File, "FICHIER"),
    (click.Path, "CHEMIN"),
    (click.types.IntParamType, "NOMBRE"),
    (click.types.FloatParamType, "NOMBRE"),
    (click.types.StringParamType, "TEXTE"),
)


def french_help(command: click.Command) -> None:
    """Put in French the words of `command`'s help and of every command under it that Click
    builds without gettext: the values of the options (« --uai TEXTE ») and the subcommand of
    a group (« COMMANDE [ARGUMENTS]... »). An argument's name is its own metavar: each command
    names its arguments in French (a test walks every help page)."""
    if isinstance(command, click.Group):
        command.subcommand_metavar = (
            (command.subcommand_metavar or "")
            .replace("COMMAND", "COMMANDE")
            .replace("[ARGS]", "[ARGUMENTS]")
        )
        for sub in command.commands.values():
            french_help(sub)
    for param in command.params:
        if isinstance(param, click.Option) and param.metavar is None and not param.is_flag:
            word = next((w for kind, w in _VALUE_WORDS if isinstance(param.type, kind)), None)
            if word is not None:
                param.metavar = word
