-- Invariant 4, point-in-time correctness: no feature of loan_default_features reads a record
-- dated on or after its observation date, and no label is given before its window is complete.
-- Returns the offending rows.
select
    customer_id,
    observation_date,
    feature_data_max_date,
    is_label_complete,
    defaults_within_window
from {{ ref('loan_default_features') }}
where feature_data_max_date >= observation_date
    or (not is_label_complete and defaults_within_window is not null)
    or (is_label_complete and defaults_within_window is null)
    or default_date < observation_date
    or default_date >= label_window_end
