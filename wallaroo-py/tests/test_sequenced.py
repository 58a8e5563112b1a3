"""Runners of a pipeline whose input the engine spreads over lanes batch by batch (``sequenced``):
the first state step's messages all leave through outboxes, so the engine can hand them to the
key's owner in input order, whichever lane ran the batch."""
import unittest

from test_runner import TEXT, batch, word_count_app
from wallaroo._runner import LaneRunner


def routes_of(result):
    routes = (result or (None, None))[1] or []
    return {routes[i]: (routes[i + 1], routes[i + 2]) for i in range(0, len(routes), 3)}


def outputs_of(result):
    sinks = (result or (None,))[0] or []
    return [m for i in range(0, len(sinks), 3) for m in sinks[i + 1]]


class SequencedRunnerTest(unittest.TestCase):
    def test_keys_this_lane_owns_wait_in_its_own_outbox(self):
        runner = LaneRunner(word_count_app(), lane=0, lanes=2, keep_messages=True, sequenced=[0])
        result = runner.frames(0, *batch(TEXT))
        self.assertEqual([], outputs_of(result), "nothing reaches the state before the engine orders it")
        self.assertEqual({}, runner.states.get("totals", {}))
        routes = routes_of(result)
        self.assertEqual({0, 1}, set(routes))
        words = sum(len(t.split()) for t in TEXT)
        self.assertEqual(words, sum(count for _, count in routes.values()))

    def test_in_input_order_the_result_is_one_lanes(self):
        # Two batches ran on two lanes; each owner then continues both batches' messages in
        # input order, as the engine's resequencer hands them over.
        runners = [LaneRunner(word_count_app(), lane=i, lanes=2, keep_messages=True, sequenced=[0]) for i in range(2)]
        halves = [TEXT[:len(TEXT) // 2], TEXT[len(TEXT) // 2:]]
        routed = [routes_of(runners[i].frames(0, *batch(halves[i]))) for i in range(2)]
        outputs = []
        for owner in range(2):
            for number in range(2):
                blob = routed[number].get(owner)
                if blob is not None:
                    outputs.extend(outputs_of(runners[owner].routed(blob[0])))
        single = LaneRunner(word_count_app(), keep_messages=True)
        expected = outputs_of(single.frames(0, *batch(TEXT)))
        self.assertEqual(sorted(expected), sorted(outputs))
        # per key, the counts come out 1, 2, 3, ... as on one lane
        for word in ("the", "over", "fox"):
            mine = [o for o in outputs if o.startswith(word.encode() + b" =>")]
            self.assertEqual([o for o in expected if o.startswith(word.encode() + b" =>")], mine)

    def test_only_the_named_pipelines_are_sequenced(self):
        runner = LaneRunner(word_count_app(), lane=0, lanes=2, keep_messages=True, sequenced=[])
        result = runner.frames(0, *batch(TEXT))
        self.assertNotIn(0, routes_of(result), "unsequenced: this lane's keys run at once")
        self.assertTrue(outputs_of(result))

    def test_one_lane_never_routes(self):
        runner = LaneRunner(word_count_app(), lane=0, lanes=1, keep_messages=True, sequenced=[0])
        result = runner.frames(0, *batch(TEXT))
        self.assertEqual({}, routes_of(result))
        self.assertTrue(outputs_of(result))


if __name__ == "__main__":
    unittest.main()
