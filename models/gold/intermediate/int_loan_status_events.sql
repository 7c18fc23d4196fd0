{#- One row per change of a loan's status in the versions the bank delivered, dated by the event:
    the first version that shows the new status. The bank's spelling is mapped through the
    loan_status_vocabulary seed to a class (performing, delinquent, default, repaid); a default
    onset is a default status after a status of another class (or the first one seen). A status the loan
    already had when it was first seen in the first full snapshot, stamped on or after that
    extract's date, is dated only by the snapshot: date_basis says which. -#}

with

versions as (
    select
        loan_id,
        customer_id,
        status,
        updated_at,
        extract_date,
        _source_file,
        _line_number
    from {{ ref('int_loans__checked') }}
    where _disposition in ('loaded', 'superseded')
),

vocabulary as (select * from {{ ref('loan_status_vocabulary') }}),

first_extract as (
    select min(extract_date) as first_extract_date from versions
),

classified as (
    select
        versions.loan_id,
        versions.customer_id,
        versions.status,
        versions.updated_at,
        versions.extract_date,
        coalesce(vocabulary.status_class, 'unmapped') as status_class,
        coalesce(vocabulary.is_default, false) as is_default,
        coalesce(vocabulary.is_repaid, false) as is_repaid,
        coalesce(vocabulary.is_closed, false) as is_closed,
        lag(lower(versions.status)) over (
            partition by versions.loan_id
            order by versions.updated_at, versions.extract_date, versions._source_file, versions._line_number
        ) as previous_status,
        lag(coalesce(vocabulary.status_class, 'unmapped')) over (
            partition by versions.loan_id
            order by versions.updated_at, versions.extract_date, versions._source_file, versions._line_number
        ) as previous_status_class,
        first_extract.first_extract_date
    from versions
    cross join first_extract
    left join vocabulary
        on lower(versions.status) = vocabulary.status
),

final as (
    select
        loan_id,
        customer_id,
        status,
        status_class,
        is_default,
        is_repaid,
        is_closed,
        is_default and (previous_status_class is null or previous_status_class <> 'default') as is_default_onset,
        previous_status_class,
        updated_at,
        cast(updated_at as date) as event_date,
        extract_date,
        case
            when previous_status_class is not null then 'status_change'
            when extract_date = first_extract_date and cast(updated_at as date) >= extract_date
                then 'snapshot_date'
            else 'status_updated_at'
        end as date_basis
    from classified
    where previous_status is null
        or previous_status <> lower(status)
)

select * from final
