"""Thin adapters that read a workbook into plain values and apply a review plan to it.

Both expose the same two functions, ``read_book`` and ``apply_plan``: ``openpyxl_io`` for files
(any OS, the CLI) and ``xlwings_io`` for the workbook open in Excel (the ribbon).
"""
