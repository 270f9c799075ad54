-- Client traffic per site and partition day (MB assumed, like the other stamonitor traffic).
-- Grain: one row per (site_id, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('history_net_flow_bytes') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast("totalRxBytes" as double) as total_rx_mb,
        cast("totalTxBytes" as double) as total_tx_mb,
        cast("avgRxBytes" as double) as avg_rx_mb,
        cast("avgTxBytes" as double) as avg_tx_mb,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, partition_date') }}
