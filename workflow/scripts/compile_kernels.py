# Command of the compile_kernels rule: `spikelab compile` with the rule's arguments.
# The repository is a fallback import path, for environments (conda) without spikelab.
import os, sys; sys.path.append(  # noqa: E401, E702
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from spikelab.cli import main  # noqa: E402

sys.exit(main(["compile", *sys.argv[1:]]))
