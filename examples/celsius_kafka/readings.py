"""Prints temperature readings for the celsius_kafka example, one "sensor,number,celsius" line each.

    python3 readings.py [--count 1000] [--sensors 8] | scripts/kafka-local produce \
        --topic celsius-readings --key-delimiter ,

Readings are numbered from 0 and go round the sensors, so sensor-3 gets numbers 3, 11, 19, ...
with 8 sensors. The temperatures are a repeatable function of the number, so runs can be compared.
"""
import argparse
import sys


def reading(number, sensors):
    sensor = "sensor-{}".format(number % sensors)
    celsius = ((number * 37) % 800 - 200) / 10.0   # -20.0 .. 59.9
    return "{},{},{:.1f}".format(sensor, number, celsius)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="readings to print (default 1000)")
    parser.add_argument("--sensors", type=int, default=8, help="distinct sensors (default 8)")
    args = parser.parse_args()
    out = sys.stdout
    for number in range(args.count):
        out.write(reading(number, args.sensors))
        out.write("\n")


if __name__ == "__main__":
    main()
