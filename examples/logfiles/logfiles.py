"""Log files: daily HTTP status-code counts, with event-based windows.

A port to Python 3 of the application in Wallaroo's blog post "Non-native event-driven windowing
in Wallaroo". It keeps the post's classic object style (a Decoder, a Count computation, a
CounterBuilder and an Encoder, all plain objects), which makes it the example for that API.

Apache access-log lines arrive over TCP, one framed message per line. The sender writes the
marker END_OF_DAY after each day's file; the marker closes the window, and the application then
emits that day's summary as one framed JSON object:

    {"counts": {"200": 150, "401": 30}, "day": "2004-03-07"}

Differences from the post, each because its version would stop or miscount on real logs:

* The status code is the number after the quoted request, whatever the method (the post only
  recognised GET, so POST, HEAD and OPTIONS lines lost their code).
* A line whose status code cannot be read is counted under "unparsed" instead of raising.
* The window's day is the date of its first line that has one; a line dated another day still
  belongs to the window it arrived in, because the marker, not the clock, closes windows.
* A marker that closes an empty window emits nothing.
"""
import json
import re
import struct

import wallaroo

END_OF_DAY = "END_OF_DAY"
UNPARSED = "unparsed"

MONTHS = {name: number for number, name in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}

# [07/Mar/2004:16:05:49 -0800]: the first bracket of a Common Log Format line.
DAY_RE = re.compile(r"\[(\d{2})/([A-Z][a-z]{2})/(\d{4}):")
# ... "GET /index.html HTTP/1.1" 200 4523 (the size may be "-"): the status ends the request.
STATUS_RE = re.compile(r'" (\d{3}) (?:\d+|-)$')


def application_setup(args):
    in_host, in_port = wallaroo.tcp_parse_input_addrs(args)[0]
    out_host, out_port = wallaroo.tcp_parse_output_addrs(args)[0]

    ab = wallaroo.ApplicationBuilder("Apache Log file analysis")
    ab.new_pipeline("convert",
                    wallaroo.TCPSourceConfig(in_host, in_port, Decoder()))
    ab.to_stateful(Count(), CounterBuilder(), "status counts")
    ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, Encoder()))
    return ab.build()


class LogLine(object):
    def __init__(self, text):
        self.text = text


class BoundaryMessage(object):
    pass


class Summary(object):
    """One closed window: its day (None if no line had a date) and the count per status code."""

    def __init__(self, day, counts):
        self.day = day
        self.counts = counts


class Decoder(object):
    def header_length(self):
        return 4

    def payload_length(self, bs):
        return struct.unpack(">I", bs)[0]

    def decode(self, bs):
        # Senders may keep each line's newline (the blog's sender did); it is not part of the line.
        text = bs.decode("utf-8", errors="replace").rstrip("\r\n")
        if text == END_OF_DAY:
            return BoundaryMessage()
        return LogLine(text)


class Counter(object):
    def __init__(self):
        self.reset()

    def reset(self):
        self.current_day = None
        self.current_batch = {}
        self.lines = 0

    def update(self, day, status):
        if self.current_day is None:
            self.current_day = day
        self.current_batch[status] = self.current_batch.get(status, 0) + 1
        self.lines += 1

    def take_summary(self):
        """The window so far as a Summary, or None when it saw no line; starts a new window."""
        summary = Summary(self.current_day, dict(self.current_batch)) if self.lines else None
        self.reset()
        return summary


class CounterBuilder(object):
    def build(self):
        return Counter()


class Count(object):
    def name(self):
        return "count status codes"

    def compute(self, data, state):
        if isinstance(data, BoundaryMessage):
            return (state.take_summary(), True)
        state.update(determine_day(data.text), determine_status(data.text))
        return (None, True)


def determine_day(line):
    """The line's date as YYYY-MM-DD, or None when it has none."""
    m = DAY_RE.search(line)
    if m is None or m.group(2) not in MONTHS:
        return None
    day, month, year = m.groups()
    return "%s-%02d-%s" % (year, MONTHS[month], day)


def determine_status(line):
    """The three-digit status code as a str, or UNPARSED."""
    m = STATUS_RE.search(line.rstrip())
    return m.group(1) if m else UNPARSED


class Encoder(object):
    def encode(self, data):
        # Sorted keys: the same counts always give the same bytes, so outputs can be compared.
        text = json.dumps({"day": data.day, "counts": data.counts}, sort_keys=True)
        payload = text.encode("utf-8")
        return struct.pack(">I", len(payload)) + payload
