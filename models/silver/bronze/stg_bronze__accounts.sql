{#- The bronze accounts, one row per delivered record, typed and checked against the contract (macros/cleaning/typed_bronze.sql). -#}

{{ finlake.typed_bronze_model('accounts') }}
