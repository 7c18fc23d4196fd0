{#-
    Incremental gold by affected dates (models/README.md, Incremental gold). A gold model whose
    rows belong to one transaction date (ctr_candidates: a customer's cash of a day;
    customer_daily_activity) is recomputed for the dates whose transactions changed since the
    last build, and only those:

    - the dates of the silver transactions loaded since (stg_transactions._loaded_at after the
      watermark: new days, a late file of an old date, a correction, a late copy that becomes
      the first delivery: each winner that lands comes from a batch loaded after it);
    - every date of an account whose context changed (int_account_context against the state
      int_gold_watermark kept at the last build: an account new to gold, whose transactions
      were orphans until now, or whose customer, customer's country or time zone changed).

    The watermark is int_gold_watermark, built after every incremental gold model
    (it depends on them), so a build that fails before it leaves the old watermark and the next
    build recomputes those dates again (recomputing a date is idempotent). No watermark yet (a
    first incremental run, or a lake built before this change): none, every date.

    Limit: a correction that changes a transaction's date recomputes its new date only; the old
    date keeps the superseded version until a full refresh (models/README.md).

    Both queries are run when the model runs and their result is written into the SQL as
    literals, so the scans prune: the transactions by `_loaded_at` (Iceberg file statistics on
    Trino and Athena, row-group zone maps on DuckDB), the model's own read by the dates.
-#}
{% macro gold_affected_dates() -%}
    {%- if not execute or this is none or not is_incremental() -%}{{ return(none) }}{%- endif -%}
    {%- set transactions = finlake.model_relation('stg_transactions') -%}
    {%- set context = finlake.model_relation('int_account_context') -%}
    {%- set state = adapter.get_relation(database=this.database, schema=this.schema, identifier='int_gold_watermark') -%}
    {%- if state is none -%}{{ return(none) }}{%- endif -%}
    {%- set query -%}
        select distinct cast(transaction_date as varchar) as transaction_date
        from {{ transactions }}
        where {{ finlake.changed_transactions_predicate(state, context) }}
        order by 1
    {%- endset -%}
    {{ return(finlake.first_column(run_query(query))) }}
{%- endmacro %}

{#- The stg_transactions rows whose gold rows must be recomputed against the watermark table
    `state` (int_gold_watermark as the last build left it): loaded after it, or of an account
    whose context (`context`, int_account_context) is new or changed. Literals, computed now. -#}
{% macro changed_transactions_predicate(state, context) -%}
    {%- if not execute -%}{{ return('1 = 0') }}{%- endif -%}
    {%- set query -%}
        select
            cast(max(transactions_loaded_through) as varchar) as loaded_through,
            typeof(max(transactions_loaded_through)) as loaded_through_type
        from {{ state }}
    {%- endset -%}
    {%- set found = run_query(query).rows -%}
    {%- set watermark = found[0] if found | length > 0 else [none, none] -%}
    {%- set query -%}
        select context.account_id
        from {{ context }} as context
        left join {{ state }} as state
            on context.account_id = state.account_id
        where {{ finlake.context_changed('context', 'state') }}
        order by 1
    {%- endset -%}
    {%- set changed = finlake.first_column(run_query(query)) -%}
    {%- set conditions = [] -%}
    {%- if watermark[0] is none -%}
        {%- do conditions.append('1 = 1') -%}
    {%- else -%}
        {%- do conditions.append("_loaded_at > cast('" ~ watermark[0] ~ "' as " ~ watermark[1] ~ ")") -%}
    {%- endif -%}
    {%- if changed -%}
        {%- do conditions.append("account_id in ('" ~ changed | join("', '") ~ "')") -%}
    {%- endif -%}
    {{ return('(' ~ conditions | join(' or ') ~ ')') }}
{%- endmacro %}

{#- The first column of a query's rows, as a list (none of a result without rows). -#}
{% macro first_column(result) -%}
    {%- set values = [] -%}
    {%- for row in result.rows -%}
        {%- do values.append(row[0]) -%}
    {%- endfor -%}
    {{ return(values) }}
{%- endmacro %}

{#- An account whose context row (`now`) is new or differs from the one the watermark kept
    (`kept`, left joined on account_id). -#}
{% macro context_changed(now, kept) -%}
    {{ kept }}.account_id is null
        or {{ now }}.customer_id <> {{ kept }}.customer_id
        or coalesce({{ now }}.customer_country, '') <> coalesce({{ kept }}.customer_country, '')
        or {{ now }}.utc_offset_hours <> {{ kept }}.utc_offset_hours
{%- endmacro %}

{#- The relation of a model of this project, from the graph rather than ref(): the models
    incremental by affected dates read stg_transactions and int_account_context only when
    incremental (both are upstream of them through int_transactions_enriched), and a ref()
    would make every unit test of theirs give both as inputs. -#}
{% macro model_relation(name) -%}
    {%- set node = graph.nodes['model.' ~ project_name ~ '.' ~ name] -%}
    {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias, type='table')) }}
{%- endmacro %}

{#- A predicate on a date column: in the affected dates (gold_affected_dates), true when every
    date is affected (none), false when none is ([]): the literal list prunes partitions. -#}
{% macro affected_dates_predicate(column, dates) -%}
    {%- if dates is none -%}
        1 = 1
    {%- elif dates | length == 0 -%}
        1 = 0
    {%- else -%}
        {{ column }} in (date '{{ dates | join("', date '") }}')
    {%- endif -%}
{%- endmacro %}

{#- The config of a gold model incremental by affected dates: each run deletes the rows of the
    affected dates (pre-hook), then merges them recomputed on the model's key `unique_key`.
    Deleted first because a row of an affected date may disappear (a reversed deposit takes a
    customer back under the threshold), which a merge alone would keep; after the delete the
    merge only inserts. Merge rather than append because the project's Athena check
    (tools/athena_check) requires merge for every Iceberg incremental; dbt-athena has no
    delete+insert, so the same statements run on DuckDB, Trino and Athena. If the merge fails
    after the delete, the watermark has not moved and the next build writes those dates again;
    on Trino and Athena the slot is not published. -#}
{% macro incremental_by_affected_dates(date_column, unique_key) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key=unique_key,
        on_schema_change='fail',
        pre_hook="{{ finlake.delete_affected_dates('" ~ date_column ~ "') }}",
    ) }}
{%- endmacro %}

{#- The pre-hook of incremental_by_affected_dates: delete the affected dates' rows (nothing on
    a first build or a full refresh). -#}
{% macro delete_affected_dates(date_column) -%}
    {%- if is_incremental() -%}
        {%- set dates = finlake.gold_affected_dates() -%}
        {%- if dates is none or dates | length > 0 -%}
            delete from {{ this }} where {{ finlake.affected_dates_predicate(date_column, dates) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
