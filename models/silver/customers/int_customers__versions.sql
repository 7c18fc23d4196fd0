{#- Every valid version of every customer, with the period it was current: point-in-time
    features join the version valid at their observation date. -#}

with

versions as (
    select * from {{ ref('int_customers__checked') }}
    where _disposition in ('loaded', 'superseded')
),

final as (
    select
        {%- for column in finlake.customer_attributes() %}
        {{ column }},
        {%- endfor %}
        updated_at as valid_from,
        lead(updated_at) over (
            partition by customer_id
            order by updated_at, extract_date, _source_file, _line_number
        ) as valid_to,
        updated_at,
        has_corrected_amount,
        _disposition = 'loaded' as is_current,
        {{ finlake.lineage_columns() }}
    from versions
)

select * from final
