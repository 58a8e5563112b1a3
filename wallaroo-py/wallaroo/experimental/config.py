"""The application's half of an extension: source and sink configs and the message decorators."""
from __future__ import annotations

import functools
TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs seconds to import in a fresh GraalPy context
    from typing import Any, Callable, Optional

from wallaroo._checks import check_callable
from wallaroo.config import _check_port
from wallaroo.errors import WallarooParameterError
from wallaroo.experimental.source import as_payload
from wallaroo.model import Decoder, Encoder


def streaming_message_decoder(fn: Optional[Callable[[bytes], Any]] = None) -> Any:
    """Marks ``fn(message_bytes)`` as the decoder of an extension stream: it gets one whole
    message (the library does the framing) and returns the application's value.

    Use it in a ``SourceExtensionConfig`` (in the application) and a ``SinkExtension`` (in a sink
    script). Used bare; ``@streaming_message_decoder()`` is accepted too.
    """
    if fn is None:
        return streaming_message_decoder
    check_callable(fn, 1, "@wallaroo.experimental.streaming_message_decoder", "message")
    return Decoder(fn, header_length=None, length_fmt=None)


def streaming_message_encoder(fn: Optional[Callable[[Any], bytes]] = None) -> Any:
    """Marks ``fn(message)`` as the encoder of an extension stream: it returns the message's bytes
    (a str is sent as UTF-8); the library frames them.

    Use it in a ``SinkExtensionConfig`` (in the application) and a ``SourceExtension`` (in a source
    script). Used bare; ``@streaming_message_encoder()`` is accepted too.
    """
    if fn is None:
        return streaming_message_encoder
    check_callable(fn, 1, "@wallaroo.experimental.streaming_message_encoder", "message")
    name = getattr(fn, "__name__", "encoder")

    @functools.wraps(fn)
    def encode(message: Any) -> bytes:
        # Checked here so that an int or a tuple is reported as the encoder's mistake instead of
        # turning into odd bytes further down.
        return as_payload(fn(message), f"the encoder {name}")
    return Encoder(encode, name=name)


def _is_decoder(obj: Any) -> bool:
    # A classic decoder object has decode(bs); bytes has a decode method too but is no decoder.
    return isinstance(obj, Decoder) or (not isinstance(obj, (str, bytes))
                                        and callable(getattr(obj, "decode", None)))


def _is_encoder(obj: Any) -> bool:
    return isinstance(obj, Encoder) or (not isinstance(obj, (str, bytes))
                                        and callable(getattr(obj, "encode", None)))


class SourceExtensionConfig:
    """A pipeline source fed by external scripts: the engine listens on ``host:port`` and
    ``wallaroo.experimental.SourceExtension`` scripts connect to it. ``decoder`` turns each
    message's bytes into the pipeline's first input."""

    kind = "extension"

    def __init__(self, host: str, port: Any, decoder: Any) -> None:
        _check_port("SourceExtensionConfig", port)
        if not _is_decoder(decoder):
            raise WallarooParameterError(
                f"SourceExtensionConfig needs a decoder: a function decorated with "
                f"@wallaroo.experimental.streaming_message_decoder, got {decoder!r}")
        self.host = host
        self.port = port
        self.decoder = decoder

    def __repr__(self) -> str:
        return f"SourceExtensionConfig({self.host!r}, {self.port!r}, {self.decoder!r})"


class SinkExtensionConfig:
    """A pipeline sink drained by external scripts: the engine listens on ``host:port`` and
    ``wallaroo.experimental.SinkExtension`` scripts connect to it. ``encoder`` turns each output
    into bytes."""

    kind = "extension"

    def __init__(self, host: str, port: Any, encoder: Any) -> None:
        _check_port("SinkExtensionConfig", port)
        if not _is_encoder(encoder):
            raise WallarooParameterError(
                f"SinkExtensionConfig needs an encoder: a function decorated with "
                f"@wallaroo.experimental.streaming_message_encoder, got {encoder!r}")
        self.host = host
        self.port = port
        self.encoder = encoder

    def __repr__(self) -> str:
        return f"SinkExtensionConfig({self.host!r}, {self.port!r}, {self.encoder!r})"
