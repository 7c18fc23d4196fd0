{#-
    Incremental gold by affected dates (models/README.md, Incremental gold). A gold model whose
    rows belong to one customer and one transaction date (ctr_candidates: a customer's cash of
    a day; customer_daily_activity) is recomputed, since the last build, for:

    - every customer on the dates of the silver transactions loaded since (stg_transactions.
      _loaded_at after the watermark: new days, a late file of an old date, a correction, a
      late copy that becomes the first delivery: each winner that lands comes from a batch
      loaded after it);
    - the customers concerned by an account whose context changed (int_account_context against
      the state int_gold_watermark kept at the last build: an account new to gold, whose
      transactions were orphans until now, or whose customer, customer's country or time zone
      changed), on that account's dates only: the account's customer now and the one gold
      last used for it. A customer who moves country changes their own days, not the other
      customers' of those days (on the medium preset, one day's four such accounts named 415 of
      731 dates, and recomputing those dates whole cost more than the full build).

    gold_affected_dates returns that scope: {'dates': [...], 'context_dates': [...],
    'customers': [...], 'accounts': [...]} (the accounts those customers hold now), or none
    for everything.

    The watermark is int_gold_watermark, built after every incremental gold model
    (it depends on them), so a build that fails before it leaves the old watermark and the next
    build recomputes the same scope again (recomputing is idempotent). No watermark yet (a
    first incremental run, or a lake built before this change): none, everything.

    Limit: a correction that changes a transaction's date recomputes its new date only; the old
    date keeps the superseded version until a full refresh (models/README.md).

    The queries are run when the model runs and their result is written into the SQL as
    literals, so the scans prune: the transactions by `_loaded_at` (Iceberg file statistics on
    Trino and Athena, row-group zone maps on DuckDB), the model's own read by the dates. Each
    carries the marker `finlake: scope`, so bench/build_reads.py counts its reads apart from
    the recomputation's (scope_rows): they are narrow (a date or a key column) but, for the
    accounts whose context changed, not pruned.
-#}
{% macro gold_affected_dates() -%}
    {%- if not execute or this is none or not is_incremental() -%}{{ return(none) }}{%- endif -%}
    {%- set transactions = finlake.model_relation('stg_transactions') -%}
    {%- set context = finlake.model_relation('int_account_context') -%}
    {%- set state = adapter.get_relation(database=this.database, schema=this.schema, identifier='int_gold_watermark') -%}
    {%- if state is none -%}{{ return(none) }}{%- endif -%}
    {%- set watermark = finlake.gold_watermark(state) -%}
    {%- if watermark is none -%}{{ return(none) }}{%- endif -%}
    {%- set query -%}
        /* finlake: scope */
        select distinct cast(transaction_date as varchar) as transaction_date
        from {{ transactions }}
        where {{ watermark }}
        order by 1
    {%- endset -%}
    {%- set scope = {'dates': finlake.first_column(run_query(query)), 'context_dates': [], 'customers': [], 'accounts': []} -%}
    {%- set changed = finlake.changed_contexts(state, context) -%}
    {%- if changed.accounts -%}
        {%- set query -%}
            /* finlake: scope */
            select distinct cast(transaction_date as varchar) as transaction_date
            from {{ transactions }}
            where account_id in ('{{ changed.accounts | join("', '") }}')
            order by 1
        {%- endset -%}
        {%- set context_dates = finlake.first_column(run_query(query)) -%}
        {%- set query -%}
            /* finlake: scope */
            select account_id
            from {{ context }}
            where customer_id in ('{{ changed.customers | join("', '") }}')
            order by 1
        {%- endset -%}
        {%- do scope.update({
            'context_dates': context_dates,
            'customers': changed.customers,
            'accounts': finlake.first_column(run_query(query)),
        }) -%}
    {%- endif -%}
    {{ return(scope) }}
{%- endmacro %}

