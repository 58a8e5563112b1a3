package io.wallaroo.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sender much faster than a slow receiver: the engine must push back on the sender over TCP
 * instead of buffering, keep its heap bounded, and lose nothing once the receiver catches up.
 */
class BackPressureIT {
    private static final int MESSAGE_BYTES = 200;

    @Test
    void aSlowReceiverSlowsTheSenderAndNothingIsLost() throws Exception {
        Path apps = EngineProcess.root().resolve("examples/src/test/resources/apps");
        int in = EngineProcess.freePort();
        AtomicBoolean slow = new AtomicBoolean(true);
        AtomicLong received = new AtomicLong();
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
             EngineProcess engine = EngineProcess.start(apps, List.of("--application-module", "passthrough",
                     "--in", "127.0.0.1:" + in, "--out", "127.0.0.1:" + server.getLocalPort(), "--ponythreads", "2"))) {
            Thread reader = new Thread(() -> readSlowly(server, slow, received), "slow-receiver");
            reader.setDaemon(true);
            reader.start();
            engine.awaitReady();

            AtomicLong sent = new AtomicLong();
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread sender = new Thread(() -> sendWhile(sending, in, sent), "fast-sender");
            sender.setDaemon(true);
            sender.start();
            Thread.sleep(20_000);

            long sentBytes = sent.get();
            long backlog = sentBytes - received.get();
            long heapUsed = heapUsedAfterGc(engine.pid());
            System.out.printf("sent %d MB, received %d MB, backlog %d MB, heap after GC %d MB%n",
                    sentBytes >> 20, received.get() >> 20, backlog >> 20, heapUsed >> 20);
            // Without back-pressure a loopback sender pushes gigabytes in 20 s; with it, the backlog
            // is what the buffers hold: socket buffers, lane queues, the sink's 32 MB buffer.
            assertTrue(backlog < 160L << 20, "backlog " + (backlog >> 20) + " MB: the sender was not held back");
            assertTrue(heapUsed < 400L << 20, "heap " + (heapUsed >> 20) + " MB after GC: not bounded");

            // Stop between writes (interrupting a blocked write could deliver bytes it never counted),
            // letting the receiver catch up so the write in progress completes.
            sending.set(false);
            slow.set(false);
            sender.join(60_000);
            long total = sent.get();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (received.get() < total && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(total, received.get(), "every byte sent came out once the receiver caught up");
        }
    }

    private static void sendWhile(AtomicBoolean sending, int port, AtomicLong sent) {
        byte[] payload = new byte[MESSAGE_BYTES - 1];
        java.util.Arrays.fill(payload, (byte) 'x');
        byte[] frame = Framed.frame(payload);
        byte[] chunk = new byte[frame.length * 200];
        for (int i = 0; i < 200; i++) {
            System.arraycopy(frame, 0, chunk, i * frame.length, frame.length);
        }
        try (Socket socket = Framed.connect(port)) {
            OutputStream out = socket.getOutputStream();
            while (sending.get()) {
                out.write(chunk);
                sent.addAndGet(200L * MESSAGE_BYTES); // each message comes out as payload + newline
            }
        } catch (IOException | InterruptedException e) {
            // interrupted or closed: stop sending
        }
    }

    private static void readSlowly(ServerSocket server, AtomicBoolean slow, AtomicLong received) {
        try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                received.addAndGet(n);
                if (slow.get()) {
                    Thread.sleep(20); // about 0.8 MB/s
                }
            }
        } catch (IOException | InterruptedException ignored) {
            // done
        }
    }

    /** Heap in use after a full GC, read from the running engine with the JDK's jcmd. */
    private static long heapUsedAfterGc(long pid) throws IOException, InterruptedException {
        String jcmd = jdkTool("jcmd");
        run(List.of(jcmd, Long.toString(pid), "GC.run"));
        String info = run(List.of(jcmd, Long.toString(pid), "GC.heap_info"));
        Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
        assertTrue(m.find(), info);
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String jdkTool(String name) {
        Path javaHome = Path.of(System.getProperty("java.home"));
        return javaHome.resolve("bin").resolve(name).toString();
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
