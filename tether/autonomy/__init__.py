"""Autonomy, pure: the ladder's criteria and steps, and shadow mode's comparison and statistics. No I/O."""
