"""Measuring an agreement: batch business time, ticket and outage import, compliance reports.

``batch``: business time for many intervals at once (numpy) over the clock's tables.
``importer``: ticket exports and outage logs (CSV), presets for common service desks.
``report``: the compliance figures for a month or a quarter; ``charts`` and ``documents``
turn them into PNG charts and Word, Markdown and HTML reports.
"""
