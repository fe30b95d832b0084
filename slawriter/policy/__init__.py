"""The agreement as helpdesk configuration: Zendesk, Freshdesk and Jira Service Management SLA
policies with their business hours, and OpenSLO documents for the uptime targets; and the
check of a policy read back from a helpdesk against the agreement (docs/policy.md).

Every exporter returns what the target cannot express alongside its files, so nothing the
agreement promises is dropped without a word."""
