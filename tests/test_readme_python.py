"""The README's Python section runs as written: its code is ``tests/data/readme_python.py`` (the
README's python blocks between the ``python-api`` markers, in order), run here on a fresh
embedded store in an empty folder."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

HERE = Path(__file__).parent
SCRIPT = HERE / "data" / "readme_python.py"
README = HERE.parent / "README.md"
START, END = "<!-- python-api:start -->", "<!-- python-api:end -->"


def test_the_readme_python_section_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("SMARTSPEC_HOME", raising=False)
    runpy.run_path(str(SCRIPT), run_name="__main__")
    out = capsys.readouterr().out
    assert "South Korea" in out and "Other aircraft and spacecraft" in out
    assert (tmp_path / ".smartspec" / "graph.kgl").exists()  # connect()'s default store


def test_the_readme_shows_that_code():
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text, "README.md lost its Python section's markers"
    section = text.split(START, 1)[1].split(END, 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert "\n\n".join(b.rstrip("\n") for b in blocks) + "\n" == SCRIPT.read_text()
