-- Every contact id ever retired and the id that replaced it, so an id from any old export
-- resolves to today's contact (follow surviving_id until it is no longer retired).
select
    retired_id,
    surviving_id,
    merged_at,
    evidence
from {{ source('identity', 'contact_merges') }}
