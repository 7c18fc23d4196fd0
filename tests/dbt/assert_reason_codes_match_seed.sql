-- The reason codes pivoted in data_quality_report (macro dq_reason_codes) are exactly the
-- codes of the dq_reason_codes seed: returns codes present in one but not the other.
with

macro_codes as (
    {%- for code in finlake.dq_reason_codes() %}
    select '{{ code }}' as code
    {%- if not loop.last %} union all{% endif %}
    {%- endfor %}
),

seed_codes as (
    select code from {{ ref('dq_reason_codes') }}
)

select coalesce(macro_codes.code, seed_codes.code) as code
from macro_codes
full outer join seed_codes
    on macro_codes.code = seed_codes.code
where macro_codes.code is null or seed_codes.code is null
