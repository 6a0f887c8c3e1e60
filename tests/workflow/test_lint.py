"""The workflow's own hygiene: `snakemake --lint` and `snakefmt --check` are clean."""

import subprocess
import sys
from pathlib import Path

from .harness import REPO, SNAKEMAKE, local_env

SNAKEFMT = str(Path(sys.executable).with_name("snakefmt"))


def test_snakemake_lint_is_clean():
    proc = subprocess.run([SNAKEMAKE, "--lint"], cwd=REPO, capture_output=True, text=True,
                          timeout=120, env=local_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_snakefmt_check_is_clean():
    files = [
        "Snakefile",
        *sorted(str(p.relative_to(REPO)) for p in (REPO / "workflow" / "rules").glob("*.smk")),
    ]
    proc = subprocess.run([SNAKEFMT, "--check", *files], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
