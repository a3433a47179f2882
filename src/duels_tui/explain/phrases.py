"""The sentences the lessons' code writes around the figures, in French and English.

The lessons' prose lives in their templates (lessons/NN-key.md, lessons/en/NN-key.md); these are the
lines built from the session and the data (one per model, per day, per answer…), their figures
formatted for the language by the caller. Keys start with the lesson's key.
"""

from __future__ import annotations

from duels_tui.lang import Texts

LESSON_TEXTS = Texts(
    "explain.lessons",
    {
        "in_session": (" · *dans cette séance*", " · *in this session*"),
        "approx": (" environ", " (roughly)"),
        "model_side": ("Modèle {side}", "Model {side}"),
        # taille
        "taille.scale_first": ("- **{label}** : moins de {bound} milliards", "- **{label}**: under {bound} billion"),
        "taille.scale_step": ("- **{label}** : de {low} à {high} milliards", "- **{label}**: {low} to {high} billion"),
        "taille.scale_last": ("- **{label}** : {bound} milliards et plus", "- **{label}**: {bound} billion and more"),
        "taille.model": ("- **{name}** : {params} → **{size_class}**", "- **{name}**: {params} → **{size_class}**"),
        "taille.no_model": ("Aucun modèle au programme.", "No model in the programme."),
        "taille.figure": ("fois plus de paramètres{approx} pour {big} que pour {small}",
                          "times more parameters{approx} for {big} than for {small}"),
        "taille.chart": ("Paramètres des modèles de la séance (milliards)",
                         "Parameters of this session's models (billions)"),
        "taille.notation": ("Dans « {name} », « {tag} » se lit : {size} milliards de paramètres.",
                            "In “{name}”, “{tag}” means {size} billion parameters."),
        "taille.notation_default": (
            "« B » se lit « milliards » (billions en anglais) : 70B, c'est 70 milliards de paramètres.",
            "“B” stands for “billion”: 70B means 70 billion parameters.",
        ),
        # experts
        "experts.none": ("Le catalogue ne contient aucun modèle à mélange d'experts.",
                         "The catalogue holds no mixture-of-experts model."),
        "experts.model": ("- **{name}** : {active} actifs sur {total}, soit {share}{here}",
                          "- **{name}**: {active} active out of {total}, that is {share}{here}"),
        "experts.figure": ("des paramètres de {name} travaillent pour chaque jeton",
                           "of the parameters of {name} work for each token"),
        "experts.chart": ("Paramètres actifs pour chaque jeton (milliards)",
                          "Parameters at work for each token (billions)"),
        "experts.bar_total": ("{name} : total", "{name}: total"),
        "experts.bar_active": ("{name} : actifs", "{name}: active"),
        # distillation
        "distillation.model": ("- {name} : {params}{here}", "- {name}: {params}{here}"),
        "distillation.figure": ("fois moins de paramètres{approx} pour {small} que pour {big}",
                                "times fewer parameters{approx} for {small} than for {big}"),
        "distillation.none": ("Le catalogue ne contient pas ces familles de modèles.",
                              "The catalogue does not hold these families of models."),
        # raisonnement
        "raisonnement.none": ("Aucun modèle n'a encore raisonné pendant cette séance.",
                              "No model has reasoned yet in this session."),
        "raisonnement.planned": ("Au programme : {names}.", "In the programme: {names}."),
        "raisonnement.silent": ("- **{name}** : aucun jeton écrit.", "- **{name}**: no token written."),
        "raisonnement.side": (
            "- **{name}** : {output}, dont {reasoning} de raisonnement ({share}{estimated})",
            "- **{name}**: {output}, {reasoning} of them reasoning ({share}{estimated})",
        ),
        "raisonnement.estimated": (", estimation", ", estimated"),
        "raisonnement.energy": ("  - énergie : environ {energy} Wh ; sans le raisonnement : environ {without} Wh",
                                "  - energy: about {energy} Wh; without the reasoning: about {without} Wh"),
        "raisonnement.bar_reasoning": ("{name} : raisonnement", "{name}: reasoning"),
        "raisonnement.bar_answer": ("{name} : réponse", "{name}: answer"),
        "raisonnement.proportional": ("L'énergie estimée suit le nombre de jetons écrits.",
                                      "The estimated energy follows the number of tokens written."),
        "raisonnement.later": ("L'énergie de chaque modèle sera montrée à la révélation.",
                               "Each model's energy will be shown at the reveal."),
        "raisonnement.figure": ("des jetons écrits pendant le {duel} étaient du raisonnement",
                                "of the tokens written during {duel} were reasoning"),
        "raisonnement.chart": ("Jetons écrits : raisonnement et réponse", "Tokens written: reasoning and answer"),
        # cycle
        "cycle.training": ("Entraînement", "Training"),
        "cycle.reference": ("{value} (référence)", "{value} (reference)"),
        "cycle.day_cited": ("- **Jour {day}** : **{value} fois** l'énergie de l'entraînement [1]",
                            "- **Day {day}**: **{value} times** the energy of training [1]"),
        "cycle.day": ("- **Jour {day}** : {value} fois \\*", "- **Day {day}**: {value} times \\*"),
        "cycle.bar_day": ("Utilisation, jour {day}", "Use, day {day}"),
        "cycle.bar_value": ("{value} fois", "{value} times"),
        "cycle.note": ("\\* notre calcul : autant de questions chaque jour, jusqu'au jour {day}.",
                       "\\* our calculation: as many questions every day, up to day {day}."),
        "cycle.none": ("Aucune réponse révélée pour l'instant : elles s'ajouteront ici.",
                       "No answer revealed yet: they will add up here."),
        "cycle.use": ("Réponses révélées de cette séance ({answers}) : environ {energy} Wh. "
                      "Chaque question posée s'ajoute à l'énergie de l'utilisation.",
                      "Answers revealed in this session ({answers}): about {energy} Wh. "
                      "Every question asked adds to the energy of use."),
        "cycle.figure": ("fois l'énergie de l'entraînement : l'utilisation au jour {day}",
                         "times the energy of training: use on day {day}"),
        "cycle.chart": ("Énergie de l'utilisation, en fois l'entraînement", "Energy of use, as multiples of training"),
        # recherche
        "recherche.none": ("Révélez un duel : ses réponses seront comptées ici en recherches web.",
                           "Reveal a duel: its answers will be counted here in web searches."),
        "recherche.turn": (" (réponse {n})", " (answer {n})"),
        "recherche.answer": ("- {name}{turn} : {wh} Wh, soit **{searches}**",
                             "- {name}{turn}: {wh} Wh, that is **{searches}**"),
        "recherche.mean": ("En moyenne, une réponse révélée de cette séance vaut {searches}.",
                           "On average, one answer revealed in this session is worth {searches}."),
        "recherche.figure": ("recherches web : l'énergie des réponses révélées ({answers})",
                             "web searches: the energy of the revealed answers ({answers})"),
        # francais
        "francais.model": ("- **{name}** ({organisation}, {params}) : {description}",
                           "- **{name}** ({organisation}, {params}): {description}"),
        "francais.none": ("Le catalogue n'en contient aucun.", "The catalogue holds none."),
        "francais.figure": ("du texte d'entraînement de {model} était en français",
                            "of the training text of {model} was in French"),
        # petits
        "petits.figure": ("fois moins d'énergie pour un petit ou moyen modèle (atelier)",
                          "times less energy for a small or medium model (workshop)"),
        "petits.session": ("Dans cette séance, par réponse : {comparison} ({small} : classe {small_class}, "
                           "{big} : classe {big_class}). [2]",
                           "In this session, per answer: {comparison} ({small}: class {small_class}, "
                           "{big}: class {big_class}). [2]"),
        "petits.session_figure": ("fois moins d'énergie par réponse pour {small} que pour {big}",
                                  "times less energy per answer for {small} than for {big}"),
        "petits.later": ("Après deux révélations, cette séance donnera son propre écart. [2]",
                         "After two reveals, this session will give its own gap. [2]"),
        # the sources a template names with « @ »
        "source.catalog": ("Catalogue des modèles de duels (catalog.toml) : tailles publiées par les éditeurs, "
                           "ou estimées par compar:IA quand elles ne le sont pas",
                           "Catalogue of the duels' models (catalog.toml): sizes published by their makers, "
                           "or estimated by compar:IA when they are not"),
        "source.scale": ("Échelle de taille du catalogue : « {name} »", "Size scale of the catalogue: “{name}”"),
        "source.session": ("Cette séance : réponses, jetons et votes enregistrés ; énergie estimée avec la "
                           "méthodologie {methodology}",
                           "This session: answers, tokens and votes recorded; energy estimated with the "
                           "methodology {methodology}"),
        "source.methodology": ("Méthodologie {methodology}", "Methodology {methodology}"),
        "source.tokenizer": ("tiktoken (OpenAI), découpage de {label}, lu sur cet ordinateur sans réseau",
                             "tiktoken (OpenAI), split of {label}, read on this computer without network"),
        # the reveal's and the final's charts (explain/charts.py)
        "chart.params": ("Paramètres des modèles révélés (milliards)", "Parameters of the revealed models (billions)"),
        "chart.energy": ("Énergie de chaque réponse révélée (Wh), par duel",
                         "Energy of each revealed answer (Wh), by duel"),
    },
)

