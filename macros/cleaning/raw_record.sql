{#- The row's delivered values as a JSON object text, for the quarantine. Personal data (columns
    the contract marks pii) appears only as its token, `token:<hmac>` (bronze's `<column>_token`,
    made by the ingestion job from the normalised value, so it matches silver's tokens), so the
    quarantine can be searched without exposing it; the readable value stays in bronze, the
    restricted zone. -#}
{% macro raw_record(columns) -%}
    {%- set pairs = [] -%}
    {%- for col in columns -%}
        {%- if col.pii -%}
            {%- do pairs.append((col.name, "'token:' || " ~ adapter.quote(col.name ~ '_token'))) -%}
        {%- else -%}
            {%- do pairs.append((col.name, adapter.quote(col.name))) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ finlake.json_object(pairs) }}
{%- endmacro %}
