package io.wallaroo.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The logfiles example (the classic object API) run as a user runs it: scripts/wallaroo, the
 * shipped day files streamed with END_OF_DAY markers, one framed JSON summary back per day,
 * compared byte for byte with data/expected_summaries.jsonl (derived with awk, not Python).
 */
class LogfilesIT {
    private static final Path DIR = EngineProcess.example("logfiles");
    private static final String END_OF_DAY = "END_OF_DAY";

    /**
     * {@code idleConnectionsFirst} shifts the lane the data enters on (connections are spread
     * over lanes in turn), so with two lanes one of the runs enters on the lane that does not own
     * the counter state and every message crosses lanes.
     */
    @ParameterizedTest(name = "{0} lane(s), {1} idle connection(s) first")
    @CsvSource({"1, 0", "2, 0", "2, 1"})
    void sixDaysGiveTheSixExpectedSummaries(int lanes, int idleConnectionsFirst) throws Exception {
        List<String> expected = Files.readAllLines(DIR.resolve("data/expected_summaries.jsonl"));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int day = 1; day <= 6; day++) {
            for (String line : dayLines(day)) {
                stream.write(Framed.frame(line));
            }
            stream.write(Framed.frame(END_OF_DAY));
        }

        int in = EngineProcess.freePort();
        try (FramedReceiver receiver = new FramedReceiver(EngineProcess.freePort());
             EngineProcess engine = start(in, receiver.port(), lanes)) {
            engine.awaitReady();
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < idleConnectionsFirst; i++) {
                    idle.add(Framed.connect(in));
                    Thread.sleep(200); // let the engine assign it a lane before the next one
                }
                sendOverOneConnection(in, stream.toByteArray());
                List<String> summaries = receiver.await(6, Duration.ofSeconds(60));
                assertEquals(expected, summaries, "one summary per day, in order:\n" + engine.outputText());
                assertEquals(6, receiver.awaitQuiet(Duration.ofMillis(500), Duration.ofSeconds(5)).size(),
                        "nothing beyond the six summaries");
            } finally {
                for (Socket socket : idle) {
                    socket.close();
                }
            }
        }
    }

    /** Unparseable lines are counted under "unparsed"; an empty window emits nothing. */
    @Test
    void unparseableLinesAreCountedAndDoNotStopTheApplication() throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<String> day1 = dayLines(1);
        for (int i = 0; i < day1.size(); i++) {
            stream.write(Framed.frame(day1.get(i)));
            if (i == 0 || i == 100) {
                stream.write(Framed.frame("this is not a log line"));
            }
        }
        stream.write(Framed.frame(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00}));  // not even UTF-8
        stream.write(Framed.frame(END_OF_DAY));
        stream.write(Framed.frame(END_OF_DAY));  // an empty window
        stream.write(Framed.frame("127.0.0.1 - - [no date here] \"GET / HTTP/1.1\" 200 12"));
        stream.write(Framed.frame(""));
        stream.write(Framed.frame(END_OF_DAY));

        String day1Expected = Files.readAllLines(DIR.resolve("data/expected_summaries.jsonl")).get(0);
        List<String> expected = List.of(
                day1Expected.replace("}, \"day\"", ", \"unparsed\": 3}, \"day\""),
                "{\"counts\": {\"200\": 1, \"unparsed\": 1}, \"day\": null}");

        int in = EngineProcess.freePort();
        try (FramedReceiver receiver = new FramedReceiver(EngineProcess.freePort());
             EngineProcess engine = start(in, receiver.port(), 2)) {
            engine.awaitReady();
            sendOverOneConnection(in, stream.toByteArray());
            assertEquals(expected, receiver.await(2, Duration.ofSeconds(60)), engine.outputText());
            assertEquals(2, receiver.awaitQuiet(Duration.ofMillis(500), Duration.ofSeconds(5)).size(),
                    "the empty window emits nothing");
            assertEquals(List.of(), engine.output().stream().filter(l -> l.contains(" raised ")).toList(),
                    "no message failed");
        }
    }

    private static EngineProcess start(int in, int out, int lanes) throws IOException {
        return EngineProcess.start(DIR, List.of("--application-module", "logfiles",
                "--in", "127.0.0.1:" + in, "--out", "127.0.0.1:" + out,
                "--metrics", "127.0.0.1:5001", "--control", "127.0.0.1:6000", "--data", "127.0.0.1:6001",
                "--name", "worker1", "--external", "127.0.0.1:5050", "--cluster-initializer",
                "--ponythreads=" + lanes));
    }

    /** The lines of a day file as the example's sender sends them: without line endings, blank lines skipped. */
    private static List<String> dayLines(int day) throws IOException {
        return Files.readAllLines(DIR.resolve("data/day_" + day + ".log"), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank()).toList();
    }

    /** One connection, so the engine keeps the order: each marker follows its own day's lines. */
    private static void sendOverOneConnection(int port, byte[] stream) throws IOException, InterruptedException {
        try (Socket socket = Framed.connect(port)) {
            OutputStream out = socket.getOutputStream();
            out.write(stream);
            out.flush();
        }
    }
}
