"""OpenSLO v1: a Service and an SLO document per service with an uptime target, over calendar
months in the zone of the calendar its uptime is counted on, budgeted in time slices of the
monitoring interval (the OpenSLO specification, docs/policy.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

from slawriter.clock.calendars import basis_name, calendars_for
from slawriter.policy.common import Export
from slawriter.policy.targets import Promises

API_VERSION = "openslo/v1"


def documents(promised: Promises) -> tuple[list[dict[str, Any]], list[str]]:
    loaded = promised.loaded
    agreement = loaded.agreement
    calendars = calendars_for(agreement, loaded.provider)
    monitoring = agreement.monitoring
    start = promised.first.replace(day=1).isoformat() + " 00:00:00"
    docs: list[dict[str, Any]] = []
    gaps: list[str] = []
    for service in agreement.services:
        uptime = service.uptime
        if uptime is None:
            continue
        name = basis_name(uptime.basis, uptime.calendar, agreement.default_calendar)
        calendar = calendars.known(name)
        target = Decimal(uptime.target) / 100
        docs.append(
            {
                "apiVersion": API_VERSION,
                "kind": "Service",
                "metadata": {"name": service.id, "displayName": service.name},
                "spec": {"description": f"{service.name}: {', '.join(service.systems)}"[:1050]},
            }
        )
        objective: dict[str, Any] = {
            "displayName": f"Monthly uptime {uptime.target}%",
            "op": "gte",
            "value": 1,
            "target": float(target),
            "timeSliceTarget": 1,
            "timeSliceWindow": monitoring.interval.text.replace(" ", ""),
        }
        if target >= 1:
            gaps.append(f"{service.id}: a 100% target; OpenSLO targets are below 1.0, written as 1")
        docs.append(
            {
                "apiVersion": API_VERSION,
                "kind": "SLO",
                "metadata": {
                    "name": f"{service.id}-uptime",
                    "displayName": f"{service.name} uptime",
                },
                "spec": {
                    "description": f"Monthly uptime of {service.name} as the agreement "
                    f"{agreement.agreement.reference} defines it, measured by {monitoring.system}"[
                        :1050
                    ],
                    "service": service.id,
                    "indicator": {
                        "metadata": {"name": f"{service.id}-up"},
                        "spec": {
                            "thresholdMetric": {
                                "metricSource": {
                                    "type": monitoring.system,
                                    "spec": {
                                        "query": f"1 while {service.name} is up, 0 while it is down"
                                    },
                                }
                            }
                        },
                    },
                    "timeWindow": [
                        {
                            "duration": "1M",
                            "calendar": {"startTime": start, "timeZone": calendar.tz_name},
                            "isRolling": False,
                        }
                    ],
                    "budgetingMethod": "Timeslices",
                    "objectives": [objective],
                },
            }
        )
        gaps.append(
            f"{service.id}: the indicator's query is a description, not a query of "
            f"{monitoring.system}: replace it with the monitor's up/down check"
        )
        if uptime.basis == "business-hours":
            gaps.append(
                f"{service.id}: uptime counts only the hours of calendar '{name}' "
                f"({calendar.hours.canonical()}, less holidays); an OpenSLO time window counts "
                "every minute of the month"
            )
        for dependency in service.depends_on:
            if dependency.excluded:
                gaps.append(
                    f"{service.id}: minutes down only because {dependency.name} is down are "
                    "excluded from Downtime"
                )
        if service.down_when:
            gaps.append(f"{service.id}: 'down' means: {service.down_when}")
    if docs:
        maintenance = agreement.maintenance
        if not maintenance.counts_toward_uptime:
            gaps.append(
                f"Planned maintenance ({maintenance.window.canonical()}, at most "
                f"{maintenance.monthly_cap.text} a month, notice given) is not Downtime"
            )
        gaps.append(
            f"An outage shorter than {monitoring.minimum_outage.text} is not Downtime"
            + ("; severe degradation is" if monitoring.degraded_counts else "")
        )
        combined = agreement.combined_uptime
        if combined is not None:
            gaps.append(
                f"Combined uptime target {combined.target}% across "
                f"{', '.join(combined.services or [])}: OpenSLO has no SLO over several services"
            )
        if agreement.credits is not None and agreement.credits.tiers:
            gaps.append("Service credit tiers: OpenSLO has no remedies")
    return docs, gaps


def export(promised: Promises) -> Export:
    docs, gaps = documents(promised)
    if not docs:
        gaps.insert(0, "No service has an uptime target: there is no SLO to write")
    source = promised.loaded.path.name
    header = f"# OpenSLO documents written by slawriter export-policy from {source}.\n"
    text = header + yaml.safe_dump_all(docs, sort_keys=False, allow_unicode=True, width=100)
    return Export("openslo", {f"{promised.stem}.openslo.yaml": text.encode()}, gaps)
