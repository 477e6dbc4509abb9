"""The prisoner-of-war registry under the Third Geneva Convention."""
