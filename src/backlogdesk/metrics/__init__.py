"""Metrics: Ibis expressions that classify lines and sum the four numbers.

Written once over Ibis so the same expressions run on DuckDB (the embedded
default) and on other engines. No pandas here: results leave as Arrow.
"""
