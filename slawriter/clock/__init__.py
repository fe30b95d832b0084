"""Calendars and business time: one engine and one factory for documents, checks and reports."""
