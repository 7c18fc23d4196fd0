{#- Gaps and islands over events in time: the rows of `events` (a CTE of int_transactions_enriched
    rows, with epoch_seconds and transaction_id), each with burst_number, the number of its
    burst within `partition_by`: a burst is a run of events each at most `max_gap_seconds` after
    the previous one (ordered by time, then transaction_id, so ties are deterministic). The
    fraud rules and the structuring episodes group on (partition, number). Two steps, as window
    functions do not nest: flag each event that starts a burst, then number by a running sum. -#}
{% macro numbered_bursts(events, partition_by, max_gap_seconds) -%}
    select
        *,
        sum(starts_burst) over (
            partition by {{ partition_by }}
            order by epoch_seconds, transaction_id rows between unbounded preceding and current row
        ) as burst_number
    from (
        select
            *,
            case
                when epoch_seconds
                    - lag(epoch_seconds) over (partition by {{ partition_by }} order by epoch_seconds, transaction_id)
                    <= {{ max_gap_seconds }} then 0
                else 1
            end as starts_burst
        from {{ events }}
    ) as gaps
{%- endmacro %}
