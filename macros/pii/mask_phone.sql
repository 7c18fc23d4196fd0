{#- Display form of a phone number: only its last four digits (***-***-1234). Silver only. -#}
{% macro mask_phone(expr) -%}
    case
        when {{ expr }} is not null then '***-***-' || substr({{ expr }}, length({{ expr }}) - 3)
    end
{%- endmacro %}
