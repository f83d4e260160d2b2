"""PackWeb Console: the operator console of a school canteen's Espace numérique."""

__version__ = "0.1.0"
