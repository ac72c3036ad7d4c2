"""The review pipeline: read the input tables, check, mark and fill, as a plan of writes."""
