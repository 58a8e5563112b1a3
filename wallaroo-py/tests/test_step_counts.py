"""Messages each step took in, as the runner reports them to the engine once per batch."""
import unittest
from collections import Counter as Tally

from support import tcp_sink
from test_runner import TEXT, app_of, batch, drop_x, invert, line, split, word_count_app
from wallaroo._runner import LaneRunner


def tally(result):
    """{(pipeline, step): messages} from a result's fifth element."""
    steps = result[4] or []
    return {(steps[i], steps[i + 1]): steps[i + 2] for i in range(0, len(steps), 3)}


class StepCountTest(unittest.TestCase):
    def test_each_step_and_the_sinks_count_what_entered_them(self):
        app = app_of(("to", (drop_x,)), ("to_parallel", (split,)), ("to", (invert,)), sinks=[tcp_sink(line)])
        runner = LaneRunner(app, count_steps=True)
        # "x" is dropped by the first step; "0" fails in invert; empty words are dropped by split
        result = runner.frames(0, *batch(["1 2", "x", "4  0", "5"]))
        self.assertEqual({(0, 0): 4, (0, 1): 3, (0, 2): 5, (0, 3): 4}, tally(result))
        self.assertEqual(1, len(result[2]))  # the error is still reported
        # counts are per batch: the next batch starts from zero
        self.assertEqual({(0, 0): 1, (0, 1): 1, (0, 2): 1, (0, 3): 1}, tally(runner.frames(0, *batch(["8"]))))

    def test_a_batch_whose_steps_emit_nothing_still_reports_its_counts(self):
        runner = LaneRunner(app_of(("to", (drop_x,))), count_steps=True)
        self.assertEqual({(0, 0): 2}, tally(runner.frames(0, *batch(["x", "x"]))))

    def test_decoder_failures_and_nones_are_not_counted(self):
        runner = LaneRunner(app_of(("to", (drop_x,))), count_steps=True)
        self.assertEqual({(0, 0): 2, (0, 1): 2}, tally(runner.frames(0, *batch([b"\xff", "a", "b"]))))

    def test_routed_messages_are_counted_once_on_the_lane_they_leave(self):
        lanes = [LaneRunner(word_count_app(), lane=i, lanes=2, count_steps=True) for i in range(2)]
        totals, pending = Tally(), []

        def absorb(result):
            if result is None:
                return
            totals.update(tally(result))
            routes = result[1] or []
            pending.extend((routes[i], routes[i + 1]) for i in range(0, len(routes), 3))

        for lane in range(2):
            absorb(lanes[lane].frames(0, *batch(TEXT[lane::2])))
        while pending:
            lane, blob = pending.pop(0)
            absorb(lanes[lane].routed(blob))
        words = sum(len(t.split(" ")) for t in TEXT)
        self.assertEqual({(0, 0): len(TEXT), (0, 1): words, (0, 2): words}, dict(totals))

    def test_without_count_steps_results_keep_four_elements(self):
        runner = LaneRunner(app_of(("to", (drop_x,))))
        self.assertEqual(4, len(runner.frames(0, *batch(["a"]))))
        self.assertIsNone(runner.frames(0, *batch(["x"])))


if __name__ == "__main__":
    unittest.main()
