# Command of every analysis job (a shell: rule, not a script: shim: see spikelab.pipeline.job).
# The repository is a fallback import path, for environments (conda) without spikelab.
import os, sys; sys.path.append(  # noqa: E401, E702
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from spikelab.pipeline.job import run  # noqa: E402

run()
