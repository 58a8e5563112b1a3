"""Sources and sinks written as separate scripts (experimental; the API may change).

An application declares ``SourceExtensionConfig(host, port, decoder)`` in ``new_pipeline`` and
``SinkExtensionConfig(host, port, encoder)`` in ``to_sink``; the engine listens on both addresses.
Separate scripts, run with plain CPython, connect to them:

* a source script writes messages with ``SourceExtension(encoder).connect(host, port)`` and
  ``write(message, partition=None, sequence=None)``;
* a sink script reads the output with ``SinkExtension(decoder).connect(host, port)`` and
  ``read(timeout=None)``.

Both sides see messages, never framing: ``streaming_message_encoder`` and
``streaming_message_decoder`` mark the functions that turn messages into bytes and back, and the
library frames them (the wire format is described in ``wallaroo.experimental._protocol``).

Scripts need only the standard library (plus the client of whatever system they talk to).
"""
from wallaroo.experimental._protocol import ExtensionError
from wallaroo.experimental.config import (SinkExtensionConfig, SourceExtensionConfig,
                                          streaming_message_decoder, streaming_message_encoder)
from wallaroo.experimental.sink import SinkExtension
from wallaroo.experimental.source import SourceExtension

__all__ = [
    "SourceExtensionConfig", "SinkExtensionConfig",
    "streaming_message_decoder", "streaming_message_encoder",
    "SourceExtension", "SinkExtension", "ExtensionError",
]
