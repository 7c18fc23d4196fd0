{#-
    The body of a select over one bronze entity: every contract column typed (parse_value),
    the tokens of its personal data as the ingestion job computed them (`<column>_token`; the
    key never reaches SQL), the contract problems of each row (value_problem), whether a decimal was recovered from a
    '$1,234.50'-style form, the raw record as JSON for the quarantine, which copy of identical
    raw values the row is (_copy_number; 1 = the first delivered; rows are compared column by
    column, nulls equal, so there is no hash to collide), and the load lineage.
-#}
{% macro typed_bronze(entity) -%}
    {%- set columns = finlake.contract_columns(entity) -%}
    {%- set amounts = columns | selectattr('base_type', 'equalto', 'decimal') | list -%}
    select
        {%- for col in columns %}
        {{ finlake.parse_value(col) }} as {{ col.name }},
        {%- endfor %}
        {%- for col in columns if col.pii %}
        {{ adapter.quote(col.name ~ '_token') }},
        {%- endfor %}
        {% if amounts -%}
        (
            {%- for col in amounts %}
            {{ finlake.amount_corrected(col) }}{% if not loop.last %} or{% endif %}
            {%- endfor %}
        ) as has_corrected_amount,
        {%- else -%}
        false as has_corrected_amount,
        {%- endif %}
        {{ finlake.contract_problems(columns) }} as _contract_problems,
        {{ finlake.raw_record(columns) }} as _raw_record,
        row_number() over (
            partition by {% for col in columns %}{{ adapter.quote(col.name) }}{% if not loop.last %}, {% endif %}{% endfor %}
            order by {{ finlake.first_delivery_first() }}
        ) as _copy_number,
        extract_date,
        _source_file,
        _line_number,
        _batch_id,
        _loaded_at
    from {{ source('bronze', entity) }}
{%- endmacro %}
