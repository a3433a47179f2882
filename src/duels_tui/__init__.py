"""duels: a terminal arena for "Les duels de l'IA"."""

__version__ = "0.1.0"
