"""Data-sharing agreements and the log of every disclosure of personal data that leaves Haven."""
