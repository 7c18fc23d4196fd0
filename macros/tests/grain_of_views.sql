{#- In a singular test that proves the grain of views on the table that unions or joins them
    (docs/governance.md): names the views as the test's grain (`meta: {grain: [...]}`, what
    finlake/lineage/governance.py reads) and as its dependencies, without reading them. A test
    on a view would compute the view again; the table holds the same keys. -#}
{% macro grain_of_views(views) -%}
    {{ config(meta={'grain': views}) }}
    {%- for view in views %}
-- depends_on: {{ ref(view) }}
    {%- endfor %}
{%- endmacro %}
