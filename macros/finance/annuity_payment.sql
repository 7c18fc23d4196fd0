{#- The monthly annuity instalment P r / (1 - (1 + r)^-n), r = annual rate in percent / 1200. -#}
{% macro annuity_payment(principal, annual_rate_percent, term_months) -%}
    case
        when {{ annual_rate_percent }} = 0 then {{ principal }} / {{ term_months }}
        else cast({{ principal }} as double) * ({{ annual_rate_percent }} / 1200.0)
            / (1 - power(1 + {{ annual_rate_percent }} / 1200.0, -{{ term_months }}))
    end
{%- endmacro %}
