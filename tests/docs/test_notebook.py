"""The example notebook runs top to bottom on the demo's output, and `snakemake --report`
holds one figure per condition and plot kind, with its caption."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "docs" / "notebooks" / "explore.ipynb"
JUPYTER = str(Path(sys.executable).with_name("jupyter"))
PER_CONDITION = ("raster", "aligned_rate", "sttc")
ACROSS = ("sttc_distribution", "burst_corr_distribution", "summary")


def test_notebook_runs_headless_with_jupyter_execute_on_the_demo_output(demo_project, tmp_path):
    """The README's headless command, on a copy (the committed notebook keeps no outputs)."""
    copy = tmp_path / NOTEBOOK.name
    shutil.copy(NOTEBOOK, copy)
    env = {**os.environ, "SPIKELAB_WORKSPACE": str(demo_project / "results" / "workspace")}
    proc = subprocess.run([JUPYTER, "execute", "--inplace", "--timeout=600", str(copy)],
                          env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # a failing cell fails the command
    nb = nbformat.read(copy, as_version=4)
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    # summary + one composite figure per condition + two distributions
    assert len(images) == 1 + 2 + 2
    text = "".join(o.get("text", "") for o in outputs)
    for ns, key in [("D0", "sttc_matrix"), ("D3", "burst_rss"), ("all", "summary")]:
        assert re.search(rf"^{ns}\s+{key}\s", text, re.M), f"{ns}/{key} not in the table"


def test_the_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")


def report_results(html: str) -> dict[str, dict]:
    """Path -> entry (labels, caption, data URI) of every result embedded in the report."""
    results = {}
    for m in re.finditer(r'"(results/plots/[^"]+\.png)": (\{"name")', html):
        decoder = json.JSONDecoder()
        entry, _ = decoder.raw_decode(html, m.start(2))
        results[m.group(1)] = entry
    return results


def test_report_has_one_figure_per_condition_and_kind(demo_project, harness):
    harness.run(demo_project, "--report", "report.html")
    results = report_results((demo_project / "report.html").read_text())
    expected = {f"results/plots/{rec}/{kind}.png" for rec in ("D0", "D3") for kind in PER_CONDITION}
    expected |= {f"results/plots/all/{kind}.png" for kind in ACROSS}
    assert set(results) == expected
    for path, entry in results.items():
        assert entry["data_uri"].startswith("data:image/png"), path
        condition = path.split("/")[2]
        if condition != "all":  # captions are rendered per job, naming the condition
            assert entry["labels"] == {"condition": condition, "figure": Path(path).stem}
            assert f"<strong>{condition}</strong>" in entry["caption"]
