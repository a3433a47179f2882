"""A system error said in French: the messages that name a file end with why it failed, and
`OSError.strerror` is the C library's English ("No such file or directory")."""

from __future__ import annotations

import errno

_FRENCH = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOSPC: "disque plein",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EEXIST: "existe déjà",
    errno.ENAMETOOLONG: "nom trop long",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EDQUOT: "quota disque dépassé",
    errno.EMFILE: "trop de fichiers ouverts",
}


def said(exc: OSError) -> str:
    """Why `exc` happened, in French when the error number is a common one, else as the system
    says it."""
    return _FRENCH.get(exc.errno or -1) or exc.strerror or str(exc)
