"""The workshop's domain: duels, the blind draw, votes, the reveal and the final.

Pure Python: never imports Textual or litellm. `Workshop` (arena.workshop) is what the UI
drives; `play_turn` (arena.play) runs a turn through the engine.
"""
