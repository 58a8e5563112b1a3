"""A free TCP port for an engine to listen on, for the scripts that start engines (the AOT cache's
training run, scripts/run-example, the benchmarks). Imported as a module, or run to print one:

    python3 listen_port.py [COUNT]     (COUNT distinct ports, one a line)

The port comes from below the kernel's ephemeral range. One from bind(0) comes from that range, and
an outgoing connection (the engine's own sink connecting, say) could take it before the engine
listens on it, which failed launches with "Address already in use". (The tests' ListenPorts, in the
engine's test jar, does the same in Java.)
"""
import random
import socket


def ephemeral_range_start() -> int:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    for port in random.sample(range(10000, max(ephemeral_range_start(), 11000)), 200):
        with socket.socket() as s:
            try:
                s.bind(("0.0.0.0", port))
                return port
            except OSError:
                continue
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(count: int) -> list[int]:
    """COUNT distinct free ports."""
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


if __name__ == "__main__":
    import sys
    print("\n".join(str(port) for port in free_ports(int(sys.argv[1]) if len(sys.argv) > 1 else 1)))
