"""slawriter: draft measurable IT service level agreements from one agreement file."""

__version__ = "0.1.0"
