"""Celsius to Fahrenheit, Kafka in and Kafka out.

Each input record is one temperature reading as text, "sensor,number,celsius" (for example
"sensor-3,17,21.5"). Each output record is the same reading in Fahrenheit, "sensor-3,17,70.70",
keyed by the sensor, so all readings of one sensor land in one partition of the output topic.

Topics and brokers come from Machida's flags:

    --kafka_source_topic celsius-readings --kafka_source_brokers 127.0.0.1:9092
    --kafka_sink_topic fahrenheit-readings --kafka_sink_brokers 127.0.0.1:9092
    [--kafka_source_log_level Warn] [--kafka_sink_log_level Warn]
    [--kafka_sink_max_produce_buffer_ms 0] [--kafka_sink_max_message_size 100000]
"""
import wallaroo


def application_setup(args):
    in_topic, in_brokers, in_log_level = wallaroo.kafka_parse_source_options(args)
    (out_topic, out_brokers, out_log_level, out_max_produce_buffer_ms,
     out_max_message_size) = wallaroo.kafka_parse_sink_options(args)

    ab = wallaroo.ApplicationBuilder("Celsius to Fahrenheit with Kafka")
    ab.new_pipeline("convert readings",
                    wallaroo.KafkaSourceConfig(in_topic, in_brokers, in_log_level, decoder))
    ab.to(multiply)
    ab.to(add)
    ab.to_sink(wallaroo.KafkaSinkConfig(out_topic, out_brokers, out_log_level,
                                        out_max_produce_buffer_ms, out_max_message_size,
                                        encoder))
    return ab.build()


class Reading(object):
    def __init__(self, sensor, number, degrees):
        self.sensor = sensor
        self.number = number
        self.degrees = degrees


# A Kafka record is one message: the header arguments describe TCP framing and are not used here.
@wallaroo.decoder(header_length=4, length_fmt=">I")
def decoder(bs):
    sensor, number, celsius = bs.decode("utf-8").split(",")
    return Reading(sensor, int(number), float(celsius))


@wallaroo.computation(name="multiply by 1.8")
def multiply(reading):
    return Reading(reading.sensor, reading.number, reading.degrees * 1.8)


@wallaroo.computation(name="add 32")
def add(reading):
    return Reading(reading.sensor, reading.number, reading.degrees + 32)


@wallaroo.encoder
def encoder(reading):
    value = "{},{},{:.2f}".format(reading.sensor, reading.number, reading.degrees)
    return (value.encode("utf-8"), reading.sensor)
