-- Peak (maximum) daily figures, per site and range of days (last_7, last_30, month:
-- catalog/ranges.py), as the API answered the range; its rows land in the partition of range_end.
-- Grain: one row per (site_id, range_kind, range_start, range_end, partition_date);
-- the latest extraction wins.
with source as (
    select * from {{ source('history_peak_number_by_range') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast(range_kind as varchar) as range_kind,
        cast(range_start as date) as range_start,
        cast(range_end as date) as range_end,
        cast("clientCount" as bigint) as peak_clients,
        cast("newCount" as bigint) as peak_new_guests,
        cast("oldCount" as bigint) as peak_regular_guests,
        cast("avgTime" as double) as peak_avg_dwell_s,
        cast("totalRxBytes" as double) as peak_total_rx_mb,
        cast("totalTxBytes" as double) as peak_total_tx_mb,
        cast("avgRxBytes" as double) as peak_avg_rx_mb,
        cast("avgTxBytes" as double) as peak_avg_tx_mb,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, range_kind, range_start, range_end, partition_date') }}
