"""The Sphinx docs build without a warning and with every cross-reference resolved, and the
pipeline guide's configuration reference documents every option of the workflow's schema with
the schema's default."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"


def _load_helper():
    spec = importlib.util.spec_from_file_location("schema_paths", Path(__file__).with_name(
        "schema_paths.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


schema_paths = _load_helper()
ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|[^|]*\|\s*([^|]*?)\s*\|")


def test_docs_build_without_warnings(tmp_path):
    proc = subprocess.run(
        # -n (nitpicky) as conf.py sets it: every cross-reference must resolve.
        [sys.executable, "-m", "sphinx", "-W", "-n", "--keep-going", "-q", "-b", "html",
         "-d", str(tmp_path / "doctrees"), str(DOCS), str(tmp_path / "html")],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = (tmp_path / "html" / "api.html").read_text()
    for name in ("SpikeData", "AnalysisWorkspace", "plot_raster", "Progress"):
        assert name in html, f"{name} missing from the API reference"
    missing = [f"{cls}.{name}" for cls, names in API_0_1_2.items() for name in names
               if f'id="spikelab.{cls}.{name}"' not in html]
    assert not missing, f"methods missing from the API reference: {missing}"


#: The public names taken over from spikelab 0.1.2 (issue 15), by class.
API_0_1_2 = {
    "SpikeData": (
        "sliding_rate",
        "get_pairwise_ccg",
        "get_pairwise_latencies",
        "latencies",
        "latencies_to_index",
        "from_thresholding",
        "append",
        "concatenate_spike_data",
        "split_epochs",
        "subset_stack",
        "spike_shuffle",
        "spike_shuffle_stack",
        "compute_spike_trig_pop_rate",
        "compare_sorter",
        "best_match_assignment",
        "cv_isi",
        "cv2_isi",
        "interspike_intervals",
        "binned_meanrate",
        "channel_raster",
        "electrodes",
        "neuron_to_channel_map",
        "unit_locations",
        "get_waveform_traces",
        "get_neuron_attribute",
        "set_neuron_attribute",
        "times",
        "__getitem__",
        "subset",
        "plot_spatial_network",
        "fit_gplvm",
    ),
    "SpikeSliceStack": (
        "rank_order_correlation",
        "order_units_across_slices",
        "get_unit_timing_per_slice",
        "subset",
        "subslice",
        "subtime_by_index",
        "apply",
        "compute_frac_active",
        "baseline_normalized_raster",
        "responsive_units",
        "responsive_units_per_group",
        "responsiveness_change",
        "per_unit_response_regression",
        "group_pair_similarity",
        "slice_to_slice_similarity",
        "decode_slice_labels",
        "plot_aligned_slice_single_unit",
    ),
    "RateSliceStack": (
        "rank_order_correlation",
        "order_units_across_slices",
        "get_unit_timing_per_slice",
        "slice_to_slice_similarity",
        "subset",
        "subslice",
        "subtime_by_index",
        "convert_to_list_of_RateData",
    ),
    "RateData": ("frames", "subtime_by_index", "subtime", "subset", "get_manifold"),
    "PairwiseCompMatrix": (
        "normalize",
        "threshold",
        "remove_by_condition",
        "extract_pairs_by_group",
        "to_networkx",
        "plot",
    ),
    "PairwiseCompMatrixStack": (
        "normalize",
        "threshold",
        "remove_by_condition",
        "plot_mean",
        "subslice",
        "dim_red_on_lower_diagonal_corr_matrix",
        "__getitem__",
    ),
    "spikedata.resampling": ("randomize",),  # a function of spikelab.spikedata.spikedata in 0.1.2
}


@pytest.fixture(scope="module")
def options() -> dict:
    return schema_paths.option_paths(yaml.safe_load(SCHEMA.read_text()))


@pytest.fixture(scope="module")
def reference_rows() -> dict[str, str]:
    """Option -> default cell of every table row of the guide's configuration reference."""
    text = (DOCS / "pipeline.md").read_text()
    section = text.split("## Configuration reference", 1)[1].split("\n## ", 1)[0]
    return {m.group(1): m.group(2) for m in map(ROW.match, section.splitlines()) if m}


def test_every_schema_option_is_documented(options):
    text = (DOCS / "pipeline.md").read_text()
    missing = [path for path in options if f"`{path}`" not in text]
    assert not missing, f"options of {SCHEMA.name} not in docs/pipeline.md: {missing}"


def test_every_documented_option_exists(options, reference_rows):
    unknown = sorted(set(reference_rows) - set(options))
    assert not unknown, f"docs/pipeline.md documents options the schema does not have: {unknown}"


def test_documented_defaults_match_the_schema(options, reference_rows):
    leaves = {p: s for p, s in options.items()
              if s.get("type") != "object" or "properties" not in s}
    wrong = {}
    for path, schema in leaves.items():
        cell = reference_rows.get(path)
        if cell is None:
            continue  # the containers are described in prose
        documented = None if cell in ("–", "-", "") else yaml.safe_load(cell.strip("`"))
        if documented != schema.get("default"):
            wrong[path] = (cell, schema.get("default"))
    assert not wrong, f"documented default vs schema default: {wrong}"
    assert len(set(reference_rows) & set(leaves)) >= 40  # the tables were parsed at all
