"""Reading a policy back from a helpdesk and comparing it with the agreement: which target it
is (Zendesk, Freshdesk or slawriter's Jira file) is told from its shape; every difference in
a priority's metric, target or business hours is reported."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slawriter.errors import InputError
from slawriter.files.output import display_path
from slawriter.files.reading import MAX_YAML_BYTES, NotReadable, read_regular
from slawriter.policy import freshdesk, jira, zendesk
from slawriter.policy.targets import Promises, ladder

EXPECTED = (
    'expected a Zendesk SLA policy ({"sla_policy": {"policy_metrics": [...]}}, as '
    'GET /api/v2/slas/policies/{id} returns it, or {"sla_policies": [...]}, as '
    'GET /api/v2/slas/policies lists them), a Freshdesk SLA policy ({"sla_target": '
    "{...}}, or a list of them, as GET /api/v2/sla_policies returns it) or the "
    f"{jira.FORMAT} file of slawriter export-policy --to jira"
)

# (priority as the policy names it, metric) -> {"target": minutes, "business_hours": bool, ...}
Settings = dict[tuple[str, str], dict[str, Any]]


@dataclass
class Drift:
    target: str  # zendesk, freshdesk or jira
    title: str  # the policy's own name
    differences: list[str]
    # Which policy of a list was compared ("'Gold' (id 2), 1 of 3"): empty for a single one.
    chosen: str = ""


def _fail(name: str, what: str) -> InputError:
    return InputError(f"{name}: {what}; {EXPECTED}")


def _object(value: Any, name: str, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(name, f"{where} is not an object")
    return value


def _number(value: Any, name: str, where: str) -> int | float:
    """The number as given: 480.5 minutes is not 480, and drift must show it."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(name, f"{where} is not a number ({json.dumps(value)})")
    return int(value) if float(value).is_integer() else value


def _minutes(seconds: int | float) -> int | float:
    minutes = seconds / 60
    return int(minutes) if float(minutes).is_integer() else minutes


