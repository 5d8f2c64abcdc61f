"""The control plane is composed, not inherited: a core, services that receive what they use, one public face.

These tests fail if a mixin comes back: a class with several bases, a plane service inheriting from another Tether
class, a service reaching another through a shared base instead of its constructor, or a ControlPlane that
forwards by ``__getattr__`` instead of naming its methods.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from collections.abc import Iterator
from datetime import timedelta
from types import ModuleType

import pytest

import tether
import tether.notify
from tether import FakeClock, Mode, Policy, Status, ToolCall
from tether.plane import ControlPlane, PlaneAPI
from tether.plane._admission import Admission
from tether.plane._core import PlaneCore
from tether.plane._decisions import Decisions
from tether.plane._lanes import Lanes
from tether.plane._notifier import LogNotifier, Notifier
from tether.plane._shadow import Shadow
from tether.plane._timers import Timers
from tether.plane._undo import Undo
from tether.store import MemoryStore

# Which services each service is handed, besides the core: the plane's only cross-service calls.
SERVICES: dict[type, set[type]] = {
    Admission: {Shadow},  # submit records a shadowed call's agent side
    Decisions: {Timers},  # decide fires a due expiry before deciding
    Timers: set(),
    Undo: set(),
    Lanes: set(),
    Shadow: set(),
}


def tether_modules() -> Iterator[ModuleType]:
    for info in pkgutil.walk_packages(tether.__path__, "tether."):
        if not info.name.endswith("__main__"):  # running it would run the CLI
            yield importlib.import_module(info.name)


def classes_of(module: ModuleType) -> Iterator[type]:
    for value in vars(module).values():
        if inspect.isclass(value) and value.__module__ == module.__name__:
            yield value


def is_protocol(cls: type) -> bool:
    return bool(getattr(cls, "_is_protocol", False))


def test_no_class_in_tether_has_more_than_one_base_unless_it_joins_protocols() -> None:
    # ``Store`` joins the capability protocols: that is a contract, not a mixin of behaviour.
    several = [
        f"{cls.__module__}.{cls.__qualname__}{tuple(b.__qualname__ for b in cls.__bases__)}"
        for module in tether_modules()
        for cls in classes_of(module)
        if len(cls.__bases__) > 1 and not all(is_protocol(base) for base in cls.__bases__)
    ]
    assert several == []


def test_no_class_in_tether_is_named_a_mixin() -> None:
    named = [f"{m.__name__}.{c.__qualname__}" for m in tether_modules() for c in classes_of(m) if "Mixin" in c.__name__]
    assert named == []


def test_control_plane_inherits_nothing() -> None:
    assert ControlPlane.__bases__ == (object,)


def test_no_class_in_the_plane_package_has_a_tether_base() -> None:
    import tether.plane

    inherited = [
        f"{cls.__qualname__}({base.__module__}.{base.__qualname__})"
        for info in pkgutil.iter_modules(tether.plane.__path__, "tether.plane.")
        for cls in classes_of(importlib.import_module(info.name))
        for base in cls.__bases__
        if base.__module__.split(".")[0] == "tether"
    ]
    assert inherited == []


@pytest.mark.parametrize("service", list(SERVICES), ids=lambda s: s.__name__)
def test_each_service_is_handed_the_core_and_exactly_the_services_it_uses(service: type) -> None:
    hints = typing.get_type_hints(vars(service)["__init__"])
    hints.pop("return", None)
    assert PlaneCore in hints.values()
    handed = {t for t in hints.values() if t in SERVICES}
    assert handed == SERVICES[service]


def test_the_plane_wires_one_core_into_every_service_and_the_services_into_each_other() -> None:
    plane = ControlPlane(Policy.default(), MemoryStore())
    cores = [plane._admission.core, plane._decisions.core, plane._timers.core]
    cores += [plane._undo.core, plane._lanes.core, plane._shadow.core]
    assert all(core is plane._core for core in cores)
    assert plane._decisions.timers is plane._timers
    assert plane._admission.shadow is plane._shadow


def test_control_plane_names_every_method_of_the_plane_api_itself() -> None:
    assert "__getattr__" not in vars(ControlPlane)
    assert "__getattribute__" not in vars(ControlPlane)
    members = {name for name in vars(PlaneAPI) if not name.startswith("_")} | set(PlaneAPI.__annotations__)
    missing = sorted(name for name in members if name not in vars(ControlPlane))
    assert missing == []


def test_a_lease_set_on_the_plane_is_the_lease_every_service_gives() -> None:
    clock = FakeClock()
    plane = ControlPlane(Policy.default(), MemoryStore(), clock=clock)
    plane.lease = timedelta(milliseconds=100)  # what a test does to let a worker "die" quickly
    policy = Policy.from_dict({"tools": {"classify": {"risk": "low", "reversible": "yes"}}})
    plane.policy = policy
    action = plane.submit(ToolCall(tool="classify", agent="bot"), worker="w1")
    assert action.status is Status.RUNNING
    assert action.lease_until == clock.now() + timedelta(milliseconds=100)


def test_a_policy_set_on_the_plane_is_the_policy_every_service_reads() -> None:
    plane = ControlPlane(Policy.default(), MemoryStore())
    assert plane.evaluate(ToolCall(tool="classify", agent="bot")).mode is Mode.APPROVE  # unknown tool: held
    plane.policy = Policy.from_dict({"tools": {"classify": {"risk": "low", "reversible": "yes"}}})
    assert plane.evaluate(ToolCall(tool="classify", agent="bot")).mode is Mode.AUTO
    assert plane.lane("bot/classify").ceiling is Mode.AUTO


def test_comparators_registered_on_the_plane_are_the_ones_shadow_mode_uses() -> None:
    plane = ControlPlane(Policy.default(), MemoryStore())
    plane.comparators["refund"] = lambda agent, human: True
    assert plane._shadow.comparators is plane.comparators


def test_the_notifier_names_are_defined_by_the_plane_and_re_exported_by_notify() -> None:
    assert tether.notify.Notifier is Notifier
    assert tether.notify.LogNotifier is LogNotifier
    assert isinstance(ControlPlane(Policy.default(), MemoryStore()).notifier, LogNotifier)
