{#-
    The body of every int_<entity>__checked model, as CTEs ending in `final`: the typed rows of
    stg_bronze__<entity> (every column of the 1:1 view), the copy number of identical records
    (copy_number), the reason codes (the contract's problems, then the entity's own `rules`,
    then the reference problem of each parent link) and the row's _disposition, the latest
    valid row of a key winning by `winner_order`. The model names only what is its own:

      rules    SQL expressions giving a reason code or null, over the CTE `typed`
      parents  one dict per foreign key: {'entity': parent entity, 'column': the child's
               column, 'key': the parent's key (default: the column), 'required': false for an
               optional link}. A required link's missing or quarantined parent quarantines the
               row (orphan_key / parent_quarantined, see reference_problem); an optional one
               only flags it: is_<column without _id>_link_quarantined.
      reductions  the columns a 1:1 view with personal data adds beside the contract's
               (stg_bronze__customers: masks, generalisations, the personal values' problems)
-#}
{% macro checked_rows(entity, winner_order, rules=[], parents=[], reductions=[]) -%}
    {%- set key = finlake.entity_key(entity) -%}
    {%- set problems = ['typed._contract_problems'] + rules -%}
    {%- for parent in parents -%}
        {%- do problems.append(finlake.reference_problem(
            'typed.' ~ parent.column, parent.entity, parent.get('key', parent.column), parent.get('required', true))) -%}
    {%- endfor -%}
staged as (
    select * from {{ ref('stg_bronze__' ~ entity) }}
),

typed as (
    select
        {{ finlake.typed_bronze_columns(entity) }},
        {%- for column in reductions %}
        {{ column }},
        {%- endfor %}
        {{ finlake.copy_number(entity) }} as _copy_number
    from staged
),
{% for parent in parents %}
{{ parent.entity }} as (
    {{ finlake.parent_keys(parent.entity, parent.get('key', parent.column)) }}
),
{% endfor %}
checked as (
    select
        typed.*,
        {{ finlake.reason_codes(problems) }} as _reason_codes
        {%- for parent in parents if not parent.get('required', true) %},
        {{ finlake.link_quarantined('typed.' ~ parent.column, parent.entity, parent.get('key', parent.column)) }}
            as is_{{ parent.column | replace('_id', '') }}_link_quarantined
        {%- endfor %}
    from typed
    {%- for parent in parents %}
    left join {{ parent.entity }}
        on typed.{{ parent.column }} = {{ parent.entity }}.{{ parent.get('key', parent.column) }}
    {%- endfor %}
),

final as (
    select
        *,
        {{ finlake.disposition(key, winner_order) }} as _disposition
    from checked
)
{%- endmacro %}

{#- The business key of a landing entity (the contract's; a composite key joined with '|'). -#}
{% macro entity_key(entity) -%}
    {{ return(finlake.landing_contract()[entity].key | join(" || '|' || ")) }}
{%- endmacro %}

{#- The rule that a date or time of a record is not after its extract: future_date:<column>. A
    timestamp may fall anywhere on the extract's day (the extract date is a day, not an instant). -#}
{% macro future_date(entity, column) -%}
    {%- if finlake.contract_column(entity, column).base_type == 'timestamp' -%}
        case when typed.{{ column }} >= {{ dbt.dateadd('day', 1, 'typed.extract_date') }} then 'future_date:{{ column }}' end
    {%- else -%}
        case when typed.{{ column }} > typed.extract_date then 'future_date:{{ column }}' end
    {%- endif -%}
{%- endmacro %}