# The token lesson: the texts it can split, and what its view and count line say.
TOKEN_TEXTS = Texts(
    "explain.tokens",
    {
        "question": ("Question", "Question"),
        "answer": ("Réponse {side}", "Answer {side}"),
        "free": ("Votre texte", "Your text"),
        "placeholder": ("Tapez un texte : ses jetons s'affichent au fur et à mesure",
                        "Type a text: its tokens show as you type"),
        "loading": ("Chargement du découpage en jetons…", "Loading the token splitter…"),
        "unavailable": ("Découpage indisponible : {error}", "Token split unavailable: {error}"),
        "empty": ("Pas encore de texte ici.", "No text here yet."),
        "type_here": ("Tapez un texte dans la case ci-dessus.", "Type a text in the box above."),
        "none": ("jeton", "tokens"),
        "count": ("{tokens} pour {characters}", "{tokens} for {characters}"),
        "split_by": (" · découpage de {label}", " · split of {label}"),
        "server": (" · le serveur du modèle en a compté {n}, avec son propre découpage",
                   " · the model's server counted {n}, with its own split"),
        "caption_one": ("jeton dans ce texte", "token in this text"),
        "caption_many": ("jetons dans ce texte", "tokens in this text"),
        "sources": ("Sources", "Sources"),
    },
)
