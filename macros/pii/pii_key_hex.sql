{#-
    The tokenisation key, as hex, from the FINLAKE_PII_KEY environment variable (e.g. the
    output of `openssl rand -hex 32`, kept in a secret store; never committed).

    DEVELOPMENT ONLY: on the targets listed in var('pii_dev_key_targets') (dev, trino) a
    missing key falls back to the hex of "finlake-development-key-NOT-SECRET", so the demo
    runs without setup. Tokens made with it protect nothing. Any other target (prod) stops
    with an error when the variable is unset.
-#}
{% macro pii_key_hex() %}
    {%- set dev_key = '66696e6c616b652d646576656c6f706d656e742d6b65792d4e4f542d534543524554' -%}
    {%- set key = env_var('FINLAKE_PII_KEY', '') | trim | lower -%}
    {%- if key == '' -%}
        {%- if target.name in var('pii_dev_key_targets', ['dev', 'trino']) -%}
            {{ return(dev_key) }}
        {%- endif -%}
        {{ exceptions.raise_compiler_error(
            "FINLAKE_PII_KEY is not set for target '" ~ target.name ~ "'; set it to a hex key from your secret store (e.g. openssl rand -hex 32).") }}
    {%- endif -%}
    {%- set ns = namespace(ok=(key | length) % 2 == 0 and (key | length) >= 32 and (key | length) <= 128) -%}
    {%- for ch in key -%}
        {%- if ch not in '0123456789abcdef' -%}{%- set ns.ok = false -%}{%- endif -%}
    {%- endfor -%}
    {%- if not ns.ok -%}
        {{ exceptions.raise_compiler_error(
            "FINLAKE_PII_KEY must be 32 to 128 hex characters (16 to 64 bytes); generate one with: openssl rand -hex 32") }}
    {%- endif -%}
    {{ return(key) }}
{% endmacro %}
