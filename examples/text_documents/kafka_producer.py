#!/usr/bin/env python3
"""Sink script: produces every (word, count) the word count application puts out to a Kafka
topic, keyed by the word, with "word => count" as the value.

    python3 kafka_producer.py --word-count-stream 127.0.0.1:7200 --brokers 127.0.0.1:9092 --topic word-counts

Needs the Kafka client for Python (Debian: apt-get install python3-kafka, for /usr/bin/python3).
A count is acknowledged by the broker before the next one is read (reading is what tells the
engine the previous counts are handled), so one that never reached Kafka (the script was killed
first) is sent again to the next sink script that connects. Keying by word keeps each word's
counts in one partition, in order.
"""
import argparse
import signal
import sys

import kafka

import text_documents


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--word-count-stream", required=True, metavar="HOST:PORT",
                        help="the application's --word-count-stream address")
    parser.add_argument("--brokers", default="127.0.0.1:9092", metavar="HOST:PORT[,HOST:PORT...]",
                        help="Kafka bootstrap servers (default 127.0.0.1:9092)")
    parser.add_argument("--topic", default="word-counts", help="the topic to produce to (default word-counts)")
    parser.add_argument("--send-timeout", type=float, default=60.0,
                        help="seconds to wait for the broker to take a count before giving up (default 60)")
    args = parser.parse_args()

    # SIGTERM (kill, a test closing the script) ends it cleanly, as Ctrl-C does.
    signal.signal(signal.SIGTERM, _Stop.request)

    host, port = text_documents.parse_word_count_stream_addr(sys.argv[1:])
    # Fails now, not at the first count, when no broker is there.
    producer = kafka.KafkaProducer(bootstrap_servers=args.brokers.split(","), client_id="kafka_producer.py",
                                   acks="all", linger_ms=0)
    extension = text_documents.WordCountStream(host, port).extension()
    print("kafka_producer: producing to %s on %s" % (args.topic, args.brokers), file=sys.stderr, flush=True)
    try:
        while not _Stop.requested:
            word_count = extension.read(timeout=1.0)
            if word_count is None:
                continue
            word, count = word_count
            future = producer.send(args.topic, key=word.encode("utf-8"),
                                   value=("%s => %d" % (word, count)).encode("utf-8"))
            future.get(timeout=args.send_timeout)  # raises when the broker did not take it
    except KeyboardInterrupt:
        pass
    finally:
        extension.close()
        producer.close(timeout=10)


class _Stop(object):
    """Set by SIGTERM; the loop ends between two records, so no frame is cut off half way."""
    requested = False

    @classmethod
    def request(cls, signum, frame):
        cls.requested = True


if __name__ == "__main__":
    main()
