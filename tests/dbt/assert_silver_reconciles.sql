-- Invariant 1, nothing is lost: every landed record is in bronze or captured as malformed, and
-- every bronze row is in silver, a removed duplicate, a superseded version or in quarantine.
-- Returns the batches that do not add up (every column: a failing row is read whole, so AM04 is off here).
select *  -- noqa: AM04
from {{ ref('reconciliation') }}
where not is_balanced
