"""Importing exports (지방재정365, 열린재정, any CSV/XLSX) into the input tables: the pure part.

``presets`` says how each known export's columns land in a table, ``convert`` maps, converts
units exactly and derives the computed columns by the review's own rules; nothing here reads
or writes a file (readers: :mod:`xlbudget.adapters.sources`; the pipeline:
:mod:`xlbudget.app.importing`).
"""
