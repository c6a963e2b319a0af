"""The demo company and its order book, exported as an ERP would export them.

Used by ``backlogdesk demo`` and by the tests: one deterministic data set, as a
single export or as half a year of weekly exports with the company's actuals,
budget and agreements beside them.
"""

from backlogdesk.demo.export import DemoExport, write_demo_export, write_export
from backlogdesk.demo.history import DemoHistory, write_demo_history
from backlogdesk.demo.orderbook import OrderBook

__all__ = [
    "DemoExport",
    "DemoHistory",
    "OrderBook",
    "write_demo_export",
    "write_demo_history",
    "write_export",
]
