{#- numerator / denominator in double precision, null when the denominator is 0 or null.

    Dividing two decimals keeps a decimal scale on Trino and Athena (0.0218 / 1 becomes 0.02
    for decimal(18, 2) inputs, and 5.5 / 1200.0 becomes 0.0046) while DuckDB gives a double:
    every ratio in the project divides through this macro so both engines agree. -#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0))
{%- endmacro %}
