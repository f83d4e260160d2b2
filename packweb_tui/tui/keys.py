"""How keys and Textual's own actions are named to a French-speaking operator."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.keys import format_key

# Textual writes these keys in English ("esc", "pageup"): a French keyboard says otherwise.
_KEY_NAMES = {
    "escape": "Échap",
    "enter": "Entrée",
    "tab": "Tab",
    "space": "Espace",
    "backspace": "Retour arrière",
    "delete": "Suppr",
    "insert": "Inser",
    "home": "Début",
    "end": "Fin",
    "pageup": "Page préc.",
    "pagedown": "Page suiv.",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}
_MODIFIERS = {"ctrl": "Ctrl", "shift": "Maj", "alt": "Alt", "meta": "Méta", "super": "Super"}


def key_label(key: str) -> str:
    """One key as the help screen shows it: ``ctrl+e`` → ``Ctrl+E``, ``f1`` → ``F1``,
    ``question_mark`` → ``?``, ``escape`` → ``Échap``."""
    *modifiers, name = key.split("+")
    if name in _KEY_NAMES:
        shown = _KEY_NAMES[name]
    elif len(name) > 1 and name[0] == "f" and name[1:].isdigit():
        shown = name.upper()
    else:
        shown = format_key(name)
        if modifiers and len(shown) == 1:
            shown = shown.upper()
    return "+".join([*(_MODIFIERS.get(m, m) for m in modifiers), shown])


def as_printed(label: str) -> str:
    """A letter key as printed on the keyboard (``A``), as some sentences name it."""
    return label.upper() if len(label) == 1 else label


def legend(*entries: tuple[Sequence[str], str]) -> Content:
    """A dialog's line of keys, from (keys, what they do) with keys named as key_label does:
    ``Entrée : Enregistrer    Échap : Annuler``, the keys in bold."""
    return Content("    ").join(
        Content(" ou ").join(Content.styled(key, "b") for key in keys) + f" : {what}"
        for keys, what in entries
    )


def footer_key_label(key: str) -> str:
    """The shorter form for the footer, where 80 columns are counted: ``^e``, ``Échap``."""
    *modifiers, name = key.split("+")
    if modifiers == ["ctrl"] and len(name) == 1:
        return f"^{name}"
    return key_label(key)


# Descriptions of the bindings that Textual's widgets bring with them (in English there),
# by action. Bindings of ours carry their own French description.
BUILTIN_DESCRIPTIONS = {
    "app.focus_next": "Élément suivant",
    "app.focus_previous": "Élément précédent",
    "screen.copy_text": "Copier le texte sélectionné",
    "previous_tab": "Onglet précédent",
    "next_tab": "Onglet suivant",
    "scroll_up": "Défiler vers le haut",
    "scroll_down": "Défiler vers le bas",
    "scroll_left": "Défiler vers la gauche",
    "scroll_right": "Défiler vers la droite",
    "scroll_home": "Aller au début",
    "scroll_end": "Aller à la fin",
    "page_up": "Page précédente",
    "page_down": "Page suivante",
    "page_left": "Page à gauche",
    "page_right": "Page à droite",
    "cursor_up": "Ligne précédente",
    "cursor_down": "Ligne suivante",
    "first": "Première ligne",
    "last": "Dernière ligne",
    "select": "Choisir",
    "submit": "Valider",
    "cursor_left": "Curseur à gauche",
    "cursor_right": "Curseur à droite",
    "home": "Début du texte",
    "end": "Fin du texte",
    "delete_left": "Effacer à gauche",
    "delete_right": "Effacer à droite",
    "delete_left_word": "Effacer le mot à gauche",
    "delete_right_word": "Effacer le mot à droite",
    "delete_left_all": "Effacer jusqu'au début",
    "delete_right_all": "Effacer jusqu'à la fin",
    "cursor_left_word": "Mot précédent",
    "cursor_right_word": "Mot suivant",
}
