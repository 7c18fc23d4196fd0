{#- The bronze loans, one row per delivered record, typed and checked against the contract (macros/cleaning/typed_bronze.sql). -#}

{{ finlake.typed_bronze_model('loans') }}
