"""Workspace tests: make the helper modules of this folder importable (importlib mode)."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
