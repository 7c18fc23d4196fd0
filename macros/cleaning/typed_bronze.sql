{#-
    The body of the 1:1 model over one bronze entity (models/silver/bronze/stg_bronze__<entity>):
    every contract column typed (parse_value), the tokens of its personal data as the ingestion
    job computed them (`<column>_token`; the key never reaches SQL), the contract problems of
    each row (value_problem), whether a decimal was recovered from a '$1,234.50'-style form, the
    raw record as JSON for the quarantine, and the load lineage. `relation` is the import CTE
    over the source.

    Only projections, no window or aggregate: a filter on `extract_date` in a model reading it
    reaches the bronze scan on every engine (the view is expanded into the reading query), so
    partitions are pruned. The copy number of identical records, a window over all of them, is
    the checked model's (copy_number).

    A personal (contract `pii`) column is typed here only with `personal_data=true`, for the
    model that reduces it to masks and generalisations itself; otherwise only its token leaves,
    so no silver relation shows a readable personal value.
-#}
{% macro typed_bronze(entity, relation, personal_data=false) -%}
    {%- set columns = finlake.contract_columns(entity) -%}
    {%- set amounts = columns | selectattr('base_type', 'equalto', 'decimal') | list -%}
    select
        {%- for col in columns if personal_data or not col.pii %}
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
        extract_date,
        _source_file,
        _line_number,
        _batch_id,
        _loaded_at
    from {{ relation }}
{%- endmacro %}

{#-
    Which copy of identical delivered values a row is (1 = the first delivered): rows are
    compared column by column, nulls equal, so there is no hash to collide. A personal column is
    compared by its token (the HMAC of its normalised value), as silver holds no readable one.
-#}
{% macro copy_number(entity) -%}
    {%- set columns = finlake.contract_columns(entity) -%}
    row_number() over (
            partition by
            {%- for col in columns %}
            {{ adapter.quote(col.name ~ '_token') if col.pii else adapter.quote(col.name) }}{% if not loop.last %},{% endif %}
            {%- endfor %}
            order by {{ finlake.first_delivery_first() }}
        )
{%- endmacro %}

{#- The columns of a 1:1 model built by typed_bronze (without personal data), in its order: what
    the checked model selects from it by name. -#}
{% macro typed_bronze_columns(entity) -%}
    {%- set columns = finlake.contract_columns(entity) -%}
    {%- set names = [] -%}
    {%- for col in columns if not col.pii -%}{%- do names.append(col.name) -%}{%- endfor -%}
    {%- for col in columns if col.pii -%}{%- do names.append(col.name ~ '_token') -%}{%- endfor -%}
    {%- do names.extend(['has_corrected_amount', '_contract_problems', '_raw_record', 'extract_date',
                         '_source_file', '_line_number', '_batch_id', '_loaded_at']) -%}
    {%- for name in names %}
        {{ adapter.quote(name) if name.endswith('_token') else name }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- The whole 1:1 view over a bronze entity without personal data to reduce
    (models/silver/bronze/stg_bronze__<entity>.sql): its source, typed by typed_bronze. -#}
{% macro typed_bronze_model(entity) -%}
with

delivered as (select * from {{ source('bronze', entity) }}),

final as (
    {{ finlake.typed_bronze(entity, 'delivered') }}
)

select * from final
{%- endmacro %}
