"""Typer's own words in French: « Affiche cette aide et quitte. », « Erreur : option manquante ».

Typer (0.29) carries its own copy of click (`typer._click`), whose help and error texts are
written in English in the code, and a few more of its own through `gettext` (`typer.core`).
`install()` puts French in their place: the help option's text, the usage line's prefix, and
every error shown (its message translated by the patterns below; one not listed stays as typer
wrote it). The completion options get their help here too (typer passes it as plain text)."""

from __future__ import annotations

import re
from typing import Any

# typer.core's gettext messages
GETTEXT = {
    "Commands": "Commandes",
    "Arguments": "Arguments",
    "Options": "Options",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
    "Missing command.": "Commande manquante.",
    "[default: {}]": "[par défaut : {}]",
    "default: {default}": "par défaut : {default}",
    "default": "par défaut",
    "[required]": "[obligatoire]",
    "required": "obligatoire",
    "[env var: {}]": "[variable d'environnement : {}]",
    "env var: {var}": "variable d'environnement : {var}",
    "(deprecated) ": "(obsolète) ",
    "deprecated": "obsolète",
    "Aborted!": "Abandon.",
}

# typer._click's error messages (already formatted), French by pattern
ERRORS = [
    (r"^Missing option (.+)\.(.*)$", r"Option manquante : \1.\2"),
    (r"^Missing argument (.+)\.(.*)$", r"Argument manquant : \1.\2"),
    (r"^Missing parameter: (.+)$", r"Paramètre manquant : \1"),
    (r"^Missing (\w+) (.+)\.(.*)$", r"Paramètre manquant (\1) : \2.\3"),
    (r"^No such option: (.+?)(?: Did you mean (.+)\?)?$", r"Option inconnue : \1."),
    (r"^Option (.+) requires an argument\.$", r"L'option \1 attend une valeur."),
    (r"^Option (.+) requires (\d+) arguments\.$", r"L'option \1 attend \2 valeurs."),
    (r"^Option (.+) does not take a value\.$", r"L'option \1 ne prend pas de valeur."),
    (r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$", r"Argument(s) en trop : \1"),
    (r"^Invalid value for (.+?): (.*)$", r"Valeur invalide pour \1 : \2"),
    (r"^Invalid value: (.*)$", r"Valeur invalide : \1"),
]
VALUES = [
    (r"(.+) is not a valid (integer|float)( range)?\.", r"\1 n'est pas un nombre valide."),
    (r"(.+) is not a valid boolean( range)?\.", r"\1 n'est pas un booléen valide (oui/non)."),
    (r"(.+) is not one of (.+)\.", r"\1 n'est pas l'un de \2."),
    (r"(.+) is not in the range (.+)\.", r"\1 n'est pas dans l'intervalle \2."),
    (r"(File|Directory|Path) (.+) does not exist\.", r"\2 n'existe pas."),
    (r"(File|Directory|Path) (.+) is a directory\.", r"\2 est un dossier."),
    (r"(File|Directory|Path) (.+) is a file\.", r"\2 est un fichier."),
    (r"(File|Directory|Path) (.+) is not readable\.", r"\2 n'est pas lisible."),
    (r"(File|Directory|Path) (.+) is not writable\.", r"\2 n'est pas modifiable."),
]
HELP = "Affiche cette aide et quitte."
USAGE = "Utilisation : "
TRY_HELP = "Aide : « {command} {option} »"
ERROR = "Erreur : {message}"


def french(message: str) -> str:
    """An error message of typer's click in French (unchanged when no pattern fits)."""
    for pattern, replacement in ERRORS:
        if re.match(pattern, message, flags=re.DOTALL):
            message = re.sub(pattern, replacement, message, count=1, flags=re.DOTALL)
            break
    for pattern, replacement in VALUES:
        message = re.sub(pattern, replacement, message)
    return message


def gettext(message: str) -> str:
    return GETTEXT.get(message, message)


def install() -> None:
    """Put French into typer's click: help option, usage prefix, errors shown; and typer.core's
    gettext messages. Idempotent."""
    import typer.core
    from typer._click import core, exceptions, formatting
    from typer._click.utils import echo

    typer.core._ = gettext  # type: ignore[attr-defined]
    if getattr(core.Command.get_help_option, "french", False):
        return
    english_help_option = core.Command.get_help_option

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = english_help_option(self, ctx)
        if option is not None:
            option.help = HELP
        return option

    get_help_option.french = True  # type: ignore[attr-defined]
    core.Command.get_help_option = get_help_option  # type: ignore[method-assign]

    english_write_usage = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        english_write_usage(self, prog, args, USAGE if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]

    def show_error(self: Any, file: Any = None) -> None:
        file = file or exceptions.get_text_stderr()
        color = None
        ctx = getattr(self, "ctx", None)
        if ctx is not None:
            color = ctx.color
            hint = ""
            if ctx.command.get_help_option(ctx) is not None:
                hint = TRY_HELP.format(command=ctx.command_path, option=ctx.help_option_names[0]) + "\n"
            echo(f"{ctx.get_usage()}\n{hint}", file=file, color=color)
        echo(ERROR.format(message=french(self.format_message())), file=file, color=color)

    exceptions.ClickException.show = show_error  # type: ignore[method-assign]
    exceptions.UsageError.show = show_error  # type: ignore[method-assign]


COMPLETION_HELP = {
    "install_completion": "Installe la complétion des commandes pour le shell courant (bash, zsh, fish, PowerShell).",
    "show_completion": "Affiche le script de complétion du shell courant, à copier ou adapter.",
}


def translate_completion_options(command) -> None:
    """Typer's --install-completion and --show-completion, helped in French."""
    for param in command.params:
        if param.name in COMPLETION_HELP:
            param.help = COMPLETION_HELP[param.name]
