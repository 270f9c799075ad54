-- Portal authentications. Personal fields are never selected: the client is its keyed hash.
-- Grain: one row per (site_id, client_key, session_start); the latest extraction wins.
with source as (
    select * from {{ source('auth_history') }}
),

renamed as (
    select
        cast(shop_id as varchar) as site_id,
        timezone('UTC', epoch_ms(cast(access_start_time as bigint))) as session_start,
        cast(user_mac as varchar) as client_key,
        cast(user_type as integer) as user_type,
        try_cast(access_duration as bigint) as access_duration,
        cast(ap_mac as varchar) as ap_mac,
        cast(ap_group_id as varchar) as ap_group_id,
        cast(user_group as varchar) as user_group,
        cast(vendor as varchar) as vendor,
        cast(terminal_model as varchar) as terminal_model,
        try_cast(upstream as double) as upstream,
        try_cast(downstream as double) as downstream,
        try_cast(access_duration_sum as bigint) as access_duration_sum,
        try_cast(login_freq_sum as bigint) as login_freq_sum,
        try_cast(upstream_sum as double) as upstream_sum,
        try_cast(downstream_sum as double) as downstream_sum,
        try_cast(offline_type as integer) as offline_type,
        cast(access_ac_ip as varchar) as access_ac_ip,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, client_key, session_start') }}
