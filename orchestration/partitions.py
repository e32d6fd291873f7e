"""Partitions of the code location.

`req_partitions`: one dynamic partition per opened req, added by the req-open sensor (or the
`talent-crm match` command). Key = `<source>-<id>` with anything outside [A-Za-z0-9._-]
replaced, because Dagster partition keys end up in URLs and file names; `crm.reqs.req_id` is
`<source>:<id>`, and `req_partition_key` is the one mapping between the two.
"""

import re

import dagster as dg

req_partitions = dg.DynamicPartitionsDefinition(name="reqs")

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def req_partition_key(req_id: str) -> str:
    """`greenhouse:4100123` → `greenhouse-4100123` (stable, file-name and URL safe)."""
    source, sep, job_id = req_id.partition(":")
    if not sep or not source or not job_id:
        raise ValueError(f"req_id must look like '<source>:<id>', got {req_id!r}")
    return f"{_UNSAFE.sub('_', source.lower())}-{_UNSAFE.sub('_', job_id)}"
