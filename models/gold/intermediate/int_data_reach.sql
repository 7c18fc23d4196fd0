{#- One row per entity: how far its delivered data actually reaches. The extract dates say when
    the bank delivered; the event dates say up to when the data describes the world. For master
    data (customers, accounts, loans) the event date is the record's updated_at; for events
    (transactions, loan payments) it is the transaction date and the due or payment date known
    by the extract. A stale delivery (history ending long before the extract) shows as a large
    days_behind; gold summaries read reporting_date and as_of_date from here. -#}

{#- Each entity's silver model and the date its events happen on: (entity, first event, last event). -#}
{%- set entities = [
    ('customers', 'cast(updated_at as date)', 'cast(updated_at as date)'),
    ('accounts', 'cast(updated_at as date)', 'cast(updated_at as date)'),
    ('loans', 'cast(updated_at as date)', 'cast(updated_at as date)'),
    ('transactions', 'transaction_date', 'transaction_date'),
    ('loan_payments', 'due_date', 'case when due_date <= _extract_date then due_date end'),
] %}

with

reach as (
    {%- for entity, first_event, last_event in entities %}
    select
        '{{ entity }}' as entity,
        min(_extract_date) as first_extract_date,
        max(_extract_date) as last_extract_date,
        min({{ first_event }}) as first_event_date,
        max({{ last_event }}) as last_event_date,
        count(*) as silver_rows
    from {{ ref('stg_' ~ entity) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

lake as (
    select
        max(last_extract_date) as reporting_date,
        max(
            case when entity in ('transactions', 'loan_payments') then last_event_date end
        ) as as_of_date
    from reach
),

behind as (
    select
        *,
        {{ dbt.datediff('last_event_date', 'last_extract_date', 'day') }}
            as days_behind
    from reach
),

dated as (
    select
        reporting_date,
        coalesce(as_of_date, reporting_date) as as_of_date
    from lake
),

final as (
    select
        reach.entity,
        reach.silver_rows,
        reach.first_extract_date,
        reach.last_extract_date,
        reach.first_event_date,
        reach.last_event_date,
        reach.days_behind,
        reach.days_behind > {{ var('staleness_days') }} as is_stale,
        dated.reporting_date,
        dated.as_of_date,
        {{ dbt.datediff('dated.as_of_date', 'dated.reporting_date', 'day') }}
        > {{ var('staleness_days') }}
            as is_lake_stale
    from behind as reach
    cross join dated
)

select * from final
