"""Gates for the behaviour tests. ``RecordingGate`` remembers what its tools did: what ran, in order, and how many
times, is what those tests assert on ("held, so nothing ran"; "approved, so it ran once"). ``GateFactory`` makes
gates of one kind, local over a store or remote over a real server, so one test runs against both."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from databases import make_store

from tether import FakeClock, Gate, Policy
from tether.model import new_id


class RecordingGate(Gate):
    """A ``Gate`` with a ``ran`` list its test tools append to. Local or remote (``Gate(plane=...)``) alike."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.ran: list[Any] = []
        super().__init__(*args, **kwargs)


class GateFactory:
    """Makes gates of one kind for a test and closes them after it: over a store of that kind, or (``remote``)
    over a real server on loopback through ``tether.connect``'s plane, each request under the token of whoever
    would send it (tests/serving.py). A behaviour test written against the factory runs locally and remotely."""

    def __init__(self, kind: str, tmp_path: Path, clock: FakeClock) -> None:
        self.kind, self.tmp_path, self.clock = kind, tmp_path, clock
        self._cleanup = contextlib.ExitStack()

    def __call__(self, policy: Policy) -> RecordingGate:
        place = self.tmp_path / f"gate-{new_id()[:8]}"  # each gate its own database
        place.mkdir()
        if self.kind != "remote":
            store = make_store(self.kind, place)
            self._cleanup.callback(store.close)
            gate = RecordingGate(policy, store, clock=self.clock)
            self._cleanup.callback(gate.close)
            return gate
        from serving import LiveServer, RoutedPlane

        from tether.plane import ControlPlane

        store = make_store("sqlite", place)
        self._cleanup.callback(store.close)
        server = LiveServer(ControlPlane(policy, store, clock=self.clock), sweep_interval=0)
        self._cleanup.callback(server.stop)
        gate = RecordingGate(plane=RoutedPlane(server, clock=self.clock))
        self._cleanup.callback(gate.close)
        return gate

    def close(self) -> None:
        self._cleanup.close()
