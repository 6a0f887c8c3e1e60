"""Config mistakes stop the real `snakemake` before any job, naming the key (and lines)."""

from __future__ import annotations

import pytest
import yaml

from spikelab import SpikeData
from spikelab.io import save_phy

from .harness import jobs_run, make_project, run, small_config

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("checks"), small_config())
    sd = SpikeData([[1.0, 2.0], [3.0]], length=5.0)
    save_phy(sd, root / "ks", 1000.0)  # labels: good, good
    return root


def base_text() -> str:
    return yaml.safe_dump(small_config(), sort_keys=False)


def with_phy(options: str) -> str:
    return base_text().replace("recordings:\n", f"recordings:\n  K:\n    path: ks\n"
                                                f"    options: {options}\n", 1)


@pytest.mark.parametrize("text, expected", [
    (base_text().replace("  B:\n", "  A:\n    simulate: {dose: 1}\n  B:\n", 1),
     ["config/config.yaml: key 'recordings.A' is given twice, on lines 2 and 6"]),
    (base_text().replace("    delt: 20\n", "    delt: 20\n    delt: 50\n"),
     ["key 'analyses.sttc.delt' is given twice"]),
    (base_text().replace("prune: false\n", "prune: [false\n"),
     ["config/config.yaml, line", "not valid YAML"]),
    (base_text().replace("    delt: 20\n", "    delt: .nan\n"), ["['analyses']['sttc']['delt']"]),
    (base_text().replace("  duration_s: 40\n", "  duration_s: .inf\n"),
     ["['simulation']['duration_s']", "greater than the maximum"]),
    (base_text().replace("workspace: results/workspace\n", "workspace: ''\n"),
     ["['workspace']", "should be non-empty"]),
    (base_text().replace("cache: []\n", "cache: [/nowhere/lab/workspace]\n"),
     ["cache workspace not found: cache[0]: /nowhere/lab/workspace"]),
    (with_phy("{include: 123}"), ["recordings.K.options: ks: include must be"]),
    (with_phy("{labels: good}"), ["recordings.K.options: ks: format 'phy' takes no option"]),
])
def test_config_mistakes_stop_snakemake_before_any_job(project, text, expected):
    (project / "config" / "config.yaml").write_text(text)
    proc = run(project, "--dry-run", check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    for part in expected:
        assert part in output, output
    assert jobs_run(output) == {}


def test_a_duplicate_key_in_a_configfile_given_on_the_command_line(project, tmp_path):
    (project / "config" / "config.yaml").write_text(base_text())
    extra = tmp_path / "more.yaml"
    extra.write_text("analyses:\n  sttc: {delt: 20}\n  sttc: {delt: 30}\n")
    proc = run(project, "--dry-run", "--configfile", str(extra), check=False)
    assert proc.returncode != 0
    message = f"{extra}: key 'analyses.sttc' is given twice, on lines 2 and 3"
    assert message in proc.stdout + proc.stderr


def test_valid_phy_options_pass(project):
    (project / "config" / "config.yaml").write_text(with_phy("{include: [good, mua]}"))
    proc = run(project, "--dry-run")
    assert {rec for (_rule, rec) in jobs_run(proc.stdout + proc.stderr)} >= {"K", "A"}


def test_the_default_profile_is_loaded_by_the_plain_command(project):
    """Snakemake 9 looks for profiles/default beside the Snakefile: its settings apply."""
    (project / "config" / "config.yaml").write_text(base_text())
    proc = run(project, "--dry-run")
    assert "Using workflow specific profile profiles/default" in proc.stdout + proc.stderr
