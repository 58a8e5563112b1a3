"""Word count, the walk-through application, against the expected counts of its test data."""
import json
import os
import string
import types
import unittest

import support
import wallaroo
import wallaroo.testing

PUNCTUATION = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


@wallaroo.decoder(header_length=4, length_fmt=">I")
def decoder(bs):
    return bs.decode("utf-8")


@wallaroo.computation_multi(name="split into words")
def split(data):
    words = []
    for line in data.split("\n"):
        clean_line = line.lower().strip(PUNCTUATION)
        for word in clean_line.split(" "):
            clean_word = word.strip(PUNCTUATION)
            if clean_word:
                words.append(clean_word)
    return words


class WordCount(object):
    def __init__(self, word, count):
        self.word = word
        self.count = count


class WordTotals(object):
    def __init__(self):
        self.word_totals = {}

    def update(self, word):
        self.word_totals[word] = self.word_totals.get(word, 0) + 1

    def get_count(self, word):
        return WordCount(word, self.word_totals[word])


@wallaroo.partition
def partition(data):
    return data[0] if "a" <= data[0] <= "z" else "!"


@wallaroo.state_computation(name="count word")
def count_word(word, word_totals):
    word_totals.update(word)
    return (word_totals.get_count(word), True)


@wallaroo.encoder
def encoder(data):
    return data.word + " => " + str(data.count) + "\n"


def application_setup(args):
    in_host, in_port = wallaroo.tcp_parse_input_addrs(args)[0]
    out_host, out_port = wallaroo.tcp_parse_output_addrs(args)[0]
    word_partitions = list(string.ascii_lowercase) + ["!"]
    ab = wallaroo.ApplicationBuilder("Word Count Application")
    ab.new_pipeline("Split and Count", wallaroo.TCPSourceConfig(in_host, in_port, decoder))
    ab.to_parallel(split)
    ab.to_state_partition(count_word, WordTotals, "word totals", partition, word_partitions)
    ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, encoder))
    return ab.build()


def read(name):
    with open(os.path.join(support.DATA, name), encoding="utf-8") as f:
        return f.read()


def final_counts(lines):
    counts = {}
    for text in lines:
        word, _, number = text.rstrip("\n").rpartition(" => ")
        counts[word] = int(number)
    return counts


class WordCountTest(unittest.TestCase):
    def setUp(self):
        self.module = types.ModuleType("word_count")
        self.module.application_setup = application_setup
        self.text = read("count_this.txt")
        self.expected = json.loads(read("expected_counts.json"))

    def check(self, result):
        self.assertEqual(result.errors, [])
        counts = final_counts(result.texts())
        self.assertEqual(counts, self.expected)
        # One output per word occurrence, each count one more than the last for that word.
        self.assertEqual(len(result.outputs[0]), sum(self.expected.values()))

    def test_line_by_line(self):
        lines = [line.encode("utf-8") for line in self.text.splitlines()]
        self.check(wallaroo.testing.run(self.module, lines))

    def test_whole_file_as_one_message(self):
        self.check(wallaroo.testing.run(self.module, [self.text]))

    def test_framed_stream(self):
        stream = b"".join(wallaroo.testing.frame(line) for line in self.text.splitlines())
        harness = wallaroo.testing.Harness(self.module)
        self.check(harness.send_stream(stream))
        self.assertEqual(harness.state("word totals", "t").word_totals["the"], self.expected["the"])

    def test_in_small_batches(self):
        harness = wallaroo.testing.Harness(self.module)
        lines = self.text.splitlines()
        for i in range(0, len(lines), 3):
            harness.send(lines[i:i + 3])
        self.check(harness.total)


if __name__ == "__main__":
    unittest.main()
