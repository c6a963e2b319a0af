"""Agreement coverage: frame, blanket, supply and scheduling agreements.

Coverage is what an agreement commits and its call-offs have not yet released.
It is kept apart from open orders and sales backlog; see docs/coverage.md.
"""
