"""``python -m spikelab.cli``: the ``spikelab`` command without the console script."""

import sys

from .main import main

sys.exit(main())
