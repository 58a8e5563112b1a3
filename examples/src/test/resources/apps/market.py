"""A pipeline without a sink next to one with a sink: market data only updates each symbol's
price; orders read the price the other pipeline stored.

Market data input: "SYMBOL PRICE" (no output). Order input: "SYMBOL QUANTITY"; output
"order SYMBOL QUANTITY at PRICE", or "order SYMBOL QUANTITY rejected: no price" before the
first quote for that symbol.
"""
import wallaroo

SYMBOLS = ["AAPL", "AMZN", "GOOG", "IBM", "MSFT", "NFLX", "ORCL", "TSLA"]


def application_setup(args):
    market_in, orders_in = wallaroo.tcp_parse_input_addrs(args)[:2]
    out_host, out_port = wallaroo.tcp_parse_output_addrs(args)[0]

    ab = wallaroo.ApplicationBuilder("market")
    ab.new_pipeline("market data", wallaroo.TCPSourceConfig(market_in[0], market_in[1], decode))
    ab.to_state_partition(update_price, Symbol, "symbols", by_symbol, SYMBOLS)
    ab.done()
    ab.new_pipeline("orders", wallaroo.TCPSourceConfig(orders_in[0], orders_in[1], decode))
    ab.to_state_partition(check_order, Symbol, "symbols", by_symbol, SYMBOLS)
    ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, encode))
    return ab.build()


class Symbol(object):
    def __init__(self):
        self.price = None


@wallaroo.decoder(header_length=4, length_fmt=">I")
def decode(bs):
    symbol, number = bs.decode("utf-8").split()
    return (symbol, int(number))


@wallaroo.partition
def by_symbol(message):
    return message[0]


@wallaroo.state_computation(name="update price")
def update_price(quote, symbol):
    symbol.price = quote[1]
    return (None, True)


@wallaroo.state_computation(name="check order")
def check_order(order, symbol):
    name, quantity = order
    if symbol.price is None:
        return ("order %s %d rejected: no price" % (name, quantity), False)
    return ("order %s %d at %d" % (name, quantity, symbol.price), False)


@wallaroo.encoder
def encode(text):
    return text + "\n"
