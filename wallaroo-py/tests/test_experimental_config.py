"""The application's side of extensions: configs, decorators, and how the builder, the bridge and
the in-process harness see them."""
import unittest

import support  # noqa: F401  (puts the package source first on sys.path)

import wallaroo
import wallaroo.testing
from wallaroo._bridge import describe
from wallaroo.experimental import (SinkExtensionConfig, SourceExtensionConfig, streaming_message_decoder,
                                   streaming_message_encoder)


@streaming_message_decoder
def text_decoder(message):
    return message.decode("utf-8")


@streaming_message_encoder
def text_encoder(message):
    return message.encode("utf-8")


@streaming_message_encoder
def number_encoder(message):
    return len(message)  # wrong on purpose: not bytes


@wallaroo.computation(name="shout")
def shout(data):
    return data.upper() + "!"


def application(encoder=text_encoder):
    def setup(args):
        ab = wallaroo.ApplicationBuilder("extensions")
        ab.new_pipeline("shout", SourceExtensionConfig("127.0.0.1", 7100, text_decoder))
        ab.to(shout)
        ab.to_sink(SinkExtensionConfig("127.0.0.1", 7200, encoder))
        return ab.build()
    return setup


class DecoratorTest(unittest.TestCase):
    def test_decorated_functions_stay_callable(self):
        self.assertEqual(text_decoder(b"abc"), "abc")
        self.assertEqual(text_encoder("abc"), b"abc")
        self.assertEqual(text_decoder.__name__, "text_decoder")

    def test_a_streaming_decoder_has_no_tcp_framing(self):
        self.assertIsNone(text_decoder.header_length())
        self.assertIsNone(text_decoder.length_fmt)

    def test_parentheses_are_accepted(self):
        @streaming_message_decoder()
        def decode(message):
            return message
        self.assertEqual(decode(b"x"), b"x")

    def test_a_wrong_signature_is_reported_at_once(self):
        with self.assertRaises(wallaroo.WallarooParameterError) as raised:
            @streaming_message_encoder
            def encode(a, b):
                return a
        self.assertIn("streaming_message_encoder", str(raised.exception))

    def test_an_encoder_must_return_bytes(self):
        self.assertEqual(text_encoder("é"), "é".encode())
        with self.assertRaises(TypeError):
            number_encoder("abc")


class ConfigTest(unittest.TestCase):
    def test_configs_check_their_arguments(self):
        with self.assertRaises(wallaroo.WallarooParameterError):
            SourceExtensionConfig("127.0.0.1", "not a port", text_decoder)
        with self.assertRaises(wallaroo.WallarooParameterError) as raised:
            SourceExtensionConfig("127.0.0.1", 7100, lambda b: b)
        self.assertIn("streaming_message_decoder", str(raised.exception))
        with self.assertRaises(wallaroo.WallarooParameterError) as raised:
            SinkExtensionConfig("127.0.0.1", 7200, "not an encoder")
        self.assertIn("streaming_message_encoder", str(raised.exception))

    def test_the_engine_is_told_to_listen_on_both_addresses(self):
        described = describe(application()([]))
        pipeline = described["pipelines"][0]
        self.assertEqual(pipeline["source"], {"kind": "extension", "host": "127.0.0.1", "port": 7100})
        self.assertEqual(pipeline["sinks"], [{"kind": "extension", "host": "127.0.0.1", "port": 7200}])

    def test_a_pipeline_sees_messages_and_its_sink_gets_records(self):
        result = wallaroo.testing.run(application(), [b"hello", "w\u00f6rld".encode()])
        self.assertEqual(result.outputs[0], [(b"HELLO!", None), ("W\u00d6RLD!".encode(), None)])
        self.assertEqual(result.errors, [])

    def test_an_encoder_returning_something_else_is_an_error_of_that_message(self):
        result = wallaroo.testing.run(application(number_encoder), [b"one", b"two"])
        self.assertEqual(result.outputs[0], [])
        self.assertEqual([f.step for f in result.errors], ["number_encoder", "number_encoder"])
        self.assertIn("must return bytes", result.errors[0].error)

    def test_classic_objects_work_as_decoder_and_encoder(self):
        class Decoder:
            def decode(self, bs):
                return bs.decode()

        class Encoder:
            def encode(self, data):
                return data.encode()

        def setup(args):
            ab = wallaroo.ApplicationBuilder("classic")
            ab.new_pipeline("p", SourceExtensionConfig("127.0.0.1", 7100, Decoder()))
            ab.to(shout)
            ab.to_sink(SinkExtensionConfig("127.0.0.1", 7200, Encoder()))
            return ab.build()
        self.assertEqual(wallaroo.testing.run(setup, [b"x"]).outputs[0], [(b"X!", None)])


if __name__ == "__main__":
    unittest.main()


class StreamingDecoderOnTcpTest(unittest.TestCase):
    def test_a_streaming_decoder_cannot_frame_a_tcp_source(self):
        import wallaroo
        import wallaroo.experimental as experimental

        @experimental.streaming_message_decoder
        def text(message):
            return message.decode()

        ab = wallaroo.ApplicationBuilder("app")
        with self.assertRaises(wallaroo.WallarooParameterError) as caught:
            ab.new_pipeline("p", wallaroo.TCPSourceConfig("127.0.0.1", "7000", text))
        self.assertIn("streaming_message_decoder is for SourceExtensionConfig", str(caught.exception))
