{#- One row per well-formed value in silver that a reference seed does not know: which entity
    and column, the value, the seed, how many silver rows carry it, and what to do. The rows
    stay in silver (a reference gap is data quality, not a broken contract); the relationships
    tests on these columns warn, and fail only above var('reference_gap_error_rows') rows.
    `finlake build` prints one warning per gap. -#}

{%- set checks = [
    {'entity': 'customers', 'model': 'stg_customers', 'column': 'country', 'seed': 'country_reference', 'field': 'country_code', 'what': 'an ISO 3166-1 alpha-2 country'},
    {'entity': 'transactions', 'model': 'stg_transactions', 'column': 'merchant_country', 'seed': 'country_reference', 'field': 'country_code', 'what': 'an ISO 3166-1 alpha-2 country'},
    {'entity': 'transactions', 'model': 'stg_transactions', 'column': 'merchant_category_code', 'seed': 'mcc_codes', 'field': 'merchant_category_code', 'what': 'an ISO 18245 merchant category'},
    {'entity': 'accounts', 'model': 'stg_accounts', 'column': 'currency', 'seed': 'currency_reference', 'field': 'currency_code', 'what': 'an ISO 4217 currency'},
    {'entity': 'transactions', 'model': 'stg_transactions', 'column': 'currency', 'seed': 'currency_reference', 'field': 'currency_code', 'what': 'an ISO 4217 currency'},
    {'entity': 'transactions', 'model': 'stg_transactions', 'column': 'currency', 'seed': 'currency_thresholds', 'field': 'currency_code', 'what': 'the cash-reporting threshold of a currency'},
    {'entity': 'transactions', 'model': 'stg_transactions', 'column': 'currency', 'seed': 'currency_rates', 'field': 'currency_code', 'what': 'the rate the fraud rules convert a currency with'},
] %}

with

{% for check in checks %}
gap_{{ loop.index }} as (
    select
        '{{ check.entity }}' as entity,
        '{{ check.column }}' as source_column,
        cast(child.{{ check.column }} as varchar) as delivered_value,
        '{{ check.seed }}' as seed_name,
        '{{ check.what }}' as expected,
        count(*) as silver_rows
    from {{ ref(check.model) }} as child
    left join {{ ref(check.seed) }} as parent
        on child.{{ check.column }} = parent.{{ check.field }}
    where child.{{ check.column }} is not null
        and parent.{{ check.field }} is null
    group by child.{{ check.column }}
),

{% endfor %}
unioned as (
    {%- for check in checks %}
    select * from gap_{{ loop.index }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

explained as (
    select
        entity,
        source_column,
        delivered_value,
        seed_name,
        silver_rows,
        silver_rows > {{ var('reference_gap_error_rows') }} as is_over_error_threshold,
        entity || '.' || source_column || ' value ''' || delivered_value || ''' ('
        || cast(silver_rows as varchar) || ' rows) is not in seeds/' || seed_name
        || '.csv; the rows are kept. If it is ' || expected || ', add a row for it to seeds/'
        || seed_name || '.csv and rebuild.' as message
    from unioned
),

final as ({{ finlake.declared_select('explained') }})

select * from final
