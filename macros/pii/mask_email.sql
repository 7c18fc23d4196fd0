{#- Display form of an e-mail: first character, ***, domain (j***@example.com). Silver only. -#}
{% macro mask_email(expr) -%}
    case
        when {{ expr }} is not null
            then substr({{ expr }}, 1, 1) || '***' || substr({{ expr }}, strpos({{ expr }}, '@'))
    end
{%- endmacro %}
