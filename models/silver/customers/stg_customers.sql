{#- The current version of each customer; PII only as tokens, masks and generalisations. -#}

with

versions as (
    select * from {{ ref('int_customers__versions') }}
    where is_current
),

final as (
    select
        {%- for column in finlake.customer_attributes() + ['updated_at', 'has_corrected_amount'] %}
        {{ column }},
        {%- endfor %}
        _extract_date,
        _batch_id,
        _source_file,
        _line_number,
        _loaded_at
    from versions
)

select * from final
