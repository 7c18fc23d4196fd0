{#- Where every landed record went, per entity and load batch (one landing file).

    landed = bronze + malformed                      (ingestion lost nothing)
    bronze = silver + duplicates + superseded + quarantined   (silver lost nothing)

    Silver rows are counted in the silver tables themselves, so an incremental run that
    missed or double-loaded a row shows up as a difference. -#}

with

ledger as (
    select
        batch_id,
        entity,
        source_file,
        extract_date,
        status,
        lines_read,
        malformed_count
    from {{ ref('stg_bronze__load_log') }}
    where status in ('loaded', 'skipped_duplicate', 'rejected', 'empty')
),

{% for entity in finlake.silver_entities() %}
{{ entity.name }}_bronze as (
    select
        '{{ entity.name }}' as entity,
        _batch_id as batch_id,
        count(*) as bronze_rows,
        sum(case when _disposition = 'exact_duplicate' then 1 else 0 end) as exact_duplicate_rows,
        sum(case when _disposition = 'superseded' then 1 else 0 end) as superseded_rows,
        sum(case when _disposition = 'quarantined' then 1 else 0 end) as quarantined_rows
    from {{ ref('int_' ~ entity.name ~ '__checked') }}
    group by _batch_id
),

{{ entity.name }}_silver as (
    select
        '{{ entity.name }}' as entity,
        _batch_id as batch_id,
        count(*) as silver_rows
    from {{ ref(entity.model) }}
    group by _batch_id
),

{% endfor %}
bronze as (
    {{- finlake.union_entities('_bronze') }}
),

silver as (
    {{- finlake.union_entities('_silver') }}
),

batches as (
    select
        entity,
        batch_id
    from ledger
    union
    select
        entity,
        batch_id
    from bronze
    union
    select
        entity,
        batch_id
    from silver
),

counted as (
    select
        batches.entity,
        batches.batch_id,
        ledger.source_file,
        ledger.extract_date,
        ledger.status as load_status,
        coalesce(ledger.lines_read, 0) as landed_records,
        coalesce(ledger.malformed_count, 0) as malformed_records,
        coalesce(bronze.bronze_rows, 0) as bronze_rows,
        coalesce(silver.silver_rows, 0) as silver_rows,
        coalesce(bronze.exact_duplicate_rows, 0) as exact_duplicate_rows,
        coalesce(bronze.superseded_rows, 0) as superseded_rows,
        coalesce(bronze.quarantined_rows, 0) as quarantined_rows
    from batches
    {% for counts in ['ledger', 'bronze', 'silver'] %}
    left join {{ counts }}
        on batches.batch_id = {{ counts }}.batch_id
        and batches.entity = {{ counts }}.entity
    {% endfor %}
),

final as (
    select
        *,
        case
            when load_status = 'loaded' then landed_records - bronze_rows - malformed_records
            else bronze_rows
        end as unexplained_landed_records,
        bronze_rows - silver_rows - exact_duplicate_rows - superseded_rows - quarantined_rows
            as unexplained_bronze_rows
    from counted
),

balanced as (
    select
        *,
        unexplained_landed_records = 0 and unexplained_bronze_rows = 0 as is_balanced
    from final
)

select * from balanced