{#- The predicate on `_loaded_at` of the stg_transactions rows loaded after the watermark table
    `state` (int_gold_watermark as the last build left it), as literals computed now; none
    when the watermark holds no load time (every row is new). -#}
{% macro gold_watermark(state) -%}
    {%- set query -%}
        /* finlake: scope */
        select
            cast(max(transactions_loaded_through) as varchar) as loaded_through,
            typeof(max(transactions_loaded_through)) as loaded_through_type
        from {{ state }}
    {%- endset -%}
    {%- set found = run_query(query).rows -%}
    {%- if found | length == 0 or found[0][0] is none -%}{{ return(none) }}{%- endif -%}
    {{ return("_loaded_at > cast('" ~ found[0][0] ~ "' as " ~ found[0][1] ~ ")") }}
{%- endmacro %}

{#- The accounts whose context (`context`, int_account_context) is new or differs from the one
    the watermark table `state` kept, and the customers concerned: each such account's customer
    now and the one gold last used for it (an account that moved leaves its old customer's
    days to recompute too). Sorted lists of literals. -#}
{% macro changed_contexts(state, context) -%}
    {%- set query -%}
        /* finlake: scope */
        select
            context.account_id,
            context.customer_id,
            state.customer_id as kept_customer_id
        from {{ context }} as context
        left join {{ state }} as state
            on context.account_id = state.account_id
        where {{ finlake.context_changed('context', 'state') }}
        order by 1
    {%- endset -%}
    {%- set accounts = [] -%}
    {%- set customers = [] -%}
    {%- for row in run_query(query).rows -%}
        {%- do accounts.append(row[0]) -%}
        {%- for customer in [row[1], row[2]] -%}
            {%- if customer is not none and customer not in customers -%}{%- do customers.append(customer) -%}{%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return({'accounts': accounts, 'customers': customers | sort}) }}
{%- endmacro %}

{#- The stg_transactions rows whose gold rows must be recomputed against the watermark table
    `state` (int_gold_watermark as the last build left it): loaded after it, or of an account
    whose context (`context`, int_account_context) is new or changed. Literals, computed now. -#}
{% macro changed_transactions_predicate(state, context) -%}
    {%- if not execute -%}{{ return('1 = 0') }}{%- endif -%}
    {%- set watermark = finlake.gold_watermark(state) -%}
    {%- set conditions = [watermark if watermark is not none else '1 = 1'] -%}
    {%- set changed = finlake.changed_contexts(state, context) -%}
    {%- if changed.accounts -%}
        {%- do conditions.append("account_id in ('" ~ changed.accounts | join("', '") ~ "')") -%}
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

{#- The rows of the affected scope (gold_affected_dates): the affected dates whole, and the
    days of accounts whose context changed for the customers concerned only; true when
    everything is affected (none). Written as one literal list on the date column (every date
    of the scope), and the rest of the condition beside it, so the date list alone prunes the
    scan to those dates' partitions on every engine. On the model's input (`column`
    'account_id') the customers are named by their accounts now, a column of stg_transactions
    itself, so the transactions are filtered as they are read, not after the join that gives
    their customer; on the model's own rows (the delete, `column` 'customer_id') by the
    customers. -#}
{% macro affected_scope_predicate(date_column, column, scope) -%}
    {%- if scope is none -%}
        1 = 1
    {%- else -%}
        {%- set values = scope.accounts if column == 'account_id' else scope.customers -%}
        {%- set context_dates = scope.context_dates if values else [] -%}
        {%- set every_date = (scope.dates + context_dates) | unique | sort -%}
        {%- if not context_dates -%}
            {{ finlake.affected_dates_predicate(date_column, every_date) }}
        {%- else -%}
            {%- set customers = column ~ " in ('" ~ values | join("', '") ~ "')" -%}
            {{ finlake.affected_dates_predicate(date_column, every_date) }} and (
                {%- if scope.dates -%}
                    {{ finlake.affected_dates_predicate(date_column, scope.dates) }} or {{ customers }}
                {%- else -%}
                    {{ customers }}
                {%- endif -%})
        {%- endif -%}
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
{% macro incremental_by_affected_dates(date_column, unique_key, customer_column='customer_id') -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key=unique_key,
        on_schema_change='fail',
        pre_hook="{{ finlake.delete_affected_dates('" ~ date_column ~ "', '" ~ customer_column ~ "') }}",
    ) }}
{%- endmacro %}

{#- The pre-hook of incremental_by_affected_dates: delete the affected scope's rows (nothing on
    a first build or a full refresh, nor when nothing is affected). -#}
{% macro delete_affected_dates(date_column, customer_column) -%}
    {%- if is_incremental() -%}
        {%- set scope = finlake.gold_affected_dates() -%}
        {%- set predicate = finlake.affected_scope_predicate(date_column, customer_column, scope) -%}
        {%- if predicate | trim != '1 = 0' -%}
            delete from {{ this }} where {{ predicate }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
