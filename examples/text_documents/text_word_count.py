"""Word count over extensions: lines of text come in from source scripts, the running count of
every word goes out to sink scripts. Which scripts (a file, Redis, ...) is not the application's
concern: it only knows the two streams described in text_documents.py.

    scripts/wallaroo --application-module text_word_count \
        --text-stream 127.0.0.1:7100 --word-count-stream 127.0.0.1:7200
"""
import string

import wallaroo

import text_documents

PUNCTUATION = string.punctuation + " "


def application_setup(args):
    text_stream = text_documents.TextStream(*text_documents.parse_text_stream_addr(args))
    word_counts = text_documents.WordCountStream(*text_documents.parse_word_count_stream_addr(args))

    ab = wallaroo.ApplicationBuilder("Word count over text documents")
    ab.new_pipeline("count words", text_stream.source())
    ab.to_parallel(split)
    ab.to_state_partition(count_word, WordTotals, "word totals", partition,
                          list(string.ascii_lowercase) + ["!"])
    ab.to_sink(word_counts.sink())
    return ab.build()


@wallaroo.computation_multi(name="split into words")
def split(line):
    words = (word.strip(PUNCTUATION) for word in line.lower().split())
    return [word for word in words if word]


class WordTotals(object):
    def __init__(self):
        self.totals = {}


@wallaroo.partition
def partition(word):
    return word[0] if "a" <= word[0] <= "z" else "!"


@wallaroo.state_computation(name="count word")
def count_word(word, word_totals):
    count = word_totals.totals.get(word, 0) + 1
    word_totals.totals[word] = count
    return (word, count), True
