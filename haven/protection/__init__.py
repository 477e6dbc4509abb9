"""Security incidents (reprisals, threats, arrests, missing people, leaks, lost or seized devices)
and the risk they put people at."""
