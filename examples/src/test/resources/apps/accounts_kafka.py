"""Two Kafka pipelines, one partitioned state, one Kafka sink: deposits and withdrawals of the
same account reach the same entity. Input records: "ACCOUNT AMOUNT ID"; output records (keyed by
account): "ID ACCOUNT BALANCE", the balance after that operation.

  --brokers HOST:PORT --deposits TOPIC --withdrawals TOPIC --balances TOPIC
"""
import argparse

import wallaroo


def application_setup(args):
    parser = argparse.ArgumentParser()
    parser.add_argument("--brokers")
    parser.add_argument("--deposits")
    parser.add_argument("--withdrawals")
    parser.add_argument("--balances")
    opts, _ = parser.parse_known_args(args)
    host, port = opts.brokers.split(":")
    brokers = [(host, int(port))]

    ab = wallaroo.ApplicationBuilder("kafka accounts")
    ab.new_pipeline("deposits", wallaroo.KafkaSourceConfig(opts.deposits, brokers, "Warn", decode))
    ab.to_state_partition(deposit, Account, "accounts", by_account)
    ab.to_sink(wallaroo.KafkaSinkConfig(opts.balances, brokers, "Warn", 0, 100000, encode))
    ab.new_pipeline("withdrawals", wallaroo.KafkaSourceConfig(opts.withdrawals, brokers, "Warn", decode))
    ab.to_state_partition(withdraw, Account, "accounts", by_account)
    ab.to_sink(wallaroo.KafkaSinkConfig(opts.balances, brokers, "Warn", 0, 100000, encode))
    return ab.build()


class Account(object):
    def __init__(self):
        self.balance = 0


@wallaroo.decoder(header_length=4, length_fmt=">I")
def decode(bs):
    account, amount, ident = bs.decode("utf-8").split()
    return (account, int(amount), ident)


@wallaroo.partition
def by_account(operation):
    return operation[0]


@wallaroo.state_computation(name="deposit")
def deposit(operation, account):
    account.balance += operation[1]
    return ((operation[2], operation[0], account.balance), True)


@wallaroo.state_computation(name="withdraw")
def withdraw(operation, account):
    account.balance -= operation[1]
    return ((operation[2], operation[0], account.balance), True)


@wallaroo.encoder
def encode(result):
    ident, account, balance = result
    return ("%s %s %d" % (ident, account, balance), account)
