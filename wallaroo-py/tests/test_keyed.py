"""KeyedRunner: the runner as Flink operators call it; messages leave packed per key group,
entities as bytes."""
import struct
import unittest
import zlib

import support
from support import Counter, tcp_sink, tcp_source
import wallaroo
from wallaroo._keyed import KeyedRunner, key_bytes, key_from_bytes, key_group, unpack_at

GROUPS = 8


@wallaroo.computation_multi(name="split")
def split(data):
    return data.split(" ")


@wallaroo.partition
def first_letter(word):
    return word[0]


@wallaroo.state_computation(name="count")
def count(word, state):
    state.add(1)
    return ("%s:%d;" % (word, state.count), True)


@wallaroo.state_computation(name="boom")
def boom(word, state):
    if word == "bad":
        raise ValueError("bad word")
    state.add(1)
    return (word + ";", True)


@wallaroo.state_computation(name="pass on")
def pass_on(word, state):
    state.add(1)
    return (word, True)


def app(step=count, partitioned=True):
    ab = wallaroo.ApplicationBuilder("t").new_pipeline("p", tcp_source())
    ab.to_parallel(split)
    if partitioned:
        ab.to_state_partition(step, Counter, "counts", first_letter)
    else:
        ab.to_stateful(step, Counter, "counts")
    return ab.to_sink(tcp_sink()).build()


def runner(application):
    return KeyedRunner(application, key_groups=GROUPS)


def frames(r, *lines):
    chunks = [line.encode() for line in lines]
    return r.frames(0, b"".join(chunks), [len(c) for c in chunks])


def records(routes):
    """The routes as (code, key group, packed, count) tuples."""
    return [tuple(routes[i:i + 4]) for i in range(0, len(routes), 4)]


def crossings(routes):
    """What Java hands to ``keyed``: the records' packed crossings end to end."""
    return "".join(packed for _c, _g, packed, _n in records(routes))


def preloads(dirty):
    """``take_dirty`` output (group, key, entity) as ``keyed``'s preloads (key, entity)."""
    out, pos = [], 0
    while pos < len(dirty):
        _group, klen = struct.unpack_from(">ii", dirty, pos)
        pos += 8
        key = dirty[pos:pos + klen]
        pos += klen
        elen, = struct.unpack_from(">i", dirty, pos)
        pos += 4
        out.append(struct.pack(">i", klen) + key + struct.pack(">i", elen) + dirty[pos:pos + elen])
        pos += elen
    return b"".join(out)


def saved(dirty):
    """``take_dirty`` output as a set of (group, key bytes, entity bytes)."""
    out, pos = set(), 0
    while pos < len(dirty):
        group, klen = struct.unpack_from(">ii", dirty, pos)
        pos += 8
        key = dirty[pos:pos + klen]
        pos += klen
        elen, = struct.unpack_from(">i", dirty, pos)
        pos += 4
        out.add((group, key, dirty[pos:pos + elen]))
        pos += elen
    return out