def _flag(value: Any, name: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(name, f"{where} is not true or false ({json.dumps(value)})")
    return value


def _pick(items: list[Any], key: str, title: str, name: str) -> dict[str, Any]:
    """One policy from a list the helpdesk returned: ours by its title, or the only one."""
    policies = [_object(item, name, "an entry of the list") for item in items]
    if len(policies) == 1:
        return _chosen(policies[0], key, 1, 1)
    for number, policy in enumerate(policies, start=1):
        if policy.get(key) == title:
            return _chosen(policy, key, number, len(policies))
    titles = ", ".join(repr(p.get(key)) for p in policies) or "none"
    raise InputError(
        f"{name} lists {len(policies)} SLA policies ({titles}) and none is called {title!r}: "
        "save the one to check on its own"
    )


CHOSEN = "_chosen"  # where _pick notes which policy of a list it took


def _chosen(policy: dict[str, Any], key: str, number: int, count: int) -> dict[str, Any]:
    ident = f" (id {policy['id']})" if "id" in policy else ""
    return {**policy, CHOSEN: f"{policy.get(key)!r}{ident}, {number} of {count} in the list"}


def _repeat(settings: Settings, key: tuple[str, str], setting: dict[str, Any]) -> None:
    """Set a metric; one set twice keeps every value, for compare to report."""
    earlier = settings.get(key)
    if earlier is not None:
        setting["repeated"] = [*earlier.get("repeated", [earlier["target"]]), setting["target"]]
    settings[key] = setting


def _zendesk(data: Any, name: str, title: str) -> tuple[str, Settings]:
    if isinstance(data, dict) and isinstance(data.get("sla_policies"), list):
        policy = _pick(data["sla_policies"], "title", title, name)
    elif isinstance(data, dict) and "sla_policy" in data:
        policy = _object(data["sla_policy"], name, "sla_policy")
    else:
        policy = _object(data, name, "the policy")
    metrics = policy.get("policy_metrics")
    if not isinstance(metrics, list):
        raise _fail(name, "policy_metrics is not a list")
    settings: Settings = {}
    for index, raw in enumerate(metrics):
        where = f"policy_metrics[{index}]"
        item = _object(raw, name, where)
        priority, metric = item.get("priority"), item.get("metric")
        if not isinstance(priority, str) or not isinstance(metric, str):
            raise _fail(name, f"{where} has no priority or metric")
        if "target" in item:
            minutes = _number(item["target"], name, f"{where}.target")
        else:  # newer accounts may give seconds only
            minutes = _minutes(
                _number(item.get("target_in_seconds"), name, f"{where}.target_in_seconds")
            )
        setting = {
            "target": minutes,
            "business_hours": _flag(item.get("business_hours"), name, f"{where}.business_hours"),
        }
        _repeat(settings, (priority, metric), setting)
    return _title(policy, "title"), settings


def _title(policy: dict[str, Any], key: str) -> str:
    title = str(policy.get(key, ""))
    return f"{title}\0{policy[CHOSEN]}" if CHOSEN in policy else title


def _freshdesk(data: Any, name: str, title: str) -> tuple[str, Settings]:
    policy = _pick(data, "name", title, name) if isinstance(data, list) else data
    targets = _object(policy.get("sla_target"), name, "sla_target")
    settings: Settings = {}
    for level, raw in targets.items():
        item = _object(raw, name, f"sla_target.{level}")
        hours = _flag(item.get("business_hours"), name, f"sla_target.{level}.business_hours")
        for field in ("respond_within", "resolve_within"):
            if field in item:
                seconds = _number(item[field], name, f"sla_target.{level}.{field}")
                setting = {"target": _minutes(seconds), "business_hours": hours}
                _repeat(settings, (level, field), setting)
    return _title(policy, "name"), settings


_GOAL = re.compile(r"^\s*(?:(\d+)\s*w)?\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*$")


def _goal_minutes(text: Any, name: str, where: str) -> int:
    match = _GOAL.match(text) if isinstance(text, str) and text.strip() else None
    if match is None:
        raise _fail(name, f"{where} is not a goal such as '4h' or '1h 30m' ({json.dumps(text)})")
    weeks, days, hours, minutes = (int(part or 0) for part in match.groups())
    return ((weeks * 7 + days) * 24 + hours) * 60 + minutes


def _jira(data: Any, name: str, title: str) -> tuple[str, Settings]:
    metrics = data.get("metrics")
    if not isinstance(metrics, list):
        raise _fail(name, "metrics is not a list")
    settings: Settings = {}
    for index, raw in enumerate(metrics):
        metric = _object(raw, name, f"metrics[{index}]")
        goals = metric.get("goals")
        if not isinstance(goals, list):
            raise _fail(name, f"metrics[{index}].goals is not a list")
        for number, goal_raw in enumerate(goals):
            where = f"metrics[{index}].goals[{number}]"
            goal = _object(goal_raw, name, where)
            calendar = str(goal.get("calendar", jira.ALWAYS))
            settings[(str(goal.get("priority")), str(metric.get("name")))] = {
                "target": _goal_minutes(goal.get("goal"), name, f"{where}.goal"),
                "business_hours": calendar != jira.ALWAYS,
                "calendar": calendar,
            }
    return str(data.get("agreement", "")), settings


def _which(data: Any) -> str | None:
    if isinstance(data, dict):
        if data.get("format") == jira.FORMAT:
            return "jira"
        if "sla_policy" in data or "sla_policies" in data or "policy_metrics" in data:
            return "zendesk"
        if "sla_target" in data:
            return "freshdesk"
    if (
        isinstance(data, list)
        and data
        and all(isinstance(item, dict) and "sla_target" in item for item in data)
    ):
        return "freshdesk"
    return None


READERS: dict[str, Callable[[Any, str, str], tuple[str, Settings]]] = {
    "zendesk": _zendesk,
    "freshdesk": _freshdesk,
    "jira": _jira,
}


def expected(promised: Promises, target: str) -> tuple[str, Settings]:
    """What the agreement's own export of ``target`` holds, read as a helpdesk's policy is."""
    name = "the agreement"
    if target == "zendesk":
        body = zendesk.policy_body(promised)
        return _zendesk(body, name, body["sla_policy"]["title"])
    if target == "freshdesk":
        body = freshdesk.policy_body(promised)
        return _freshdesk(body, name, body["name"])
    return _jira(jira.document(promised), name, promised.title)


def _label(promised: Promises, target: str, level: str) -> str:
    levels = {"zendesk": zendesk.LEVELS, "freshdesk": freshdesk.LEVELS}.get(target)
    if levels is None:
        return level
    mapping, _ = ladder(promised, levels)
    ours = next((key for key, value in mapping.items() if value == level), None)
    return f"{ours} ({level})" if ours else level


def _show(target: str, setting: dict[str, Any]) -> str:
    return _amount(target, setting["target"])


def _amount(target: str, minutes: float) -> str:
    """A target exactly as the policy gives it (480.5 minutes, not 480)."""
    unit = "seconds" if target == "freshdesk" else "minutes"
    value = minutes * (60 if target == "freshdesk" else 1)
    value = round(value, 6)  # 7.5 * 60 stays 450, not 450.00000000000006
    return f"{int(value) if float(value).is_integer() else value} {unit}"


def compare(path: Path, promised: Promises) -> Drift:
    name = display_path(path)
    try:
        raw = read_regular(path, MAX_YAML_BYTES)
    except NotReadable as error:
        raise InputError(f"{name} {error}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _fail(name, "not UTF-8 text") from None
    except json.JSONDecodeError as error:
        # json's messages end "... starting at" where they mean the place given after them.
        what = re.sub(r" at$", " there", error.msg)
        what = what[:1].lower() + what[1:]
        raise _fail(name, f"not JSON (line {error.lineno}, column {error.colno}: {what})") from None
    target = _which(data)
    if target is None:
        raise _fail(name, "not an SLA policy slawriter knows")
    wanted_title, wanted = expected(promised, target)
    title, found = READERS[target](data, name, wanted_title)
    title, _, chosen = title.partition("\0")
    differences: list[str] = []
    for (level, metric), setting in found.items():
        if "repeated" in setting:
            values = ", ".join(_amount(target, v) for v in setting["repeated"])
            differences.append(
                f"{_label(promised, target, level)} {metric}: set {len(setting['repeated'])} "
                f"times in the policy ({values}); the helpdesk applies one of them, so keep "
                "one (the last is compared below)"
            )
    for key in [*wanted, *(k for k in found if k not in wanted)]:
        level, metric = key
        label = f"{_label(promised, target, level)} {metric}"
        ours, theirs = wanted.get(key), found.get(key)
        if theirs is None:
            differences.append(
                f"{label}: missing from the policy (agreement: {_show(target, ours or {})})"
            )
            continue
        if ours is None:
            differences.append(
                f"{label}: in the policy ({_show(target, theirs)}), not in the agreement"
            )
            continue
        if ours["target"] != theirs["target"]:
            differences.append(
                f"{label}: target {_show(target, theirs)} in the policy, "
                f"{_show(target, ours)} in the agreement"
            )
        if ours["business_hours"] != theirs["business_hours"]:
            differences.append(
                f"{label}: business hours {_onoff(theirs['business_hours'])} in the policy, "
                f"{_onoff(ours['business_hours'])} in the agreement"
            )
        if "calendar" in ours and ours["calendar"] != theirs.get("calendar"):
            differences.append(
                f"{label}: calendar '{theirs.get('calendar')}' in the policy, "
                f"'{ours['calendar']}' in the agreement"
            )
    return Drift(target, title, differences, chosen)


def _onoff(value: bool) -> str:
    return "on" if value else "off"
