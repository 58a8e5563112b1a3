#!/usr/bin/env python3
"""Source script: subscribes to a Redis pub/sub channel and sends every message published there
into the word count application as one line of text.

    python3 redis_subscriber.py --text-stream 127.0.0.1:7100 --redis 127.0.0.1:6379 --channel documents

Needs the Redis client for Python (Debian: apt-get install python3-redis, for /usr/bin/python3).
Pub/sub keeps no history and numbers nothing, so messages go without a sequence: what is
published while this script is not subscribed is not seen.
"""
import argparse
import sys

import redis

import text_documents


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text-stream", required=True, metavar="HOST:PORT",
                        help="the application's --text-stream address")
    parser.add_argument("--redis", default="127.0.0.1:6379", metavar="HOST:PORT", help="the Redis server")
    parser.add_argument("--channel", default="documents", help="the channel to subscribe to")
    args = parser.parse_args()

    redis_host, _, redis_port = args.redis.rpartition(":")
    host, port = text_documents.parse_text_stream_addr(sys.argv[1:])
    extension = text_documents.TextStream(host, port).extension(name="redis:" + args.channel)

    subscription = redis.Redis(host=redis_host, port=int(redis_port)).pubsub(ignore_subscribe_messages=True)
    subscription.subscribe(args.channel)
    print("redis_subscriber: subscribed to %s on %s" % (args.channel, args.redis), file=sys.stderr, flush=True)
    try:
        for item in subscription.listen():
            if item["type"] == "message":
                extension.write(item["data"].decode("utf-8"), partition=args.channel)
    except KeyboardInterrupt:
        pass
    finally:
        subscription.close()
        extension.close()


if __name__ == "__main__":
    main()
