#!/usr/bin/env python3
"""Sink script: publishes every (word, count) the word count application puts out to a Redis
pub/sub channel, as "word => count".

    python3 redis_publisher.py --word-count-stream 127.0.0.1:7200 --redis 127.0.0.1:6379 --channel word-counts

Needs the Redis client for Python (Debian: apt-get install python3-redis, for /usr/bin/python3).
A count is published before the next one is read, so one that never reached Redis (the script was
killed first) is sent again to the next sink script that connects.
"""
import argparse
import sys

import redis

import text_documents


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--word-count-stream", required=True, metavar="HOST:PORT",
                        help="the application's --word-count-stream address")
    parser.add_argument("--redis", default="127.0.0.1:6379", metavar="HOST:PORT", help="the Redis server")
    parser.add_argument("--channel", default="word-counts", help="the channel to publish to")
    args = parser.parse_args()

    redis_host, _, redis_port = args.redis.rpartition(":")
    host, port = text_documents.parse_word_count_stream_addr(sys.argv[1:])
    client = redis.Redis(host=redis_host, port=int(redis_port))
    client.ping()  # fail now, not at the first count, when Redis is not there
    extension = text_documents.WordCountStream(host, port).extension()
    print("redis_publisher: publishing to %s on %s" % (args.channel, args.redis), file=sys.stderr, flush=True)
    try:
        while True:
            word, count = extension.read()
            client.publish(args.channel, "%s => %d" % (word, count))
    except KeyboardInterrupt:
        pass
    finally:
        extension.close()


if __name__ == "__main__":
    main()
