"""A TCP proxy on loopback that behaves like a village line: slow, far away, and unreliable.

Used by the fault tests (tests/test_sync_faults*.py) and the sync benchmark. It forwards
127.0.0.1:<port> to an upstream and can

- throttle each direction to ``rate_bps`` bits per second and add ``rtt / 2`` of delay each way;
- cut a connection (RST) after a random number of bytes, chosen from a seeded generator;
- duplicate a connection: after it ends, send the client's bytes to the upstream once more (a
  retransmitted request), discarding the answer.

Everything is bounded: connections time out after ``idle_timeout`` seconds of silence.
"""

from __future__ import annotations

import contextlib
import queue
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Faults:
    cut_probability: float = 0.0  # chance that a connection is cut at a random offset
    max_cut_offset: int = 20_000  # the offset is drawn from [0, max_cut_offset)
    duplicate_probability: float = 0.0
    seed: int = 0


@dataclass
class Tally:
    connections: int = 0
    cuts: int = 0
    duplicates: int = 0
    bytes_up: int = 0
    bytes_down: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts):
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


class NetProxy:
    def __init__(
        self,
        upstream_port: int,
        *,
        rate_bps: float | None = None,
        rtt: float = 0.0,
        faults: Faults | None = None,
        idle_timeout: float = 30.0,
    ):
        self.upstream = ("127.0.0.1", upstream_port)
        self.rate_bps = rate_bps
        self.rtt = rtt
        self.faults = faults or Faults()
        self.idle_timeout = idle_timeout
        self.tally = Tally()
        self._random = random.Random(self.faults.seed)
        self._random_lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._server.close()
        self._thread.join(timeout=5)

    def set_faults(self, faults: Faults) -> None:
        """Change the faults for the connections accepted from now on (reseeded)."""
        with self._random_lock:
            self.faults = faults
            self._random = random.Random(faults.seed)

    def _draw(self):
        with self._random_lock:
            cut = self._random.random() < self.faults.cut_probability
            offset = self._random.randrange(max(1, self.faults.max_cut_offset))
            direction = self._random.choice(("up", "down"))
            duplicate = self._random.random() < self.faults.duplicate_probability
        return (direction, offset) if cut else None, duplicate

    def _accept_loop(self) -> None:
        self._server.settimeout(0.2)
        while not self._stopping.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        self.tally.add(connections=1)
        cut, duplicate = self._draw()
        try:
            upstream = socket.create_connection(self.upstream, timeout=self.idle_timeout)
        except OSError:
            _reset(client)
            return
        client.settimeout(self.idle_timeout)
        upstream.settimeout(self.idle_timeout)
        sent_up = bytearray()
        done = threading.Event()
        state = {"cut": False}

        def pump(source, target, direction):
            """Read one direction and hand chunks to a delay line that delivers them later."""
            line: queue.Queue = queue.Queue()
            writer = threading.Thread(target=self._deliver, args=(line, target, done), daemon=True)
            writer.start()
            budget = cut[1] if cut and cut[0] == direction else None
            moved, link_free = 0, time.monotonic()
            try:
                while True:
                    if done.is_set():
                        # The other direction was cut: this one drops too, at once (without
                        # this the writer would wait out the idle timeout).
                        line.put("reset")
                        break
                    chunk = source.recv(16384)
                    if not chunk:
                        line.put("reset" if done.is_set() else None)
                        break
                    if budget is not None and moved + len(chunk) > budget:
                        chunk = chunk[: budget - moved]
                        state["cut"] = True
                    if direction == "up":
                        sent_up.extend(chunk)
                    wire_time = len(chunk) * 8 / self.rate_bps if self.rate_bps else 0.0
                    link_free = max(time.monotonic(), link_free) + wire_time
                    line.put((link_free + self.rtt / 2, chunk))
                    moved += len(chunk)
                    self.tally.add(**{f"bytes_{direction}": len(chunk)})
                    if state["cut"]:
                        line.put("reset")
                        break
            except OSError:
                line.put("reset")
            writer.join(self.idle_timeout + 5)

        up = threading.Thread(target=pump, args=(client, upstream, "up"), daemon=True)
        down = threading.Thread(target=pump, args=(upstream, client, "down"), daemon=True)
        up.start()
        down.start()
        up.join(self.idle_timeout + 10)
        down.join(self.idle_timeout + 10)
        if state["cut"]:
            self.tally.add(cuts=1)
            _reset(client)
            _reset(upstream)
            return
        client.close()
        upstream.close()
        if duplicate and sent_up:
            self.tally.add(duplicates=1)
            self._replay(bytes(sent_up))

    def _deliver(self, line: queue.Queue, target: socket.socket, done: threading.Event) -> None:
        while True:
            try:
                item = line.get(timeout=self.idle_timeout)
            except queue.Empty:
                done.set()
                return
            try:
                if item is None:
                    target.shutdown(socket.SHUT_WR)
                    return
                if item == "reset":
                    done.set()
                    _reset(target)
                    return
                deliver_at, chunk = item
                pause = deliver_at - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                target.sendall(chunk)
            except OSError:
                done.set()
                return

    def _replay(self, data: bytes) -> None:
        try:
            with socket.create_connection(self.upstream, timeout=self.idle_timeout) as again:
                again.sendall(data)
                again.shutdown(socket.SHUT_WR)
                while again.recv(65536):
                    pass
        except OSError:
            pass


def _reset(sock: socket.socket) -> None:
    """Close with RST, as a dropped line does, rather than an orderly FIN.

    ``shutdown(SHUT_RD)`` first: closing a socket does not wake a thread blocked in ``recv`` on
    it (the other direction's pump), and that pump would otherwise hang until the idle timeout.
    """
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RD)
    sock.close()
