"""Source and sink configs, and the helpers reading Machida's flags."""
import unittest

import support
from support import text_decoder, text_encoder
import wallaroo
from wallaroo import WallarooParameterError


class TcpAddressTest(unittest.TestCase):
    def test_single_addresses(self):
        args = ["--in", "127.0.0.1:7000", "--out", "localhost:7002", "--metrics", "127.0.0.1:5001"]
        self.assertEqual(wallaroo.tcp_parse_input_addrs(args), [("127.0.0.1", "7000")])
        self.assertEqual(wallaroo.tcp_parse_output_addrs(args), [("localhost", "7002")])

    def test_comma_separated_lists(self):
        args = ["--in", "a:1,b:2, c:3", "--out", "d:4,e:5"]
        self.assertEqual(wallaroo.tcp_parse_input_addrs(args), [("a", "1"), ("b", "2"), ("c", "3")])
        self.assertEqual(wallaroo.tcp_parse_output_addrs(args), [("d", "4"), ("e", "5")])

    def test_short_flags_and_equals_form(self):
        self.assertEqual(wallaroo.tcp_parse_input_addrs(["-i", "h:1"]), [("h", "1")])
        self.assertEqual(wallaroo.tcp_parse_output_addrs(["-o", "h:2"]), [("h", "2")])
        self.assertEqual(wallaroo.tcp_parse_input_addrs(["--in=h:3"]), [("h", "3")])

    def test_ipv6_style_host_keeps_its_colons(self):
        self.assertEqual(wallaroo.tcp_parse_input_addrs(["--in", "::1:7000"]), [("::1", "7000")])

    def test_other_flags_are_ignored(self):
        args = ["--application-module", "app", "--in", "h:1", "--ponythreads=1", "--cluster-initializer"]
        self.assertEqual(wallaroo.tcp_parse_input_addrs(args), [("h", "1")])

    def test_missing_or_malformed(self):
        with self.assertRaises(WallarooParameterError) as cm:
            wallaroo.tcp_parse_input_addrs(["--out", "h:1"])
        self.assertIn("--in is missing", str(cm.exception))
        with self.assertRaises(WallarooParameterError) as cm:
            wallaroo.tcp_parse_output_addrs(["--out", "nohostport"])
        self.assertIn("is not HOST:PORT", str(cm.exception))
        with self.assertRaises(WallarooParameterError) as cm:
            wallaroo.tcp_parse_output_addrs(["--out"])
        self.assertIn("needs a value", str(cm.exception))

    def test_args_must_be_a_list(self):
        with self.assertRaises(WallarooParameterError):
            wallaroo.tcp_parse_input_addrs("--in h:1")


class KafkaOptionsTest(unittest.TestCase):
    def test_source_options(self):
        args = ["--kafka_source_topic", "words", "--kafka_source_brokers", "k1:9092,k2:9093",
                "--kafka_source_log_level", "Info"]
        topic, brokers, level = wallaroo.kafka_parse_source_options(args)
        self.assertEqual((topic, brokers, level), ("words", [("k1", "9092"), ("k2", "9093")], "Info"))
        config = wallaroo.KafkaSourceConfig(topic, brokers, level, text_decoder)
        self.assertEqual((config.kind, config.topic, config.brokers, config.log_level),
                         ("kafka", "words", [("k1", "9092"), ("k2", "9093")], "Info"))
        self.assertIs(config.decoder, text_decoder)

    def test_source_defaults(self):
        self.assertEqual(wallaroo.kafka_parse_source_options([]), (None, [], "Warn"))

    def test_sink_options(self):
        args = ["--kafka_sink_topic", "counts", "--kafka_sink_brokers", "k1:9092",
                "--kafka_sink_log_level", "Error", "--kafka_sink_max_produce_buffer_ms", "5",
                "--kafka_sink_max_message_size", "2048"]
        options = wallaroo.kafka_parse_sink_options(args)
        self.assertEqual(options, ("counts", [("k1", "9092")], "Error", 5, 2048))
        config = wallaroo.KafkaSinkConfig(*options, encoder=text_encoder)
        self.assertEqual((config.kind, config.max_produce_buffer_ms, config.max_message_size),
                         ("kafka", 5, 2048))
        config = wallaroo.KafkaSinkConfig(*(options + (text_encoder,)))
        self.assertIs(config.encoder, text_encoder)

    def test_sink_defaults(self):
        self.assertEqual(wallaroo.kafka_parse_sink_options(["--kafka_sink_topic", "t"]),
                         ("t", [], "Warn", 0, 100000))

    def test_broker_without_port_uses_9092(self):
        _, brokers, _ = wallaroo.kafka_parse_source_options(["--kafka_source_brokers", "kafka"])
        self.assertEqual(brokers, [("kafka", "9092")])

    def test_bad_values(self):
        with self.assertRaises(WallarooParameterError) as cm:
            wallaroo.kafka_parse_source_options(["--kafka_source_log_level", "Loud"])
        self.assertIn("'Loud' is not one of Fine, Info, Warn, Error", str(cm.exception))
        with self.assertRaises(WallarooParameterError) as cm:
            wallaroo.kafka_parse_sink_options(["--kafka_sink_max_message_size", "big"])
        self.assertIn("--kafka_sink_max_message_size 'big' is not a non-negative integer", str(cm.exception))

    def test_config_checks(self):
        with self.assertRaises(WallarooParameterError) as cm:
            wallaroo.KafkaSourceConfig(None, [("k", "1")], "Warn", text_decoder)
        self.assertIn("--kafka_source_topic", str(cm.exception))
        with self.assertRaises(WallarooParameterError) as cm:
            wallaroo.KafkaSinkConfig("t", [], "Warn", 0, 1, text_encoder)
        self.assertIn("at least one broker", str(cm.exception))
        with self.assertRaises(WallarooParameterError) as cm:
            wallaroo.KafkaSinkConfig("t", [("k", "1")], "Warn", -1, 1, text_encoder)
        self.assertIn("max_produce_buffer_ms must be a non-negative int", str(cm.exception))
        with self.assertRaises(WallarooParameterError) as cm:
            wallaroo.KafkaSourceConfig("t", ["k:1", ("a",)], "Warn", text_decoder)
        self.assertIn("is not a (host, port) pair", str(cm.exception))

    def test_brokers_as_strings(self):
        config = wallaroo.KafkaSourceConfig("t", "a:1,b:2", "Fine", text_decoder)
        self.assertEqual(config.brokers, [("a", "1"), ("b", "2")])


class TcpConfigTest(unittest.TestCase):
    def test_configs(self):
        source = wallaroo.TCPSourceConfig("127.0.0.1", "7000", text_decoder)
        sink = wallaroo.TCPSinkConfig("127.0.0.1", 7002, text_encoder)
        self.assertEqual((source.kind, source.host, source.port, source.decoder),
                         ("tcp", "127.0.0.1", "7000", text_decoder))
        self.assertEqual((sink.kind, sink.port, sink.encoder), ("tcp", 7002, text_encoder))

    def test_bad_port(self):
        for port in ("x", -1, 70000, None, True):
            with self.subTest(port=port):
                with self.assertRaises(WallarooParameterError) as cm:
                    wallaroo.TCPSinkConfig("h", port, text_encoder)
                self.assertIn("is not a port number", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
