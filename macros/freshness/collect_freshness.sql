{#- Source freshness on the business date (finlake/freshness.py sets the two variables): the
    newest extract date (the loaded_at_field of bronze, its partition column) among the
    partitions from FINLAKE_FRESHNESS_SINCE on, so Athena reads only those partitions, measured
    against the lake's business date FINLAKE_BUSINESS_DATE rather than the clock (a lake's data
    is as of its own dates). Without the variables (`dbt source freshness` run by hand) it is
    dbt's own check: the whole table against the current time. Overrides dbt's macro of the
    same name, for every adapter. -#}
{% macro collect_freshness(source, loaded_at_field, filter) %}
    {%- set business_date = env_var('FINLAKE_BUSINESS_DATE', '') -%}
    {%- set since = env_var('FINLAKE_FRESHNESS_SINCE', '') -%}
    {% call statement('collect_freshness', fetch_result=True, auto_begin=False) -%}
        select
            cast(max({{ loaded_at_field }}) as {{ finlake.type_timestamp_us() }}) as max_loaded_at,
            {% if business_date -%}
            cast(date '{{ business_date }}' as {{ finlake.type_timestamp_us() }})
            {%- else -%}
            {{ current_timestamp() }}
            {%- endif %} as snapshotted_at
        from {{ source }}
        where {% if since %}{{ loaded_at_field }} >= date '{{ since }}'{% else %}1 = 1{% endif %}
        {%- if filter %}
            and ({{ filter }})
        {%- endif %}
    {%- endcall %}
    {{ return(load_result('collect_freshness')) }}
{% endmacro %}
