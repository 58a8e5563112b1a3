"""Two pipelines, one partitioned state: deposits and withdrawals name the same state, so an
account reached from either pipeline is the same entity.

Input (both pipelines): "ACCOUNT AMOUNT". Output: "deposit ACCOUNT BALANCE" or
"withdraw ACCOUNT BALANCE", the balance after the operation.
"""
import wallaroo

ACCOUNTS = ["acct-%d" % i for i in range(16)]


def application_setup(args):
    deposits_in, withdrawals_in = wallaroo.tcp_parse_input_addrs(args)[:2]
    out_host, out_port = wallaroo.tcp_parse_output_addrs(args)[0]

    ab = wallaroo.ApplicationBuilder("shared accounts")
    # Statement style for one pipeline, chaining for the other: both must build the same thing.
    ab.new_pipeline("deposits", wallaroo.TCPSourceConfig(deposits_in[0], deposits_in[1], decode))
    ab.to_state_partition(deposit, Account, "accounts", by_account, ACCOUNTS)
    ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, encode))
    (ab.new_pipeline("withdrawals", wallaroo.TCPSourceConfig(withdrawals_in[0], withdrawals_in[1], decode))
       .to_state_partition(withdraw, Account, "accounts", by_account, ACCOUNTS)
       .to_sink(wallaroo.TCPSinkConfig(out_host, out_port, encode)))
    return ab.build()


class Account(object):
    def __init__(self):
        self.balance = 0


@wallaroo.decoder(header_length=4, length_fmt=">I")
def decode(bs):
    account, amount = bs.decode("utf-8").split()
    return (account, int(amount))


@wallaroo.partition
def by_account(operation):
    return operation[0]


@wallaroo.state_computation(name="deposit")
def deposit(operation, account):
    account.balance += operation[1]
    return (("deposit", operation[0], account.balance), True)


@wallaroo.state_computation(name="withdraw")
def withdraw(operation, account):
    account.balance -= operation[1]
    return (("withdraw", operation[0], account.balance), True)


@wallaroo.encoder
def encode(result):
    return "%s %s %d\n" % result
