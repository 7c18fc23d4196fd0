{#- Whether the data of an event source reaches the day before each observation date (or the
    reporting date, if earlier), read from int_features__data_reach: the caller's `reach` CTE
    (one row; `source` names its column <source>_reach_date) and `population` CTE
    (observation_date). A feature past the reach of its data is null, not 0. -#}
{% macro data_reached(source) -%}
    least(
            {{ finlake.add_days('population.observation_date', -1) }}, reach.reporting_date
        ) <= reach.{{ source }}_reach_date
{%- endmacro %}
