"""``python -m tether.cli``: the same command as the ``tether`` console script (tests and deployments use it)."""

from tether.cli import main

main()
