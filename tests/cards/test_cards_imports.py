"""The cards' figures and the report are domain code: they load without Textual, without litellm
(two seconds) and without tiktoken (loaded only when a text is split)."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import duels_tui.explain, duels_tui.explain.charts, duels_tui.explain.tokens, duels_tui.report
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & {"textual", "litellm", "tiktoken", "duels_tui"})))
"""


def test_explain_and_report_load_without_textual_litellm_or_tiktoken():
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["duels_tui"]  # the probe sees imports
