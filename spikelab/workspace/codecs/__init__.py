"""Codecs: one module per stored type, each registering itself in one line.

Importing this package registers all of them. Use :func:`encode_item`, :func:`decode_item`,
:func:`check_item`, :func:`summarize` and :func:`peek_item`; they dispatch through the
registry (by type for writing, by ``__type__`` tag for reading).
"""

from . import (mapping, ndarray, pairwise, pairwise_stack,  # noqa: F401 (registration)
               ratedata, rateslicestack, spikedata, spikeslicestack)
from .items import check_item, decode_item, encode_item, peek_item, summarize
from .registry import Codec, codec_for, codec_for_tag, known_tags, read_tag

__all__ = ["Codec", "encode_item", "decode_item", "check_item", "summarize",
           "peek_item", "codec_for", "codec_for_tag", "known_tags", "read_tag"]
