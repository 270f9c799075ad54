-- Client traffic per site and day, from the daily trend (MB).
-- Grain: one row per (site_id, day); the latest extraction wins.
with source as (
    select * from {{ source('history_net_flow_detail') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast(timezone('UTC', api_time(date)) as date) as day,
        cast("totalRxBytes" as double) as total_rx_mb,
        cast("totalTxBytes" as double) as total_tx_mb,
        cast("avgRxBytes" as double) as avg_rx_mb,
        cast("avgTxBytes" as double) as avg_tx_mb,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, day') }}
