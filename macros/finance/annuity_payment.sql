{#- The monthly annuity instalment P r / (1 - (1 + r)^-n), r = annual rate in percent / 1200.
    Computed in double on every engine: Trino and Athena divide decimals at the larger of the
    two scales (a rate of 5.5 / 1200.0 would become 0.0046), DuckDB in double. -#}
{% macro annuity_payment(principal, annual_rate_percent, term_months) -%}
    case
        when {{ annual_rate_percent }} = 0 then cast({{ principal }} as double) / {{ term_months }}
        else cast({{ principal }} as double) * (cast({{ annual_rate_percent }} as double) / 1200)
            / (1 - power(1 + cast({{ annual_rate_percent }} as double) / 1200, -{{ term_months }}))
    end
{%- endmacro %}
