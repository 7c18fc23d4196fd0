{{ config(meta={'grain': 'quarantine'}) }}

-- The grain of silver's quarantine: one row per held-back bronze row, so no two rows share an
-- entity, a landing file and a line of it. Here rather than in quarantine.yml while silver's
-- YAML is being restructured; finlake.lineage.governance counts a singular test naming a model
-- in meta.grain as that model's grain test (tests/lineage/test_governance.py).
with

quarantine as (
    select * from {{ ref('quarantine') }}
),

final as (
    select
        entity,
        _source_file,
        _line_number,
        count(*) as occurrences
    from quarantine
    group by entity, _source_file, _line_number
    having count(*) > 1
)

select * from final
