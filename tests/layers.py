"""The layers of slawriter, top to bottom. A module may import from its own package or from a
layer below its own; never from a layer above, nor a sibling package on its own layer.

A prefix names a module and everything below it, and the longest matching prefix decides a
module's layer (``slawriter.files.load`` sits above ``slawriter.files``); the bare package
name ``slawriter`` names only the package's own ``__init__``, so a new package must be given
a layer here. tests/test_architecture.py enforces this table on every import, top-level,
inside functions and under TYPE_CHECKING alike, and on modules named by string literal to
``importlib.import_module`` or ``__import__`` (and the writers of the renderer registry).
"""

ROOT = "slawriter"

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("entry point", ("slawriter.__main__",)),
    # The program: hands a command to the daemon or to the command line; the daemon's server
    # runs the command line in its children.
    ("program", ("slawriter.launch", "slawriter.daemon.server")),
    ("command line", ("slawriter.cli",)),
    ("commands", ("slawriter.commands",)),
    # The browser's questionnaire strings the session (pipeline) into pages, as new does.
    ("browser front end", ("slawriter.web",)),
    ("orchestration", ("slawriter.pipeline",)),
    ("front ends and reviewers' tools", ("slawriter.wizard", "slawriter.review")),
    (
        "engines",
        ("slawriter.drafting", "slawriter.feasibility", "slawriter.measure", "slawriter.policy"),
    ),
    ("loading", ("slawriter.files.load",)),
    ("clause library", ("slawriter.library",)),
    ("renderers", ("slawriter.render",)),
    ("files and time", ("slawriter.files", "slawriter.clock")),
    ("templating", ("slawriter.templating",)),
    ("model", ("slawriter.model",)),
    # Below the model: pure formatting, so the model's own messages count with plural().
    ("text", ("slawriter.text",)),
    # The daemon's client and socket rules: the standard library only, run before anything.
    ("foundation", ("slawriter.errors", "slawriter.daemon", "slawriter.process", "slawriter")),
]

# Third-party packages only one place may import: the boundaries the design card names.
OWNERS: dict[str, tuple[str, ...]] = {
    "docx": ("slawriter.render.word",),
    "docxtpl": ("slawriter.render.word",),
    "questionary": ("slawriter.wizard.prompts",),
    "starlette": ("slawriter.web.app",),
    "uvicorn": ("slawriter.web.server",),
}
