"""The one sandboxed Jinja environment every template the product renders goes through.

Clauses (Markdown), the Word master template's cover, header and footer (docxtpl), and any
future template (HTML pages, reports) are rendered by an environment this package makes, so
they all share the same refusals and the same budget. See slawriter/templating/sandbox.py.
"""

from slawriter.templating.sandbox import (
    MUTATING_METHODS,
    BudgetExceeded,
    Limits,
    Sandbox,
    make_sandbox,
    model_methods,
)

__all__ = [
    "MUTATING_METHODS",
    "BudgetExceeded",
    "Limits",
    "Sandbox",
    "make_sandbox",
    "model_methods",
]
