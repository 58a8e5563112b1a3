"""Source and sink configurations, and the helpers that read their settings from ``args``.

The helpers read Machida's command-line flags. They do their own small parsing rather than use
argparse, whose errors exit the process; here a bad flag raises WallarooParameterError.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs seconds to import in a fresh GraalPy context
    from typing import Any, List, Optional, Sequence, Tuple

from wallaroo.errors import WallarooParameterError

KAFKA_LOG_LEVELS = ("Fine", "Info", "Warn", "Error")


def _check_port(what: str, port: Any) -> None:
    try:
        number = int(port)
    except (TypeError, ValueError):
        number = -1
    if isinstance(port, bool) or not 0 <= number <= 65535:
        raise WallarooParameterError(f"{what}: port {port!r} is not a port number (0-65535)")


def _brokers(what: str, brokers: Any) -> List[Tuple[str, str]]:
    """``brokers`` as ``(host, port)`` string pairs; ``"host:port"`` strings are accepted too."""
    if isinstance(brokers, str):
        return _kafka_brokers(brokers)
    out = []
    for broker in brokers or ():
        if isinstance(broker, str):
            out.extend(_kafka_brokers(broker))
            continue
        try:
            host, port = broker
        except (TypeError, ValueError):
            raise WallarooParameterError(
                f"{what}: broker {broker!r} is not a (host, port) pair") from None
        out.append((str(host), str(port)))
    return out


def _log_level(what: str, level: Any) -> str:
    if level not in KAFKA_LOG_LEVELS:
        raise WallarooParameterError(
            f"{what}: log_level {level!r} is not one of {', '.join(KAFKA_LOG_LEVELS)}")
    return level


class TCPSourceConfig:
    """Input from TCP connections to ``host:port``, framed as the decoder describes."""

    kind = "tcp"

    def __init__(self, host: str, port: Any, decoder: Any) -> None:
        _check_port("TCPSourceConfig", port)
        self.host = host
        self.port = port
        self.decoder = decoder

    def __repr__(self) -> str:
        return f"TCPSourceConfig({self.host!r}, {self.port!r}, {self.decoder!r})"


class TCPSinkConfig:
    """Output to a TCP receiver at ``host:port``; the encoder returns bytes or str."""

    kind = "tcp"

    def __init__(self, host: str, port: Any, encoder: Any) -> None:
        _check_port("TCPSinkConfig", port)
        self.host = host
        self.port = port
        self.encoder = encoder

    def __repr__(self) -> str:
        return f"TCPSinkConfig({self.host!r}, {self.port!r}, {self.encoder!r})"


class KafkaSourceConfig:
    """Input from every partition of a Kafka topic; one record is one message."""

    kind = "kafka"

    def __init__(self, topic: str, brokers: Sequence[Tuple[str, Any]], log_level: str = "Warn",
                 decoder: Any = None, group_id: Optional[str] = None) -> None:
        if not isinstance(topic, str) or not topic:
            raise WallarooParameterError(
                f"KafkaSourceConfig needs the topic as a non-empty str, got {topic!r} "
                f"(pass --kafka_source_topic when reading it with kafka_parse_source_options)")
        self.topic = topic
        self.brokers = _brokers("KafkaSourceConfig", brokers)
        if not self.brokers:
            raise WallarooParameterError(
                "KafkaSourceConfig needs at least one broker (pass --kafka_source_brokers host:port)")
        self.log_level = _log_level("KafkaSourceConfig", log_level)
        self.decoder = decoder
        self.group_id = group_id

    def __repr__(self) -> str:
        return f"KafkaSourceConfig({self.topic!r}, {self.brokers!r}, {self.log_level!r}, {self.decoder!r})"


class KafkaSinkConfig:
    """Output to a Kafka topic; the encoder returns ``(value, key)`` (key may be None)."""

    kind = "kafka"

    def __init__(self, topic: str, brokers: Sequence[Tuple[str, Any]], log_level: str = "Warn",
                 max_produce_buffer_ms: int = 0, max_message_size: int = 100000,
                 encoder: Any = None) -> None:
        if not isinstance(topic, str) or not topic:
            raise WallarooParameterError(
                f"KafkaSinkConfig needs the topic as a non-empty str, got {topic!r} "
                f"(pass --kafka_sink_topic when reading it with kafka_parse_sink_options)")
        self.topic = topic
        self.brokers = _brokers("KafkaSinkConfig", brokers)
        if not self.brokers:
            raise WallarooParameterError(
                "KafkaSinkConfig needs at least one broker (pass --kafka_sink_brokers host:port)")
        self.log_level = _log_level("KafkaSinkConfig", log_level)
        for field, value in (("max_produce_buffer_ms", max_produce_buffer_ms),
                             ("max_message_size", max_message_size)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise WallarooParameterError(
                    f"KafkaSinkConfig: {field} must be a non-negative int, got {value!r}")
        self.max_produce_buffer_ms = max_produce_buffer_ms
        self.max_message_size = max_message_size
        self.encoder = encoder

    def __repr__(self) -> str:
        return f"KafkaSinkConfig({self.topic!r}, {self.brokers!r}, {self.log_level!r}, {self.encoder!r})"


# -- reading flags from args ---------------------------------------------------------------------

def _flag_value(args: Sequence[str], *names: str) -> Optional[str]:
    """The value of the last ``--flag value`` or ``--flag=value`` among ``names``, else None."""
    if isinstance(args, str):
        raise WallarooParameterError("args must be the list of command-line arguments, not one str")
    args = [str(a) for a in (args or ())]
    value = None
    i = 0
    while i < len(args):
        arg = args[i]
        flag, eq, inline = arg.partition("=")
        if flag in names:
            if eq:
                value = inline
            elif i + 1 < len(args):
                value = args[i + 1]
                i += 1
            else:
                raise WallarooParameterError(f"{flag} is the last argument but needs a value after it")
        i += 1
    return value


def _split_addrs(value: Optional[str], flag: str) -> List[Tuple[str, str]]:
    if not value:
        raise WallarooParameterError(f"{flag} is missing; pass it as {flag} HOST:PORT[,HOST:PORT...]")
    addrs = []
    for part in value.split(","):
        host, sep, port = part.strip().rpartition(":")
        if not sep or not host or not port:
            raise WallarooParameterError(f"{flag} {part!r} is not HOST:PORT")
        addrs.append((host, port))
    return addrs


def tcp_parse_input_addrs(args: Sequence[str]) -> List[Tuple[str, str]]:
    """The ``(host, port)`` pairs of ``--in``/``-i``, a comma-separated list."""
    return _split_addrs(_flag_value(args, "--in", "-i"), "--in")


def tcp_parse_output_addrs(args: Sequence[str]) -> List[Tuple[str, str]]:
    """The ``(host, port)`` pairs of ``--out``/``-o``, a comma-separated list."""
    return _split_addrs(_flag_value(args, "--out", "-o"), "--out")


def _kafka_brokers(value: Optional[str]) -> List[Tuple[str, str]]:
    brokers = []
    for part in (value or "").split(","):
        part = part.strip()
        if part:
            host, sep, port = part.rpartition(":")
            brokers.append((host, port) if sep else (part, "9092"))
    return brokers


def _int_flag(args: Sequence[str], flag: str, default: int) -> int:
    value = _flag_value(args, flag)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise WallarooParameterError(f"{flag} {value!r} is not a non-negative integer")
    return number


def kafka_parse_source_options(args: Sequence[str]) -> Tuple[Optional[str], List[Tuple[str, str]], str]:
    """``(topic, brokers, log_level)`` from ``--kafka_source_topic``, ``--kafka_source_brokers``
    (comma-separated ``host:port``) and ``--kafka_source_log_level`` (default ``Warn``)."""
    level = _flag_value(args, "--kafka_source_log_level") or "Warn"
    return (_flag_value(args, "--kafka_source_topic"),
            _kafka_brokers(_flag_value(args, "--kafka_source_brokers")),
            _log_level("--kafka_source_log_level", level))


def kafka_parse_sink_options(args: Sequence[str]) -> Tuple[Optional[str], List[Tuple[str, str]], str, int, int]:
    """``(topic, brokers, log_level, max_produce_buffer_ms, max_message_size)`` from
    ``--kafka_sink_topic``, ``--kafka_sink_brokers``, ``--kafka_sink_log_level`` (default
    ``Warn``), ``--kafka_sink_max_produce_buffer_ms`` (default 0) and
    ``--kafka_sink_max_message_size`` (default 100000)."""
    level = _flag_value(args, "--kafka_sink_log_level") or "Warn"
    return (_flag_value(args, "--kafka_sink_topic"),
            _kafka_brokers(_flag_value(args, "--kafka_sink_brokers")),
            _log_level("--kafka_sink_log_level", level),
            _int_flag(args, "--kafka_sink_max_produce_buffer_ms", 0),
            _int_flag(args, "--kafka_sink_max_message_size", 100000))
