{#-
    Why a raw value breaks its contract column, as a reason code `<code>:<column>`, or null.
    Codes (described in seeds/dq_reason_codes.csv): missing_required, invalid_date,
    invalid_timestamp, invalid_amount, invalid_integer, invalid_enum, out_of_range.
-#}
{% macro value_problem(col, expr=none) -%}
    {%- set raw = expr if expr is not none else adapter.quote(col.name) -%}
    {%- set text = finlake.clean_text(raw) -%}
    {%- set parsed = finlake.parse_value(col, raw) -%}
    {%- set invalid_types = ['date', 'timestamp', 'decimal', 'integer', 'enum'] -%}
    {%- if not col.required and col.base_type not in invalid_types and not col.range -%}
        {{ return('cast(null as varchar)') }}
    {%- endif -%}
    {%- set invalid = {'date': 'invalid_date', 'timestamp': 'invalid_timestamp', 'decimal': 'invalid_amount',
                       'integer': 'invalid_integer', 'enum': 'invalid_enum'} -%}
    case
        {%- if col.required %}
        when {{ text }} is null then 'missing_required:{{ col.name }}'
        {%- endif %}
        {%- if col.base_type == 'enum' %}
        when {{ text }} is not null and {{ parsed }} not in ({% for v in col['values'] %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %})
            then 'invalid_enum:{{ col.name }}'
        {%- elif col.base_type in invalid %}
        when {{ text }} is not null and ({{ parsed }}) is null then '{{ invalid[col.base_type] }}:{{ col.name }}'
        {%- endif %}
        {%- if col.range %}
        when ({{ parsed }}) not between {{ col.range[0] }} and {{ col.range[1] }} then 'out_of_range:{{ col.name }}'
        {%- endif %}
    end
{%- endmacro %}
