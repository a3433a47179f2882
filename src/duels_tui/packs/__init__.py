"""Packs: answers recorded beforehand (`duels record`) and replayed offline (`duels --pack`).

- `format`: the JSON file (docs/packs.md): `load_pack`, `save_pack`, `PackError`.
- `record`: playing a programme now, headless, into a pack document.
- `replay`: a pack as a programme, catalog cards and answer sources (`engine.pack_source`).
"""
