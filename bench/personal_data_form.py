"""What the testimony form's personal-data check costs on hostile text, in Python and in the
browser's engine (app/testimony/personal_data.py, static/js/personal-data.js).

    .venv/bin/python bench/personal_data_form.py

Each case is a text built to make a backtracking regular expression engine slow (runs of
digits, separators, capitalised words, dots and @ signs), at the form's maximum (10,000
characters) and ten times that. Linear patterns cost about ten times as much at ten times the
length; a catastrophic one would cost a hundred times or more (or never finish). The browser
side runs the form's own script under Node (V8, the engine Chromium uses), with the patterns
the page would carry; it is skipped when `node` is not installed.

Printed: milliseconds per text (best of 5, CPU time for Python, wall time inside V8), the
ratio 100,000 / 10,000 characters, and each case against an ordinary 10,000-character letter.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.testimony.personal_data import browser_config, find_personal_data  # noqa: E402

LETTER = (
    "I have lived on Dudley Street for twenty years. The cameras the city proposes would "
    "watch every family walking to the library, and nobody has said who keeps the footage. "
)


def _cases(size: int) -> dict[str, str]:
    def fill(unit: str, prefix: str = "") -> str:
        return (prefix + unit * (size // len(unit) + 1))[:size]

    return {
        "ordinary letter": fill(LETTER),
        "digits": fill("7"),
        "1-1-1-": fill("1-"),
        "617 617 617": fill("617 "),
        "555-0143 555-": fill("555-0143 "),
        "1 Aaaa…": fill("a", "1 A"),
        "12 Main Main…": fill("Main ", "12 "),
        "a.a.a.": fill("a."),
        "a@a@a@": fill("a@"),
        "x@a.a.a.": fill("a.", "x@"),
        "+1+1+1": fill("+1"),
        "SSN SSN": fill("SSN "),
        "phones": fill("617-555-0143 "),
    }


def _best(function, text: str, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        function(text)
        best = min(best, time.process_time() - started)
    return best * 1000


_NODE_RUNNER = r"""
const fs = require("fs");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
global.window = {};
global.document = {
  querySelector: (selector) =>
    selector === "[data-patterns]" ? { getAttribute: () => JSON.stringify(input.config) } : null,
  querySelectorAll: () => [],
};
eval(fs.readFileSync(input.script, "utf8"));
const find = window.OpenTestimony.findPersonalData;
const out = {};
for (const [name, text] of Object.entries(input.texts)) {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    find(text);
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
  }
  out[name] = best;
}
process.stdout.write(JSON.stringify(out));
"""


def _in_v8(config: dict, texts: dict[str, str]) -> dict[str, float] | None:
    node = shutil.which("node")
    if node is None:
        return None
    payload = {
        "config": config,
        "script": str(ROOT / "static" / "js" / "personal-data.js"),
        "texts": texts,
    }
    result = subprocess.run(  # noqa: S603 (node, our own script, fixed arguments)
        [node, "-e", _NODE_RUNNER],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(result.stdout)


def main() -> None:
    app = create_app({"TESTING": True})
    with app.test_request_context():
        config = browser_config()
    small, large = _cases(10_000), _cases(100_000)
    python = {
        name: (_best(find_personal_data, small[name]), _best(find_personal_data, large[name]))
        for name in small
    }
    v8_small = _in_v8(config, small)
    v8_large = _in_v8(config, {f"{name} (large)": text for name, text in large.items()})
    base_python = python["ordinary letter"][0]
    print("Personal-data check on hostile text: ms per text; x10 = cost at 100,000 / at 10,000")
    print(f"  {'case':<16}{'Python 10k':>11}{'x10':>7}{'vs letter':>10}", end="")
    print(f"{'V8 10k':>9}{'x10':>7}{'vs letter':>10}" if v8_small else "  (no node: V8 skipped)")
    for name, (ten, hundred) in python.items():
        line = f"  {name:<16}{ten:>11.2f}{hundred / ten:>7.1f}{ten / base_python:>10.1f}"
        if v8_small and v8_large:
            v_ten, v_hundred = v8_small[name], v8_large[f"{name} (large)"]
            base_v8 = v8_small["ordinary letter"]
            line += f"{v_ten:>9.2f}{v_hundred / v_ten:>7.1f}{v_ten / base_v8:>10.1f}"
        print(line)


if __name__ == "__main__":
    main()
