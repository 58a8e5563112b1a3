package io.wallaroo.kafka.local;

import org.apache.kafka.clients.producer.KafkaProducer;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends records at a steady rate on its own thread, so a test can break something (stop the
 * broker, kill the engine) while input is still flowing. Rides out broker restarts.
 */
public final class PacedProducer implements AutoCloseable {
    private final Thread thread;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public PacedProducer(String bootstrap, String topic, List<TextRecord> records, int perSecond) {
        thread = new Thread(() -> run(bootstrap, topic, records, perSecond), "paced-producer-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(String bootstrap, String topic, List<TextRecord> records, int perSecond) {
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = TextClients.producer(bootstrap)) {
            for (int i = 0; i < records.size(); i++) {
                long due = start + (long) i * 1_000_000_000L / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                producer.send(TextClients.toProducerRecord(topic, records.get(i)), (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
                sent.incrementAndGet();
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Records handed to the producer so far (not necessarily acknowledged). */
    public int sent() {
        return sent.get();
    }

    /** Waits until every record was sent and acknowledged; throws what went wrong, if anything. */
    public void await(long millis) throws Exception {
        thread.join(millis);
        if (thread.isAlive()) {
            throw new AssertionError("producer still sending after " + millis + " ms (" + sent() + " sent)");
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
