"""Pathway choice (serve, go home, exile), cases, tasks and referrals."""
