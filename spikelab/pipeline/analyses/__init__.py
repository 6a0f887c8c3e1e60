"""The built-in analyses of the workflow, one module each:
``f(sd, params, upstream) -> {key: result}``.

One module per analysis, importing the topic functions it runs directly (never through the
data classes' methods), so that each analysis's code hash covers exactly the code it runs:
a change to ``spikelab/spikedata/sttc.py`` recomputes the STTC and nothing else. They are
declared, like a lab's own analyses, in :mod:`spikelab.pipeline.builtins`.
"""
