"""slawriter completion: a tab-completion script for bash, zsh or fish, made from the parser
itself, so it names every command, action and option there is."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

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
class Node:
    """A command (or an action of one): its options, choices and sub-commands."""

    help: str = ""
    options: list[tuple[str, str, bool]] = field(default_factory=list)  # name, help, takes value
    choices: list[str] = field(default_factory=list)  # of a positional, e.g. bash zsh fish
    files: bool = False  # whether a positional names a file
    children: dict[str, Node] = field(default_factory=dict)


def command_tree(parser: argparse.ArgumentParser, help_text: str = "") -> Node:
    node = Node(help_text)
    helps: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                helps[choice.dest] = choice.help or ""
            for name, sub in action.choices.items():
                node.children[name] = command_tree(sub, helps.get(name, ""))
        elif action.option_strings:
            takes = action.nargs != 0
            for option in action.option_strings:
                node.options.append((option, _one_line(action.help or ""), takes))
        elif action.choices:
            node.choices.extend(str(c) for c in action.choices)
        else:
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
    for path, node in _paths(tree):
        words = [*node.children, *(o for o, _, _ in node.options), *node.choices]
        takes = [o for o, _, t in node.options if t]
        cases.append(
            f'        "{" ".join(path)}")\n'
            f'            words="{" ".join(words)}"; files={int(node.files)}; '
            f'takes="{" ".join(takes)}" ;;'
        )
    return _BASH.replace("@CASES@", "\n".join(cases))


_BASH = """# bash completion for slawriter (slawriter completion bash)
_slawriter() {
    local cur prev words files takes path="" word i
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        case "$word" in -*) continue ;; esac
        if _slawriter_known "${path:+$path }$word"; then path="${path:+$path }$word"; fi
    done
    _slawriter_node "$path"
    case " $takes " in
        *" $prev "*) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    if [[ "$cur" == -* || "$files" == 0 ]]; then
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -- "$cur"))
    fi
}
_slawriter_known() {
    local words files takes
    _slawriter_node "$1" && [[ -n "$words$files" ]]
}
_slawriter_node() {
    words=""; files=""; takes=""
    case "$1" in
@CASES@
        *) return 1 ;;
    esac
}
complete -o default -F _slawriter slawriter
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
        for option, help_text, takes in node.options:
            flag = f"-l {option[2:]}" if option.startswith("--") else f"-s {option[1:]}"
            value = " -r -F" if takes else ""
            lines.append(
                f"complete -c slawriter -n {_quote(condition)} {flag}{value} -d {_quote(help_text)}"
            )
        for choice in node.choices:
            lines.append(f"complete -c slawriter -n {_quote(condition)} -a {choice}")
        if node.files and path:
            lines.append(f"complete -c slawriter -n {_quote(condition)} -F")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


SCRIPTS = {"bash": bash, "zsh": zsh, "fish": fish}
