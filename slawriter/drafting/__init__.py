"""From a loaded agreement to a document tree: clause context, template helpers,
assembly and provenance.
"""
