{#- The ranges' one rule (catalog/ranges.py): a range is named by its kind and first day; a calendar month asked
    before its end is asked again by every later day of it, so the latest range_end asked of it is the one kept,
    and it is partial until that is the month's last day. -#}

{% macro latest_range(relation, key) -%}
select *
from {{ relation }}
qualify range_end = max(range_end) over (partition by {{ key }})
{%- endmacro %}

{% macro range_columns() -%}
site_id,
        range_kind,
        range_start,
        range_end,
        datediff('day', range_start, range_end) + 1 as days,
        range_kind = 'month' and range_end < last_day(range_start) as is_partial
{%- endmacro %}
