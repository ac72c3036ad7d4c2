"""Adapters: where the review touches workbooks (files, the open Excel), behind one contract.

``xlsx`` reads and writes workbook files as packages of parts (any OS, the CLI), ``live``
does the same through xlwings for the workbook open in Excel (the ribbon); both keep
:class:`.contract.BookAdapter`.  ``sources`` reads finance-system exports for the importers.
"""
