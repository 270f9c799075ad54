{#- The de-duplication contract's warehouse side (landing/rules.py `landing_key`): per key, the row of the latest
    extraction. Every staging model ends with it, naming its key. -#}

{% macro latest_per_key(relation, key) -%}
deduplicated as (
    select *
    from {{ relation }}
    qualify row_number() over (
        partition by {{ key }}
        order by extracted_at desc
    ) = 1
),

final as (
    select * from deduplicated
)

select * from final
{%- endmacro %}