class KeyedRunnerTest(unittest.TestCase):
    def test_one_record_per_key_group_with_the_local_hash(self):
        r = runner(app())
        sinks, routes, errors, notices = frames(r, "apple avocado", "banana apricot")
        self.assertIsNone(sinks)
        got = {}
        for code, group, packed, n in records(routes):
            codes, keys, values, end = unpack_at(packed, 0, None, {})
            self.assertEqual(end, len(packed))
            self.assertEqual(n, len(values))
            for key in keys:
                self.assertEqual(group, hash(key) % GROUPS)
            got.setdefault(group, []).extend(values)
        if hash("a") % GROUPS != hash("b") % GROUPS:
            self.assertEqual(len(records(routes)), 2)
        self.assertEqual([v for v in got[hash("a") % GROUPS] if v[0] == "a"], ["apple", "avocado", "apricot"])  # order kept

    def test_keyed_continues_to_the_sink_and_reports_dirty_entities(self):
        entry, owner = runner(app()), runner(app())
        _s, routes, _e, _n = frames(entry, "apple avocado banana")
        sinks, more, errors, _n = owner.keyed("counts", crossings(routes), b"")
        self.assertIsNone(more)
        self.assertEqual(sorted(sinks[1].split(";")), ["", "apple:1", "avocado:2", "banana:1"])
        dirty = owner.take_dirty()
        self.assertEqual(owner.take_dirty(), b"")
        _g, klen = struct.unpack_from(">ii", dirty, 0)
        self.assertEqual(_g, key_group("counts", True, key_from_bytes(dirty[8:8 + klen]), GROUPS))
        # A fresh owner restored from those bytes goes on counting where the first stopped.
        restored = runner(app())
        _s, routes, _e, _n = frames(entry, "apricot")
        sinks, _r, _e, _n = restored.keyed("counts", crossings(routes), preloads(dirty))
        self.assertEqual(sinks[1], "apricot:3;")

    def test_an_exception_drops_one_message_and_names_the_step(self):
        entry, owner = runner(app(boom)), runner(app(boom))
        _s, routes, _e, _n = frames(entry, "good bad fine")
        sinks, _r, errors, _n = owner.keyed("counts", crossings(routes), b"")
        self.assertEqual(sorted(sinks[1].split(";")), ["", "fine", "good"])
        self.assertEqual(errors[0][0], "boom")

    def test_unpartitioned_state_is_one_key_group(self):
        r = runner(app(partitioned=False))
        _s, routes, _e, _n = frames(r, "x y")
        (code, group, packed, n), = records(routes)
        self.assertEqual(group, zlib.crc32(b"counts") % GROUPS)
        _codes, keys, values, _end = unpack_at(packed, 0, None, {})
        self.assertIsNone(keys)
        self.assertEqual((values, n), (["x", "y"], 2))
        sinks, _r, _e, _n = runner(app(partitioned=False)).keyed("counts", crossings(routes), b"")
        self.assertEqual(sinks[1], "x:1;y:2;")

    def test_a_state_feeding_two_states_sends_one_record_per_step(self):
        ab = wallaroo.ApplicationBuilder("t")
        ab.new_pipeline("p", tcp_source(port=7000)).to_parallel(split)
        ab.to_state_partition(pass_on, Counter, "shared", first_letter)
        ab.to_state_partition(count, Counter, "left", first_letter).to_sink(tcp_sink(port=7100))
        ab.new_pipeline("q", tcp_source(port=7001)).to_parallel(split)
        ab.to_state_partition(pass_on, Counter, "shared", first_letter)
        ab.to_state_partition(count, Counter, "right", first_letter).to_sink(tcp_sink(port=7101))
        application = ab.build()
        p, q, shared = runner(application), runner(application), runner(application)
        _s, from_p, _e, _n = frames(p, "apple")
        _s, from_q, _e, _n = q.frames(1, b"avocado", [7])
        _s, routes, errors, _n = shared.keyed("shared", crossings(from_p) + crossings(from_q), b"")
        self.assertIsNone(errors)
        out = records(routes)
        self.assertEqual(sorted(code for code, _g, _p, _n in out), [0 * 4096 + 2, 1 * 4096 + 2])
        self.assertEqual({g for _c, g, _p, _n in out}, {hash("a") % GROUPS})

    def test_an_inline_state_runs_in_the_entry_runner_and_reports_its_own_dirty_entities(self):
        entry = KeyedRunner(app(), key_groups=GROUPS, inline=["counts"])
        sinks, routes, errors, _n = frames(entry, "apple avocado banana")
        self.assertIsNone(routes, "an inline state's messages never leave the runner")
        self.assertIsNone(errors)
        self.assertEqual(sinks[1], "apple:1;avocado:2;banana:1;")  # in input order, as on one lane
        self.assertEqual(entry.take_dirty("other"), b"")
        dirty = entry.take_dirty("counts")
        self.assertEqual(entry.take_dirty("counts"), b"")
        # The same bytes as a separate state operator's runner saves, so a savepoint taken with
        # the state inline restores into a keyed state task (another parallelism), and back.
        owner = runner(app())
        _s, routed, _e, _n = frames(runner(app()), "apple avocado banana")
        owner.keyed("counts", crossings(routed), b"")
        self.assertEqual(saved(dirty), saved(owner.take_dirty()))
        self.assertEqual(len(saved(dirty)), 2)  # keys "a" and "b"
        restored = KeyedRunner(app(), key_groups=GROUPS, inline=["counts"])
        restored.preload("counts", preloads(dirty))
        sinks, _r, _e, _n = frames(restored, "apricot")
        self.assertEqual(sinks[1], "apricot:3;")

    def test_an_inline_state_drops_only_the_failing_message(self):
        entry = KeyedRunner(app(boom, partitioned=False), key_groups=GROUPS, inline=["counts"])
        sinks, routes, errors, _n = frames(entry, "good bad fine")
        self.assertIsNone(routes)
        self.assertEqual(sinks[1], "good;fine;")
        self.assertEqual([e[0] for e in errors], ["boom"])

    def test_a_state_task_runs_the_next_state_inline_and_keeps_their_saves_apart(self):
        # Two pipelines feed "shared" (a keyBy union: its own runner); "left" follows it in the
        # same chain, so "shared"'s runner runs it inline.
        ab = wallaroo.ApplicationBuilder("t")
        ab.new_pipeline("p", tcp_source(port=7000)).to_parallel(split)
        ab.to_state_partition(pass_on, Counter, "shared", first_letter)
        ab.to_state_partition(count, Counter, "left", first_letter).to_sink(tcp_sink(port=7100))
        ab.new_pipeline("q", tcp_source(port=7001)).to_parallel(split)
        ab.to_state_partition(pass_on, Counter, "shared", first_letter).to_sink(tcp_sink(port=7101))
        application = ab.build()
        _s, from_p, _e, _n = frames(runner(application), "apple avocado")
        shared = KeyedRunner(application, key_groups=GROUPS, inline=["left"])
        sinks, routes, errors, _n = shared.keyed("shared", crossings(from_p), b"")
        self.assertIsNone(errors)
        self.assertIsNone(routes, "left's messages stay in this runner")
        self.assertEqual((sinks[0], sinks[1]), (0, "apple:1;avocado:2;"))  # pipeline p's sink
        self.assertEqual({key_from_bytes(k) for _g, k, _e in saved(shared.take_dirty("left"))}, {"a"})
        self.assertEqual(shared.take_dirty("left"), b"")
        self.assertEqual(len(saved(shared.take_dirty("shared"))), 1)

    def test_key_bytes_round_trip(self):
        for key in ["a", "", 0, 2 ** 70, -3, b"\x00k", ("a", 1), None]:
            self.assertEqual(key_from_bytes(key_bytes(key)), key)


if __name__ == "__main__":
    unittest.main()
