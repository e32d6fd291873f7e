"""Partitions of the matching area.

`req_partitions`: one dynamic partition per opened req, added by the req-open sensor (or the
`talent-crm match` command). Keys come from `orchestration.matching.openings.req_partition_key`
(`greenhouse:4100123` → `greenhouse-4100123`), the one mapping between `crm.reqs.req_id` and a
partition.
"""

import dagster as dg

req_partitions = dg.DynamicPartitionsDefinition(name="reqs")
