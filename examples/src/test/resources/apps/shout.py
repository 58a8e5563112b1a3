"""Upper-cases each message; raises on the message "boom" to show that one failing message is
dropped and logged while the others go through, and on "hog" asks for more memory than the
engine's heap has (GraalPy raises MemoryError for that message alone).

Input: text. Output: the text upper-cased, one line each.
"""
import wallaroo


def application_setup(args):
    in_host, in_port = wallaroo.tcp_parse_input_addrs(args)[0]
    out_host, out_port = wallaroo.tcp_parse_output_addrs(args)[0]

    ab = wallaroo.ApplicationBuilder("shout")
    ab.new_pipeline("shout", wallaroo.TCPSourceConfig(in_host, in_port, decode))
    ab.to(shout)
    ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, encode))
    return ab.build()


@wallaroo.decoder(header_length=4, length_fmt=">I")
def decode(bs):
    return bs.decode("utf-8")


@wallaroo.computation(name="shout it")
def shout(text):
    if text == "boom":
        raise ValueError("refusing to shout " + text)
    if text == "hog":
        bytearray(1536 * 1024 * 1024)
    return text.upper()


@wallaroo.encoder
def encode(text):
    return text + "\n"
