#!/usr/bin/env python3
"""Source script: consumes a Kafka topic and sends the value of every record into the word count
application as one line of text.

    python3 kafka_consumer.py --text-stream 127.0.0.1:7100 --brokers 127.0.0.1:9092 --topic documents

Needs the Kafka client for Python (Debian: apt-get install python3-kafka, for /usr/bin/python3).
Each record goes out with its Kafka partition as its partition and its offset as its sequence,
and the consumer group's offsets are committed only after write() returned for every record
before them. A script killed between a write and the commit is restarted from the last committed
offset and sends some records again; the engine drops those, since it has already taken their
sequences for this stream name and partition (keep --name the same across restarts).
"""
import argparse
import signal
import sys

import kafka

import text_documents


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text-stream", required=True, metavar="HOST:PORT",
                        help="the application's --text-stream address")
    parser.add_argument("--brokers", default="127.0.0.1:9092", metavar="HOST:PORT[,HOST:PORT...]",
                        help="Kafka bootstrap servers (default 127.0.0.1:9092)")
    parser.add_argument("--topic", default="documents", help="the topic to consume (default documents)")
    parser.add_argument("--group", default="text-documents",
                        help="the consumer group whose offsets are committed (default text-documents)")
    parser.add_argument("--name", default=None,
                        help="the stream name the engine remembers sequences under (default kafka:TOPIC)")
    args = parser.parse_args()

    # SIGTERM (kill, a test closing the script) ends the stream cleanly, as Ctrl-C does.
    signal.signal(signal.SIGTERM, _Stop.request)

    host, port = text_documents.parse_text_stream_addr(sys.argv[1:])
    extension = text_documents.TextStream(host, port).extension(name=args.name or "kafka:" + args.topic)
    consumer = kafka.KafkaConsumer(
        args.topic,
        bootstrap_servers=args.brokers.split(","),
        group_id=args.group,
        client_id="kafka_consumer.py",
        enable_auto_commit=False,      # committed below, after the engine has the records
        auto_offset_reset="earliest",  # a new group starts at the beginning of the topic
        max_poll_records=500)
    print("kafka_consumer: consuming %s from %s as group %s" % (args.topic, args.brokers, args.group),
          file=sys.stderr, flush=True)
    try:
        while not _Stop.requested:
            batches = consumer.poll(timeout_ms=1000)
            if not batches:
                continue
            for records in batches.values():
                for record in records:
                    if record.value is not None:  # a tombstone carries no text
                        extension.write(record.value.decode("utf-8"),
                                        partition=str(record.partition), sequence=record.offset)
            # Every record poll() returned has been written: commit the positions after them.
            consumer.commit()
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close(autocommit=False)
        extension.close()


class _Stop(object):
    """Set by SIGTERM; the loop ends once the records in hand are written and committed, so no
    frame is cut off half way."""
    requested = False

    @classmethod
    def request(cls, signum, frame):
        cls.requested = True


if __name__ == "__main__":
    main()
