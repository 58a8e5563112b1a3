"""Test app: every message goes out unchanged, newline-terminated."""
import wallaroo


@wallaroo.decoder(header_length=4, length_fmt=">I")
def decode(bs):
    return bs


@wallaroo.computation(name="identity")
def identity(data):
    return data


@wallaroo.encoder
def encode(data):
    return data + b"\n"


def application_setup(args):
    in_host, in_port = wallaroo.tcp_parse_input_addrs(args)[0]
    out_host, out_port = wallaroo.tcp_parse_output_addrs(args)[0]
    ab = wallaroo.ApplicationBuilder("passthrough")
    ab.new_pipeline("pass", wallaroo.TCPSourceConfig(in_host, in_port, decode))
    ab.to_parallel(identity)
    ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, encode))
    return ab.build()
