"""slawriter completion: a tab-completion script for bash, zsh or fish, made from the parser
itself, so it names every command, action and option there is."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAME = "completion"
HELP = "print a tab-completion script for bash, zsh or fish"
DESCRIPTION = "Print a script that completes slawriter's commands, actions and options."
EXAMPLES = """examples:
  slawriter completion bash > ~/.local/share/bash-completion/completions/slawriter
  slawriter completion zsh > "${fpath[1]}/_slawriter"
  slawriter completion fish > ~/.config/fish/completions/slawriter.fish"""

SHELLS = ("bash", "zsh", "fish")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=SHELLS, help="the shell: bash, zsh or fish")


def run(args: argparse.Namespace) -> int:
    from slawriter.errors import EXIT_OK

    tree = command_tree(args.root_parser)
    print(SCRIPTS[args.shell](tree), end="")
    return EXIT_OK


@dataclass
class Value:
    """What an option's value is: a file, a folder, one of ``choices``, a comma-separated
    list of them ("list"), or something to type ("text": nothing is offered)."""

    kind: str  # "file", "dir", "choice", "list" or "text"
    choices: list[str] = field(default_factory=list)


@dataclass
class Node:
    """A command (or an action of one): its options, choices and sub-commands."""

    help: str = ""
    # name, help, and the value it takes (None: a flag)
    options: list[tuple[str, str, Value | None]] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)  # of a positional, e.g. bash zsh fish
    files: bool = False  # whether a positional names a file
    children: dict[str, Node] = field(default_factory=dict)


def _known_values() -> dict[tuple[str, str], Value]:
    """Values argparse cannot tell: comma-separated formats and the built-in profiles."""
    from slawriter.library import builtin_library_root
    from slawriter.render.registry import FORMATS

    formats = Value("list", list(FORMATS))
    profiles = sorted(path.stem for path in (builtin_library_root() / "profiles").glob("*.yaml"))
    return {
        ("render", "--format"): formats,
        ("report", "--format"): formats,
        ("new", "--format"): Value("list", ["docx", "md", "pdf"]),
        ("new", "--profile"): Value("choice", profiles),
    }


def _value(action: argparse.Action, where: tuple[str, str], known: dict[Any, Value]) -> Value:
    if where in known:
        return known[where]
    if action.choices:
        return Value("choice", [str(choice) for choice in action.choices])
    if action.metavar == "DIR":
        return Value("dir")
    if action.type is Path or str(action.metavar or "").startswith(("FILE", "CSV", "POLICY")):
        return Value("file")
    return Value("text")


def command_tree(
    parser: argparse.ArgumentParser,
    help_text: str = "",
    path: tuple[str, ...] = (),
    known: dict[Any, Value] | None = None,
) -> Node:
    known = _known_values() if known is None else known
    node = Node(help_text)
    helps: dict[str, str] = {}
    for action in parser._actions:
        if action.help == argparse.SUPPRESS:
            continue  # hidden options are for tests and scripts, not for Tab
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                helps[choice.dest] = choice.help or ""
            for name, sub in action.choices.items():
                node.children[name] = command_tree(sub, helps.get(name, ""), (*path, name), known)
        elif action.option_strings:
            for option in action.option_strings:
                value = None
                if action.nargs != 0:
                    value = _value(action, (" ".join(path), option), known)
                node.options.append((option, _one_line(action.help or ""), value))
        elif action.choices:
            node.choices.extend(str(c) for c in action.choices)
        elif action.type is Path:
            node.files = True
    return node


def _one_line(text: str) -> str:
    return " ".join(text.replace("%%", "%").split())


def _paths(node: Node, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Node]]:
    found = [(prefix, node)]
    for name, child in node.children.items():
        found.extend(_paths(child, (*prefix, name)))
    return found


def bash(tree: Node) -> str:
    """Completes by the commands typed so far: their sub-commands, options and choices."""
    cases = []
    values = []
    for path, node in _paths(tree):
        words = [*node.children, *(o for o, _, _ in node.options), *node.choices]
        cases.append(
            f'        "{" ".join(path)}")\n'
            f'            words="{" ".join(words)}"; files={int(node.files)} ;;'
        )
        for option, _, value in node.options:
            if value is not None:
                values.append(
                    f'        "{" ".join(path)}|{option}") kind={value.kind}; '
                    f'values="{" ".join(value.choices)}" ;;'
                )
    return _BASH.replace("@CASES@", "\n".join(cases)).replace("@VALUES@", "\n".join(values))


_BASH = """# bash completion for slawriter (slawriter completion bash)
_slawriter() {
    local cur prev words files kind values path="" word i head=""
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        case "$word" in -*) continue ;; esac
        if _slawriter_known "${path:+$path }$word"; then path="${path:+$path }$word"; fi
    done
    _slawriter_node "$path"
    if [[ "$prev" == -* ]] && _slawriter_value "$path|$prev"; then
        case "$kind" in
            file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
            dir) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
            list)
                [[ "$cur" == *,* ]] && head="${cur%,*},"
                COMPREPLY=($(compgen -P "$head" -W "$values" -- "${cur##*,}")) ;;
            *) COMPREPLY=($(compgen -W "$values" -- "$cur")) ;;
        esac
        return
    fi
    if [[ "$cur" == -* || "$files" == 0 ]]; then
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
    else
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -- "$cur"))
    fi
}
_slawriter_known() {
    local words files
    _slawriter_node "$1" && [[ -n "$words$files" ]]
}
_slawriter_node() {
    words=""; files=""
    case "$1" in
@CASES@
        *) return 1 ;;
    esac
}
_slawriter_value() {
    kind=""; values=""
    case "$1" in
@VALUES@
        *) return 1 ;;
    esac
}
complete -F _slawriter slawriter
"""


def zsh(tree: Node) -> str:
    """zsh runs the bash script through its bash-completion layer."""
    return (
        "#compdef slawriter\n"
        "# zsh completion for slawriter (slawriter completion zsh)\n"
        "autoload -U +X bashcompinit && bashcompinit\n" + bash(tree).split("\n", 1)[1]
    )


def fish(tree: Node) -> str:
    lines = ["# fish completion for slawriter (slawriter completion fish)", ""]
    lines.append("complete -c slawriter -f")
    for path, node in _paths(tree):
        if path:
            condition = "; and ".join(f"__fish_seen_subcommand_from {word}" for word in path)
        else:
            condition = "__fish_use_subcommand"
        for name, child in node.children.items():
            lines.append(
                f"complete -c slawriter -n {_quote(condition)} -a {name} -d {_quote(child.help)}"
            )
        for option, help_text, taken in node.options:
            flag = f"-l {option[2:]}" if option.startswith("--") else f"-s {option[1:]}"
            value = _fish_value(taken)
            lines.append(
                f"complete -c slawriter -n {_quote(condition)} {flag}{value} -d {_quote(help_text)}"
            )
        for choice in node.choices:
            lines.append(f"complete -c slawriter -n {_quote(condition)} -a {choice}")
        if node.files and path:
            lines.append(f"complete -c slawriter -n {_quote(condition)} -F")
    return "\n".join(lines) + "\n"


def _fish_value(value: Value | None) -> str:
    if value is None:
        return ""
    if value.kind in ("file", "dir"):
        return " -r -F"
    if value.kind == "choice":
        return f" -x -a {_quote(' '.join(value.choices))}"
    if value.kind == "list":  # fish's own helper completes each item after a comma
        command = "printf '%s\\n' " + " ".join(value.choices)
        return " -x -a " + _quote(f'(__fish_complete_list , "{command}")')
    return " -x"


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


SCRIPTS = {"bash": bash, "zsh": zsh, "fish": fish}
