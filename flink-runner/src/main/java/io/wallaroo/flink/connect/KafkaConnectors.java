package io.wallaroo.flink.connect;

import io.wallaroo.engine.connector.SinkRecords;
import io.wallaroo.engine.topology.HostPort;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.SourceSpec;
import io.wallaroo.flink.job.Envelope;
import io.wallaroo.flink.job.FrameChunk;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Kafka through Flink's own connector: the source's offsets live in Flink checkpoints, and the
 * sink writes in Kafka transactions committed with each checkpoint (exactly-once end to end for
 * a read_committed consumer).
 */
public final class KafkaConnectors {
    private KafkaConnectors() {}

    static String servers(List<HostPort> brokers) {
        return brokers.stream().map(HostPort::toString).collect(Collectors.joining(","));
    }

    public static KafkaSource<FrameChunk> source(SourceSpec.Kafka spec, String groupId) {
        return KafkaSource.<FrameChunk>builder()
                .setBootstrapServers(servers(spec.brokers()))
                .setTopics(spec.topic())
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new Frames())
                .build();
    }

    /** One Kafka record is one message. */
    static final class Frames implements KafkaRecordDeserializationSchema<FrameChunk> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FrameChunk> out) {
            byte[] v = record.value() == null ? new byte[0] : record.value();
            out.collect(new FrameChunk(record.partition(), v, new int[]{v.length}));
        }

        @Override
        public TypeInformation<FrameChunk> getProducedType() {
            return TypeInformation.of(FrameChunk.class);
        }
    }

    /** A (key, value) record for Kafka; key may be null. */
    public static final class Record {
        public byte[] key;
        public byte[] value;

        public Record() {}

        Record(byte[] key, byte[] value) {
            this.key = key;
            this.value = value;
        }
    }

    /** Splits a sink batch (RECORDS layout) into records. */
    public static final class Split implements FlatMapFunction<Envelope, Record> {
        @Override
        public void flatMap(Envelope e, Collector<Record> out) {
            SinkRecords.forEach(e.value, (k, v) -> out.collect(new Record(k, v)));
        }
    }

    public static KafkaSink<Record> sink(SinkSpec.Kafka spec, String transactionalIdPrefix, boolean exactlyOnce) {
        String topic = spec.topic();
        return KafkaSink.<Record>builder()
                .setBootstrapServers(servers(spec.brokers()))
                .setDeliveryGuarantee(exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setProperty("transaction.timeout.ms", "600000")
                .setRecordSerializer((KafkaRecordSerializationSchema<Record>) (r, ctx, ts) ->
                        new ProducerRecord<>(topic, null, ts, r.key, r.value))
                .build();
    }
}
