"""Text helpers shared by every layer: Markdown escaping, number, duration and time
formatting, interval arithmetic.
"""
