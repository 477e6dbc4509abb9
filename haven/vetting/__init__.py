"""Incidents and allegations, screening hits and vetting decisions."""
