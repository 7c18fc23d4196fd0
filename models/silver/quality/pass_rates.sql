{#- One row per entity: the share of its delivered rows (exact duplicates aside) that pass the
    contract and reach silver (loaded, or valid but superseded by a later version: counted from
    the reconciliation's batches, so the two cannot disagree), its three
    most frequent quarantine reasons, and where it stands against the settings
    var('pass_rate_warn_below') and var('pass_rate_error_below'). The tests on pass_rate_status
    warn or fail the build; `finlake build` prints the entities below the warning level with
    their reasons. -#}

with

batches as (select * from {{ ref('reconciliation') }}),

entities as (
    {%- for entity in finlake.silver_entities() %}
    select '{{ entity.name }}' as entity
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

counted as (
    select
        entities.entity,
        sum(batches.bronze_rows - batches.exact_duplicate_rows) as checked_rows,
        sum(batches.bronze_rows - batches.exact_duplicate_rows - batches.quarantined_rows) as passed_rows
    from entities
    left join batches
        on entities.entity = batches.entity
    group by entities.entity
),

reasons as (
    select
        entity,
        split_part(reason_codes, ',', 1) as reason,
        count(*) as quarantined_rows
    from {{ ref('quarantine') }}
    group by entity, split_part(reason_codes, ',', 1)
),

ranked as (
    select
        *,
        row_number() over (partition by entity order by quarantined_rows desc, reason asc) as reason_rank
    from reasons
),

top_reasons as (
    select
        entity,
        {{ finlake.list_agg("reason || ' ' || cast(quarantined_rows as varchar)", ', ', 'reason_rank') }} as top_reasons
    from ranked
    where reason_rank <= 3
    group by entity
),

rated as (
    select
        counted.entity,
        counted.checked_rows,
        counted.passed_rows,
        {{ finlake.safe_divide('counted.passed_rows', 'counted.checked_rows') }} as pass_rate,
        top_reasons.top_reasons
    from counted
    left join top_reasons
        on counted.entity = top_reasons.entity
),

final as (
    select
        *,
        case
            when pass_rate < {{ var('pass_rate_error_below') }} then 'error'
            when pass_rate < {{ var('pass_rate_warn_below') }} then 'warn'
            else 'ok'
        end as pass_rate_status
    from rated
)

select * from final
