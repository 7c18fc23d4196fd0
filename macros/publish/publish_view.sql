{#-
    The published view over one slot table (macros/publish/publication.sql), and the
    publication record. One statement each: Trino and Athena run one per call.
-#}
{% macro publish_view(view, table) -%}
    {%- do run_query(finlake.create_publication_view(view, 'select * from ' ~ table)) -%}
{%- endmacro %}

{% macro create_publication_view(view, sql) -%}
    {{ return(adapter.dispatch('create_publication_view', 'finlake')(view, sql)) }}
{%- endmacro %}

{#- Athena (and DuckDB): a Presto view in the Glue catalog. Athena runs views with the caller's rights, so a
    consumer needs read access to the slot databases as well (terraform access_roles). -#}
{% macro default__create_publication_view(view, sql) -%}
    create or replace view {{ view }} as {{ sql }}
{%- endmacro %}

{#- Trino: SECURITY INVOKER, so that a consumer needs the same grants as on Athena, where
    views always run with the caller's rights (Trino's default is the owner's). -#}
{% macro trino__create_publication_view(view, sql) -%}
    create or replace view {{ view }} security invoker as {{ sql }}
{%- endmacro %}
