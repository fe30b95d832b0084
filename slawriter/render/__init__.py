"""Renderers: the format-neutral Document tree to Markdown, Word (.docx) and PDF."""
