{#- The landing-contract column specs of an entity (see landing_contract()). -#}
{% macro contract_columns(entity) -%}
    {{ return(finlake.landing_contract()[entity]['columns']) }}
{%- endmacro %}

{#- One contract column spec by name. -#}
{% macro contract_column(entity, name) -%}
    {%- for col in finlake.landing_contract()[entity]['columns'] if col.name == name -%}
        {{ return(col) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("The landing contract has no column " ~ entity ~ "." ~ name ~ ".") }}
{%- endmacro %}
