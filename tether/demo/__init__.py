"""The scripted support-ops agent that shows Tether in one minute (``make demo``)."""
