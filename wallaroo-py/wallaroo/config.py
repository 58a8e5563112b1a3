"""Source and sink configurations, and the helpers that read their addresses from ``args``."""
from __future__ import annotations

import argparse
from typing import Any, List, Optional, Sequence, Tuple

from wallaroo.model import Decoder, Encoder


class TCPSourceConfig:
    """Input from TCP connections to ``host:port``, framed as the decoder describes."""

    kind = "tcp"

    def __init__(self, host: str, port: Any, decoder: Any) -> None:
        self.host = host
        self.port = port
        self.decoder = decoder


class TCPSinkConfig:
    """Output to a TCP receiver at ``host:port``; the encoder returns bytes or str."""

    kind = "tcp"

    def __init__(self, host: str, port: Any, encoder: Any) -> None:
        self.host = host
        self.port = port
        self.encoder = encoder


class KafkaSourceConfig:
    """Input from every partition of a Kafka topic; one record is one message."""

    kind = "kafka"

    def __init__(self, topic: str, brokers: Sequence[Tuple[str, Any]], log_level: str = "Warn",
                 decoder: Any = None, group_id: Optional[str] = None) -> None:
        self.topic = topic
        self.brokers = [(str(h), str(p)) for h, p in brokers]
        self.log_level = log_level
        self.decoder = decoder
        self.group_id = group_id


class KafkaSinkConfig:
    """Output to a Kafka topic; the encoder returns ``(value, key)``."""

    kind = "kafka"

    def __init__(self, topic: str, brokers: Sequence[Tuple[str, Any]], log_level: str = "Warn",
                 max_produce_buffer_ms: int = 0, max_message_size: int = 100000,
                 encoder: Any = None) -> None:
        self.topic = topic
        self.brokers = [(str(h), str(p)) for h, p in brokers]
        self.log_level = log_level
        self.max_produce_buffer_ms = max_produce_buffer_ms
        self.max_message_size = max_message_size
        self.encoder = encoder


def _split_addrs(value: Optional[str], flag: str) -> List[Tuple[str, str]]:
    if not value:
        raise ValueError(f"{flag} is missing; pass it as {flag} HOST:PORT[,HOST:PORT...]")
    addrs = []
    for part in value.split(","):
        host, sep, port = part.strip().rpartition(":")
        if not sep or not host or not port:
            raise ValueError(f"{flag} {part!r} is not HOST:PORT")
        addrs.append((host, port))
    return addrs


def _flag_value(args: Sequence[str], *names: str) -> Optional[str]:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument(*names, dest="value")
    known, _ = parser.parse_known_args(list(args))
    return known.value


def tcp_parse_input_addrs(args: Sequence[str]) -> List[Tuple[str, str]]:
    """The ``(host, port)`` pairs of ``--in``/``-i`` (comma separated)."""
    return _split_addrs(_flag_value(args, "--in", "-i"), "--in")


def tcp_parse_output_addrs(args: Sequence[str]) -> List[Tuple[str, str]]:
    """The ``(host, port)`` pairs of ``--out``/``-o`` (comma separated)."""
    return _split_addrs(_flag_value(args, "--out", "-o"), "--out")


def _kafka_brokers(value: Optional[str]) -> List[Tuple[str, str]]:
    brokers = []
    for part in (value or "").split(","):
        part = part.strip()
        if part:
            host, sep, port = part.rpartition(":")
            brokers.append((host, port) if sep else (part, "9092"))
    return brokers


def kafka_parse_source_options(args: Sequence[str]) -> Tuple[str, List[Tuple[str, str]], str]:
    """``(topic, brokers, log_level)`` from ``--kafka_source_topic``, ``--kafka_source_brokers``,
    ``--kafka_source_log_level``, as Machida reads them."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--kafka_source_topic", default=None)
    parser.add_argument("--kafka_source_brokers", default=None)
    parser.add_argument("--kafka_source_log_level", default="Warn")
    known, _ = parser.parse_known_args(list(args))
    return (known.kafka_source_topic, _kafka_brokers(known.kafka_source_brokers),
            known.kafka_source_log_level)


def kafka_parse_sink_options(args: Sequence[str]) -> Tuple[str, List[Tuple[str, str]], str, int, int]:
    """``(topic, brokers, log_level, max_produce_buffer_ms, max_message_size)`` from the
    ``--kafka_sink_*`` flags, as Machida reads them."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--kafka_sink_topic", default=None)
    parser.add_argument("--kafka_sink_brokers", default=None)
    parser.add_argument("--kafka_sink_log_level", default="Warn")
    parser.add_argument("--kafka_sink_max_produce_buffer_ms", type=int, default=0)
    parser.add_argument("--kafka_sink_max_message_size", type=int, default=100000)
    known, _ = parser.parse_known_args(list(args))
    return (known.kafka_sink_topic, _kafka_brokers(known.kafka_sink_brokers),
            known.kafka_sink_log_level, known.kafka_sink_max_produce_buffer_ms,
            known.kafka_sink_max_message_size)
