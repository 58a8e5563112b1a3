"""Checks the celsius_kafka example's output against its input.

    scripts/kafka-local consume --topic fahrenheit-readings --print-key --idle-timeout 5 \
        | python3 check_output.py --count 1000 [--sensors 8]

Reads "key<TAB>sensor,number,fahrenheit" lines and reports readings that are missing, duplicated,
wrongly converted or wrongly keyed. Exits 0 when every reading came out exactly once and right.
"""
import argparse
import sys

from readings import reading


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--sensors", type=int, default=8)
    args = parser.parse_args()

    seen = {}
    problems = []
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            continue
        key, _, value = line.partition("\t")
        sensor, number, fahrenheit = value.split(",")
        number = int(number)
        seen[number] = seen.get(number, 0) + 1
        want_sensor, _, celsius = reading(number, args.sensors).split(",")
        want = float(celsius) * 1.8 + 32
        if sensor != want_sensor or key != want_sensor:
            problems.append("reading {}: sensor {!r}, key {!r}, expected {!r}".format(number, sensor, key, want_sensor))
        if abs(float(fahrenheit) - want) > 0.006:
            problems.append("reading {}: {} F, expected {:.2f} F".format(number, fahrenheit, want))

    missing = [n for n in range(args.count) if n not in seen]
    duplicated = [n for n, times in seen.items() if times > 1]
    for n in missing[:10]:
        problems.append("reading {} is missing".format(n))
    for n in duplicated[:10]:
        problems.append("reading {} came out {} times".format(n, seen[n]))
    for problem in problems[:20]:
        print(problem)
    print("{} readings in, {} out ({} distinct): {} missing, {} duplicated, {} other problems".format(
        args.count, sum(seen.values()), len(seen), len(missing), len(duplicated),
        len(problems) - min(len(missing), 10) - min(len(duplicated), 10)))
    sys.exit(0 if not problems else 1)


if __name__ == "__main__":
    main()
