"""The control plane: the one place where an action's state changes.

``ControlPlane`` is the public face. It composes a small core (store, clock, policy, the one transition function,
notify, redact) with services for admission, decisions, timers, undo, lanes and shadow mode; each service receives
the core and the services it uses. ``PlaneAPI`` is what a Gate needs from a plane, local or remote.
"""

from tether.plane._api import PlaneAPI
from tether.plane._control import DEFAULT_LEASE, ControlPlane

__all__ = ["DEFAULT_LEASE", "ControlPlane", "PlaneAPI"]
