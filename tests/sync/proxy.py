"""A tiny loopback TCP proxy that can break a push the way networks and servers break."""

from __future__ import annotations

import contextlib
import random
import socket
import threading
from collections.abc import Callable


class Proxy:
    """Forwards bytes both ways. ``mode``, once per push:
    - "drop_response": the server answers the push (it has committed), the client never hears;
    - "cut_request": half the push request is forwarded, then ``on_cut`` runs (kills the
      server) and the connection closes, so the server never commits;
    - "cut_pull": the push goes through and is acknowledged, then the connection is cut as the
      pull starts, so the sync stops between the two (protocol 2: the pull is its own request);
    - "cut_after_push": the push and its answer go through (protocol 3: with the pull page,
      counts and history), then the connection is cut as the next request starts;
    - "flaky": any request, with probability ``odds``, is cut before the server sees it or has
      its answer dropped after the server acted on it (``random`` decides; seed it)."""

    def __init__(
        self,
        upstream_port: int,
        on_cut: Callable[[], None] = lambda: None,
        odds: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.upstream_port, self.on_cut = upstream_port, on_cut
        self.mode: str | None = None
        self.odds, self.random = odds, random.Random(seed)
        self.cuts = 0
        self.fired = threading.Event()
        self.push_answered = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        except OSError:
            client.close()
            return
        pushing, lose = threading.Event(), threading.Event()
        threading.Thread(
            target=self._up, args=(client, upstream, pushing, lose), daemon=True
        ).start()
        self._down(client, upstream, pushing, lose)

    def _break(self, *socks: socket.socket) -> None:
        self.mode = None
        self.fired.set()
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _up(
        self,
        client: socket.socket,
        upstream: socket.socket,
        pushing: threading.Event,
        lose: threading.Event,
    ) -> None:
        try:
            while data := client.recv(65536):
                if self._flaky_cut(data, lose):
                    self._cut(client, upstream)
                    return
                if b"GET /v1/pull" in data and self.mode == "cut_pull":
                    self._break(client, upstream)
                    return
                if self.mode == "cut_after_push" and self.push_answered.is_set():
                    self._break(client, upstream)
                    return
                if b"POST /v1/push" in data:
                    pushing.set()
                    if self.mode == "cut_request":
                        upstream.sendall(data[: len(data) // 2])
                        self.fired.set()  # before the kill: the client hears of it at once
                        self.on_cut()
                        self._break(client, upstream)
                        return
                upstream.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                upstream.shutdown(socket.SHUT_WR)

    def _flaky_cut(self, data: bytes, answer_lost: threading.Event) -> bool:
        """In "flaky" mode: True to cut this request before the server sees it; or mark its
        answer to be dropped (the server acts, the client never hears)."""
        if self.mode != "flaky" or not data[:8].startswith((b"GET ", b"POST ")):
            return False
        roll = self.random.random()
        if roll < self.odds / 2:
            return True
        if roll < self.odds:
            answer_lost.set()
        return False

    def _cut(self, *socks: socket.socket) -> None:
        self.cuts += 1
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _down(
        self,
        client: socket.socket,
        upstream: socket.socket,
        pushing: threading.Event,
        lose: threading.Event,
    ) -> None:
        try:
            while data := upstream.recv(65536):
                if lose.is_set():
                    self._cut(client, upstream)
                    return
                if pushing.is_set() and self.mode == "drop_response":
                    self._break(client, upstream)
                    return
                if pushing.is_set() and self.mode == "cut_after_push":
                    self.push_answered.set()
                pushing.clear()
                client.sendall(data)
        except OSError:
            pass
        finally:
            client.close()
