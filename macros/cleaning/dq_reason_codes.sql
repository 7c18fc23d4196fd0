{#- The data-quality reason codes, in the order of seeds/dq_reason_codes.csv (the test
    assert_reason_codes_match_seed keeps the two equal). Used to pivot quarantine counts. -#}
{% macro dq_reason_codes() %}
    {{ return(['missing_required', 'invalid_date', 'invalid_timestamp', 'invalid_amount', 'invalid_integer',
               'invalid_enum', 'invalid_code', 'out_of_range', 'future_date', 'orphan_key', 'parent_quarantined']) }}
{% endmacro %}
