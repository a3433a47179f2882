"""What a session gives out, read from the arena's objects: the session's report and the pooled
ranking's (Markdown, HTML), the export of votes and conversations (JSON Lines, CSV, compar:IA's
datasets), and the import that reads an export back on another machine (`duels import`).

Above the arena, as these read its objects, and below the interface and the commands
(docs/architecture.md). Imports nothing itself: `duels paths` reads `reports_dir` without
loading the export.
"""
