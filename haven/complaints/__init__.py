"""Complaints and feedback from defectors and their families, anonymous if they wish."""
