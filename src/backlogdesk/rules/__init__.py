"""Rules: measured triggers that turn red findings into actions with owners."""
