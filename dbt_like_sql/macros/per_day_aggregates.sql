{#- The columns of the per-day aggregates that are also asked over ranges of days (catalog/ranges.py), written once
    for the daily staging model and its `_by_range` twin, which adds the range's context columns. -#}

{% macro range_context_columns() -%}
cast(range_kind as varchar) as range_kind,
        cast(range_start as date) as range_start,
        cast(range_end as date) as range_end,
{%- endmacro %}

{% macro peak_number_columns() -%}
cast("clientCount" as bigint) as peak_clients,
        cast("newCount" as bigint) as peak_new_guests,
        cast("oldCount" as bigint) as peak_regular_guests,
        cast("avgTime" as double) as peak_avg_dwell_s,
        cast("totalRxBytes" as double) as peak_total_rx_mb,
        cast("totalTxBytes" as double) as peak_total_tx_mb,
        cast("avgRxBytes" as double) as peak_avg_rx_mb,
        cast("avgTxBytes" as double) as peak_avg_tx_mb,
{%- endmacro %}

{% macro report_summary_columns() -%}
cast(new as bigint) as new_guests,
        cast(old as bigint) as regular_guests,
        cast(total as bigint) as total_guests,
        cast(one as bigint) as one_visit,
        cast(two as bigint) as two_visits,
        cast(three as bigint) as three_visits,
        cast(four as bigint) as four_plus_visits,
        cast("avgTime" as double) as avg_dwell_s,
{%- endmacro %}

{#- A top/bottom ranking: `count_type` and `count_name` say what is ranked (clients bigint, traffic_mb double). -#}
{% macro top_bottom_columns(count_type, count_name) -%}
cast(rank_group as varchar) as rank_group,
        cast(rank as integer) as rank,
        cast(index as varchar) as rank_index,
        cast(count as {{ count_type }}) as {{ count_name }},
{%- endmacro %}
