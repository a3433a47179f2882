"""The floor under Home's first frame: a bare Textual app with the widgets Home shows (header,
lines of text, a list of duels, the footer's keys) and nothing of duels, for bench/ui_bench.py's
first_frame part: `duels` cannot draw its first frame sooner than Textual draws this one."""

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Header, OptionList, Static


class BareHome(App):
    BINDINGS = [Binding("q", "quit", "Quitter"), Binding("f1", "bell", "Fiches")]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static("Les duels de l'IA")
            yield Static("Programme : classique")
            yield OptionList(*(f"Duel #{n} : modèle A vs modèle B" for n in (1, 2, 3)))
            yield Static("Entrée : jouer le duel choisi · q : quitter")
        yield Footer()


if __name__ == "__main__":
    BareHome().run()
