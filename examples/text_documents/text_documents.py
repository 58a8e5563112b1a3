"""Stream descriptions for the text documents word count: what flows into the application, what
flows out, and how both ends of each stream are built.

The application imports this module to build its source and sink configs; the connector scripts
import it to build their extensions. Keeping both halves here means they cannot drift apart: the
address flags, the encoders and the decoders are written once.
"""
import argparse

import wallaroo
import wallaroo.experimental


class TextStream(object):
    """Lines of text going into the application (one message per line)."""

    def __init__(self, host, port):
        self.host = host
        self.port = int(port)

    def source(self):
        """The application's half: where the engine listens for source scripts."""
        return wallaroo.experimental.SourceExtensionConfig(
            host=self.host,
            port=self.port,
            decoder=text_decoder)

    def extension(self, name="text"):
        """A source script's half, connected (waits until the engine listens). ``name`` keys the
        engine's memory of sequences: a restarted script must use the same one."""
        extension = wallaroo.experimental.SourceExtension(text_encoder, name=name)
        extension.connect(self.host, self.port)
        return extension


class WordCountStream(object):
    """(word, count) pairs coming out of the application: the running count of each word."""

    def __init__(self, host, port):
        self.host = host
        self.port = int(port)

    def sink(self):
        """The application's half: where the engine listens for sink scripts."""
        return wallaroo.experimental.SinkExtensionConfig(
            host=self.host,
            port=self.port,
            encoder=word_count_encoder)

    def extension(self):
        """A sink script's half, connected (waits until the engine listens)."""
        extension = wallaroo.experimental.SinkExtension(word_count_decoder)
        extension.connect(self.host, self.port)
        return extension


def parse_text_stream_addr(args):
    """(host, port) of ``--text-stream HOST:PORT``."""
    return _parse_addr(args, "--text-stream")


def parse_word_count_stream_addr(args):
    """(host, port) of ``--word-count-stream HOST:PORT``."""
    return _parse_addr(args, "--word-count-stream")


def _parse_addr(args, flag):
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument(flag, dest="addr")
    addr = parser.parse_known_args(args)[0].addr
    host, _, port = (addr or "").rpartition(":")
    if not host or not port.isdigit():
        raise wallaroo.WallarooParameterError(
            "%s HOST:PORT is missing or malformed (got %r)" % (flag, addr))
    return host, int(port)


@wallaroo.experimental.streaming_message_decoder
def text_decoder(message):
    return message.decode("utf-8")


@wallaroo.experimental.streaming_message_encoder
def text_encoder(message):
    return message.encode("utf-8")


@wallaroo.experimental.streaming_message_encoder
def word_count_encoder(word_count):
    word, count = word_count
    return ("%s %d" % (word, count)).encode("utf-8")


@wallaroo.experimental.streaming_message_decoder
def word_count_decoder(message):
    word, count = message.decode("utf-8").rsplit(" ", 1)
    return word, int(count)
