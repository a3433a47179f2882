"""Interface strings, French by default, English with `--lang en`. One table, looked up by key
through the mechanism the domain uses too (duels_tui.lang)."""

from __future__ import annotations

from duels_tui.lang import Texts, check_lang

STRINGS: dict[str, tuple[str, str]] = {
    # key: (français, English)
    "app.title": ("Les duels de l'IA", "AI duels"),
    "home.session": ("Session n°{id} du {date}", "Session #{id} of {date}"),
    "home.resumable": ("enregistrée au fil de l'eau, reprise au prochain lancement (duels --new pour une autre)",
                       "saved as it goes, resumed at the next start (duels --new for another)"),
    "home.play": ("Jouer le duel", "Play the duel"),
    "home.final": ("L'IA gagnante", "The winning AI"),
    "home.checking": ("Vérification des modèles…", "Checking the models…"),
    "home.todo": ("à faire", "to do"),
    "home.done": ("fait", "done"),
    "home.current": ("en cours", "in progress"),
    "home.winner": ("gagnant : {name}", "winner: {name}"),
    "home.ready": ("prêt", "ready"),
    "home.help": (
        "Entrée : jouer le duel choisi · f : l'IA gagnante · c : classement · ctrl+p : commandes · q : quitter",
        "Enter: play the chosen duel · f: winning AI · c: ranking · ctrl+p: commands · q: quit",
    ),
    "model.a": ("Modèle A", "Model A"),
    "model.b": ("Modèle B", "Model B"),
    "duel.prompt": ("Question (modifiable avant de lancer)", "Prompt (editable before launch)"),
    "duel.launch": ("Lancer (F5)", "Launch (F5)"),
    "duel.follow_up": ("Question de suivi pour les deux modèles (Entrée)", "Follow-up for both models (Enter)"),
    "duel.waiting": ("En attente du lancement…", "Waiting for launch…"),
    "duel.streaming": ("répond…", "answering…"),
    "duel.estimated": ("estimation", "estimate"),
    "duel.tokens_in": ("{tokens} en {answers}", "{tokens} in {answers}"),
    "duel.reasoning": ("Raisonnement ({tokens})", "Reasoning ({tokens})"),
    "duel.cancelled": ("Réponse interrompue. ctrl+r : la relancer.", "Answer stopped. ctrl+r: retry it."),
    "duel.interrupted": (
        "Réponse coupée par un arrêt de l'application. ctrl+r : la relancer.",
        "Answer cut by an application stop. ctrl+r: retry it.",
    ),
    "duel.empty": ("Ce modèle n'a rien répondu : il s'est arrêté sans écrire.",
                   "This model answered nothing: it stopped without writing."),
    "duel.loading": ("chargement du modèle en mémoire… {elapsed}", "loading the model into memory… {elapsed}"),
    "duel.loaded": ("modèle chargé en mémoire en {elapsed}", "model loaded into memory in {elapsed}"),
    "duel.loads_after": ("se chargera après l'autre (mémoire)", "will load after the other (memory)"),
    "duel.queued": ("attend son tour (mémoire)… {elapsed}", "waiting its turn (memory)… {elapsed}"),
    "duel.queued_why": (
        "Les deux modèles ne tiennent pas ensemble en mémoire : celui-ci répondra après l'autre, "
        "chronométré à part.",
        "Both models do not fit in memory together: this one will answer after the other, timed on its own.",
    ),
    "duel.only_reasoning_cut": (
        "Pas de réponse : le modèle a raisonné jusqu'à la limite de {n} jetons (max_tokens) sans avoir le temps "
        "de répondre. Son raisonnement est au-dessus.",
        "No answer: the model reasoned up to the limit of {n} tokens (max_tokens) without time to answer. "
        "Its reasoning is above.",
    ),
    "duel.only_reasoning": (
        "Pas de réponse : le modèle n'a écrit que son raisonnement (au-dessus).",
        "No answer: the model wrote only its reasoning (above).",
    ),
    "duel.truncated": (
        "Réponse coupée : elle a atteint la limite que le programme fixe à chaque réponse, {limit} "
        "(max_tokens).",
        "Answer cut: it reached the limit the programme sets on each answer, {limit} (max_tokens).",
    ),
    "duel.truncated.unknown": (
        "Réponse coupée : le serveur l'a arrêtée à sa limite de longueur.",
        "Answer cut: the server stopped it at its length limit.",
    ),
    "duel.truncated.estimate": (
        "Le compte affiché ({shown}) est une estimation d'après le texte reçu : le serveur n'a pas donné le sien.",
        "The count shown ({shown}) is an estimate from the text received: the server gave none.",
    ),
    "duel.truncated.server": (
        "Le serveur annonce pourtant {shown} pour cette réponse.",
        "Yet the server reports {shown} for this answer.",
    ),
    "duel.capped": (
        "Réponse coupée par duels : le serveur envoyait plus qu'une réponse ne peut contenir ({kib} Kio de "
        "texte, ou {pieces} envois). Ce qui précède est conservé.",
        "Answer cut by duels: the server sent more than an answer may hold ({kib} KiB of text, or {pieces} "
        "pieces). What came before is kept.",
    ),
    "duel.clipped": (
        "*[… la suite de cette réponse, trop longue pour l'écran, n'est pas affichée ; elle est enregistrée "
        "entière.]*",
        "*[… the rest of this answer, too long for the screen, is not shown; it is saved whole.]*",
    ),
    "duel.identity": ("Attention : cette réponse dit qui elle est.", "Warning: this answer names itself."),
    "duel.unexpected": (
        "Erreur inattendue : {error}. Les réponses déjà reçues sont enregistrées.",
        "Unexpected error: {error}. The answers received so far are saved.",
    ),
    "duel.unexpected.retry": (
        "Erreur inattendue : {error}. Les réponses déjà reçues sont enregistrées ; ctrl+r pour relancer.",
        "Unexpected error: {error}. The answers received so far are saved; ctrl+r to retry.",
    ),
    "vote.title": ("Vote à main levée", "Vote by raised hands"),
    "vote.help": (
        "Saisissez les mains levées : le nombre, Tab pour la case suivante, Entrée pour valider.",
        "Type the raised hands: the number, Tab for the next box, Enter to confirm.",
    ),
    "vote.quick": (
        "Ou vote rapide, sans compter : un clic, ou Tab jusqu'aux boutons puis a, b, e ou n.",
        "Or a quick vote, without counting: a click, or Tab to the buttons, then a, b, e or n.",
    ),
    "vote.a": ("Modèle A", "Model A"),
    "vote.b": ("Modèle B", "Model B"),
    "vote.tie": ("Les deux se valent", "Both are equal"),
    "vote.none": ("Aucun", "Neither"),
    "vote.total": ("Total : {votes}", "Total: {votes}"),
    "vote.submit": ("Valider et révéler (Entrée)", "Confirm and reveal (Enter)"),
    "vote.qualifiers": ("Qualificatifs (facultatif ; Espace coche, Entrée valide le vote)",
                        "Qualifiers (optional; Space ticks, Enter confirms the vote)"),
    "vote.counts": ("Modèle A {a} · Modèle B {b} · les deux se valent {tie} · aucun {none}",
                    "Model A {a} · Model B {b} · both are equal {tie} · neither {none}"),
    "vote.existing": (
        "Déjà voté à {time} : {counts}. Voter à nouveau le corrige (après confirmation).",
        "Already voted at {time}: {counts}. Voting again corrects it (once confirmed).",
    ),
    "vote.replace.title": ("Corriger le vote ?", "Correct the vote?"),
    "vote.replace.question": (
        "Ce duel a déjà un vote, saisi à {time} :\n  {old}\nLe remplacer par :\n  {new}\n"
        "L'ancien compte reste enregistré (et dans l'export).",
        "This duel already has a vote, entered at {time}:\n  {old}\nReplace it with:\n  {new}\n"
        "The old count stays recorded (and in the export).",
    ),
    "vote.replace.yes": ("o · Remplacer", "y · Replace"),
    "vote.replace.no": ("n · Garder l'ancien (Échap)", "n · Keep the old one (Esc)"),
    "vote.kept": ("Vote inchangé : {counts}", "Vote unchanged: {counts}"),
    "reveal.title": ("Révélation", "Reveal"),
    "reveal.charts_loading": ("Graphiques de la séance : calcul en cours…", "Session charts: being computed…"),
    "reveal.charts_failed": ("Graphiques de la séance : impossibles à calculer (voir le journal, duels paths).",
                             "Session charts: could not be computed (see the log, duels paths)."),
    "reveal.energy": ("Énergie (Wh)", "Energy (Wh)"),
    "reveal.co2": ("CO2e (g)", "CO2e (g)"),
    "reveal.water": ("Eau (mL)", "Water (mL)"),
    "reveal.votes": ("Vote : {votes} ({share})", "Vote: {votes} ({share})"),
    "reveal.tokens": ("{tokens} ({source})", "{tokens} ({source})"),
    "reveal.source.server": ("comptés par le serveur", "counted by the server"),
    "reveal.source.estimate": ("estimés", "estimated"),
    "reveal.side_title": ("{label} : {organisation} · {name}", "{label}: {organisation} · {name}"),
    "reveal.params_line": ("{params} · classe {size}", "{params} · size class {size}"),
    "reveal.licence": ("Licence : {licence}", "Licence: {licence}"),
    "reveal.release": (" · sortie {release}", " · released {release}"),
    "reveal.recorded": ("Réponse enregistrée le {day}, rejouée depuis un pack.",
                        "Answer recorded on {day}, replayed from a pack."),
    "reveal.water_unit": ("mL d'eau", "mL of water"),
    "reveal.class_line": ("Classe énergétique {cls} ({wh} Wh par million de jetons)",
                          "Energy class {cls} ({wh} Wh per million tokens)"),
    "reveal.load": (
        "Chargé en mémoire en {elapsed} avant de répondre (non compté dans son temps de réponse).",
        "Loaded into memory in {elapsed} before answering (not counted in its answer time).",
    ),
    "reveal.measured": ("Mesuré sur cette machine : {wh} Wh", "Measured on this machine: {wh} Wh"),
    "reveal.source.mixed": ("en partie estimés", "partly estimated"),
    "reveal.corrected": ("vote corrigé", "vote corrected"),
    "reveal.corrected_detail": ("Vote corrigé à {time} (avant : {counts})",
                                "Vote corrected at {time} (before: {counts})"),
    "reveal.named_itself": ("Cette réponse disait qui elle était.", "This answer said who it was."),
    "reveal.profile": ("{side} : profil {profile}, zone {zone}", "{side}: profile {profile}, zone {zone}"),
    "reveal.log_scale": ("échelle logarithmique : chaque graduation vaut 10 fois la précédente",
                         "logarithmic scale: each mark is 10 times the one before"),
    "home.duel_line": ("{title} : {pair}", "{title}: {pair}"),
    "home.programme_line": ("Programme : {name} — {description}", "Programme: {name} — {description}"),
    "home.blocked": ("{name} : {reason} → {hint}", "{name}: {reason} → {hint}"),
    "home.one_after_other": (
        "l'un après l'autre : ensemble ils demandent {need} Go de mémoire, {free} Go sont libres",
        "one after the other: together they need {need} GB of memory, {free} GB are free",
    ),
    "home.draw": ("match nul", "draw"),
    "home.neither": ("aucun des deux", "neither"),
    "home.way_out_blind": ("Séance à l'aveugle : « duels check » dit, hors de la vue de la salle, ce qui manque.",
                           "Blind session: 'duels check' says, out of the room's view, what is missing."),
    "home.blind": ("à l'aveugle : aucun modèle nommé avant sa révélation", "blind: no model named before its reveal"),
    "home.endpoint_down": ("{kind} ne répond pas", "{kind} does not answer"),
    "home.details": ("détails techniques : duels check", "technical details: duels check"),
        "home.engine_failed": (
        "⚠ Le moteur local n'a pas démarré : {message} — journaux : {logs}",
        "⚠ The local engine did not start: {message} — logs: {logs}",
    ),
    "duel.engine_failed": (
        "⚠ Moteur local non démarré : un modèle de ce duel ne peut pas répondre (détail sur l'accueil ; "
        "journaux : {logs})",
        "⚠ Local engine not started: a model of this duel cannot answer (details on Home; logs: {logs})",
    ),
    "home.resumed": ("Session n°{id} reprise là où elle s'était arrêtée.", "Session #{id} resumed where it stopped."),
    "viewer.banner": (
        "Lecture seule : la session n°{id} est ouverte dans un autre duels ; rien n'est modifié ici. "
        "←/→ : un autre duel · s : suivre la session · q : quitter",
        "Read only: session #{id} is open in another duels; nothing is changed here. "
        "←/→: another duel · s: follow the session · q: quit",
    ),
    "viewer.not_voted": ("Pas encore voté.", "Not voted yet."),
    "viewer.vote": ("Vote : {counts}", "Vote: {counts}"),
    "viewer.revealed": ("Modèle A : {a} · Modèle B : {b}", "Model A: {a} · Model B: {b}"),
    "storage.locked": (
        "La base de l'atelier ({path}) est verrouillée par un autre programme (une sauvegarde, un autre duels). "
        "L'atelier continue : ce qui se passe est gardé en mémoire et sera enregistré dès qu'elle se libère. "
        "Fermez le programme qui la bloque.",
        "The workshop database ({path}) is locked by another program (a backup, another duels). The workshop "
        "goes on: what happens is kept in memory and saved as soon as it is released. Close the program that holds it.",
    ),
    "storage.full": (
        "Le disque est plein : la base de l'atelier ({path}) ne peut plus rien enregistrer. L'atelier continue : "
        "ce qui se passe est gardé en mémoire et sera enregistré dès qu'il y aura de la place. Libérez de la place.",
        "The disk is full: the workshop database ({path}) cannot save anything. The workshop goes on: what happens "
        "is kept in memory and saved as soon as there is room. Free some space.",
    ),
    "storage.readonly": (
        "La base de l'atelier ({path}) est devenue en lecture seule. L'atelier continue : ce qui se passe est gardé "
        "en mémoire et sera enregistré si elle redevient modifiable ; sinon, les votes seront écrits dans le "
        "terminal en quittant.",
        "The workshop database ({path}) became read-only. The workshop goes on: what happens is kept in memory and "
        "saved if it becomes writable again; otherwise the votes are written in the terminal on quitting.",
    ),
    "storage.io": (
        "Le disque refuse d'écrire dans la base de l'atelier ({path}). L'atelier continue : ce qui se passe est "
        "gardé en mémoire et sera enregistré dès que possible ; sinon, les votes seront écrits dans le terminal "
        "en quittant.",
        "The disk refuses to write the workshop database ({path}). The workshop goes on: what happens is kept in "
        "memory and saved as soon as possible; otherwise the votes are written in the terminal on quitting.",
    ),
    "storage.corrupt": (
        "La base de l'atelier ({path}) est abîmée et n'enregistre plus rien. L'atelier continue en mémoire ; "
        "les votes seront écrits dans le terminal en quittant.",
        "The workshop database ({path}) is damaged and saves nothing more. The workshop goes on in memory; the "
        "votes are written in the terminal on quitting.",
    ),
    "storage.short.locked": ("base verrouillée", "database locked"),
    "storage.short.full": ("disque plein", "disk full"),
    "storage.short.readonly": ("base en lecture seule", "database read-only"),
    "storage.short.io": ("erreur du disque", "disk error"),
    "storage.short.corrupt": ("base abîmée", "database damaged"),
    "storage.header": ("⚠ non enregistré ({n}) : {why}", "⚠ not saved ({n}): {why}"),
    "storage.saved": ("Tout est enregistré dans la base de l'atelier.",
                      "Everything is saved in the workshop database."),
    "storage.quit": (
        "{n} changements ne sont pas enregistrés ({why}). ctrl+q de nouveau pour quitter quand même : les votes "
        "seront écrits dans le terminal.",
        "{n} changes are not saved ({why}). ctrl+q again to quit anyway: the votes will be written in the terminal.",
    ),
    "common.list": (" ; ", "; "),
    "common.quote": ("« {text} »", "“{text}”"),
    "final.report": ("Rapport écrit : {html} (et {md})", "Report written: {html} (and {md})"),
    "final.log_axis": ("{x} (échelle log) → ; ↑ {y}", "{x} (log scale) →   ↑ {y}"),
    "final.candidate_box": ("{name} : 0", "{name}: 0"),
    "final.title": ("L'IA gagnante", "The winning AI"),
    "final.none": ("Aucun duel voté pour l'instant.", "No duel voted yet."),
    "common.back": ("Retour", "Back"),
    # the command palette (ui/palette.py)
    "palette.placeholder": ("Chercher une commande…", "Search for a command…"),
    "palette.home": ("Accueil", "Home"),
    "palette.home.help": ("Le programme et l'état des modèles", "The programme and the models' state"),
    "palette.next": ("Duel suivant", "Next duel"),
    "palette.next.help": ("Ouvrir {title}", "Open {title}"),
    "palette.vote": ("Voter", "Vote"),
    "palette.vote.help": ("Saisir le vote de la salle pour {title}", "Enter the room's vote for {title}"),
    "palette.reveal": ("Révéler", "Reveal"),
    "palette.reveal.help": ("Qui étaient A et B dans {title}, et ce qu'ont coûté leurs réponses",
                            "Who A and B were in {title}, and what their answers cost"),
    "palette.play": ("Jouer {title}", "Play {title}"),
    "palette.play.help": ("Ouvrir ce duel", "Open this duel"),
    "palette.final": ("L'IA gagnante", "The winning AI"),
    "palette.final.help": ("L'écran final", "The final screen"),
    "palette.export": ("Exporter les votes (CSV)", "Export the votes (CSV)"),
    "palette.export.help": ("Votes et conversations de cette séance, colonnes de compar:IA",
                            "This session's votes and conversations, in compar:IA's columns"),
    "palette.report": ("Rapport de séance", "Session report"),
    "palette.report.help": ("Écrire le rapport (HTML et Markdown) à partager",
                            "Write the report (HTML and Markdown) to share"),
    "palette.lessons": ("Fiches", "Cards"),
    "palette.lessons.help": ("Les fiches pour expliquer (F1)", "The cards to explain with (F1)"),
    "palette.theme": ("Thème clair / sombre", "Light / dark theme"),
    "palette.theme.help": ("Contraste élevé, pour le projecteur (ctrl+t)", "High contrast, for the projector (ctrl+t)"),
    "palette.lesson": ("Fiche : {title}", "Card: {title}"),
    "palette.lesson.help": ("Fiche d'explication, à projeter (F1)", "Explanation card, to project (F1)"),
    "palette.quit": ("Quitter", "Quit"),
    "palette.quit.help": ("Fermer l'atelier : tout est déjà enregistré (ctrl+q)",
                          "Close the workshop: everything is already saved (ctrl+q)"),
    # the footer's keys: each binding's description is one of these keys (localize_bindings)
    "key.previous_duel": ("Duel précédent", "Previous duel"),
    "key.next_duel": ("Duel suivant", "Next duel"),
    "key.follow": ("Suivre la session", "Follow the session"),
    "key.theme": ("Thème", "Theme"),
    "key.quit": ("Quitter", "Quit"),
    "key.lessons": ("Fiches", "Cards"),
    "key.commands": ("Commandes", "Commands"),
    "key.back": ("Retour", "Back"),
    "key.next": ("Suivante", "Next"),
    "key.previous": ("Précédente", "Previous"),
    "key.play": ("Jouer", "Play"),
    "key.final": ("IA gagnante", "Winning AI"),
    "key.ranking": ("Classement", "Ranking"),
    "key.tick": ("Cocher", "Tick"),
    "key.confirm": ("Valider", "Confirm"),
    "key.back_to_duel": ("Retour au duel", "Back to the duel"),
    "key.tie": ("Égalité", "Tie"),
    "key.neither": ("Aucun", "Neither"),
    "key.home": ("Accueil", "Home"),
    "key.final_vote": ("Vote final", "Final vote"),
    "key.weights": ("Poids", "Weights"),
    "key.report": ("Rapport", "Report"),
    "key.replace": ("Remplacer", "Replace"),
    "key.keep": ("Garder l'ancien", "Keep the old one"),
    "key.duel_again": ("Revoir le duel", "See the duel again"),
    "key.launch": ("Lancer", "Launch"),
    "key.vote": ("Voter", "Vote"),
    "key.retry": ("Relancer", "Retry"),
    "key.stop": ("Arrêter", "Stop"),
    # words and labels of the screens
    "duel.follow_ups": ("Suivi : ", "Follow-up: "),
    "duel.empty_prompt": ("La question est vide : écrivez-la avant de lancer.",
                          "The prompt is empty: write it before launching."),
    "duel.wait_answers": ("Attendez la fin des réponses (Échap pour les arrêter).",
                          "Wait for the answers to end (Esc stops them)."),
    "reveal.equivalents": ("Soit : ", "That is: "),
    "reveal.methodology": ("Méthodologie", "Methodology"),
    "final.col.rank": ("rang", "rank"),
    "final.col.model": ("modèle", "model"),
    "final.col.duels": ("duel(s)", "duel(s)"),
    "final.col.share": ("part des voix", "vote share"),
    "final.col.utility": ("utilité", "utility"),
    "final.col.wh": ("Wh par réponse", "Wh per answer"),
    "final.col.frugality": ("frugalité", "frugality"),
    "final.col.score": ("score", "score"),
    "final.col.rank_short": ("#", "#"),
    "final.col.duel_short": ("duel", "duel"),
    "final.col.votes_short": ("voix", "votes"),
    "final.col.utility_short": ("util.", "util."),
    "final.col.wh_short": ("Wh/rép.", "Wh/ans."),
    "final.col.frugality_short": ("frug.", "frug."),
    "final.axis_energy": ("énergie par réponse (Wh)", "energy per answer (Wh)"),
    "final.axis_utility": ("utilité (part des voix)", "utility (share of votes)"),
    "final.weights_label": ("Poids de la règle (p) : utilité, frugalité",
                            "Weights of the rule (p): utility, frugality"),
    "final.vote_label": ("Vote final à main levée entre les candidats (v), facultatif : il l'emporte sur la règle.",
                         "Final show of hands between the candidates (v), optional: it overrides the rule."),
    "final.apply": ("Appliquer (Entrée)", "Apply (Enter)"),
    "final.clear": ("Effacer le vote final", "Clear the final vote"),
    "export.done": ("Export écrit : {path} ({rows})", "Export written: {path} ({rows})"),
    "export.failed": ("Export impossible : {error}", "Export failed: {error}"),
}


UI_TEXTS = Texts("ui", STRINGS)


class Translator:
    """The interface's language: `t(key, **values)` for the table above, and `t.lang` to hand to
    the domain's functions."""

    def __init__(self, lang: str = "fr") -> None:
        self.lang = check_lang(lang)

    def __call__(self, key: str, **values: object) -> str:
        return UI_TEXTS(key, self.lang, **values)


class LocalizedBindings:
    """Mixed into a screen or a widget whose bindings' descriptions are keys: they are said in the
    interface's language as the node is made. A footer composes before its screen's on_mount runs:
    localized there, the footer was drawn once with the keys, then rebuilt (seen by spying on
    ui/widgets/footer.py's WorkshopFooter.bindings_changed)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        localize_bindings(self, self.app.t)


def localize_bindings(node, t: Translator) -> None:
    """Write the footer's descriptions of `node`'s bindings (this node's only) in the interface's
    language: each class declares its bindings' descriptions as keys of the table above
    ("key.play"), as Textual reads them at class definition, before any language is known."""
    from dataclasses import replace

    from duels_tui.ui.textual_compat import rewrite_bindings

    rewrite_bindings(node, lambda b: replace(b, description=t(b.description)) if b.description in UI_TEXTS else b)
