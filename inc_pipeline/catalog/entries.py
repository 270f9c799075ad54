"""All 40 endpoints of the INC Cloud open API manual, as data, in the manual's order.

Source: inc-cloud-api-manual.pt.txt (the only specification) and its English transcription endpoints.yaml.
Where the manual is silent, the assumption is made here once, in the entry's `notes`.
"""

from __future__ import annotations

from .model import Cadence, Endpoint, Pagination, RateLimit, Scope, Shape, Window

ONE_PER_SECOND = RateLimit(per_second=1)
HUNDRED_PER_DAY = RateLimit(per_day=100)
NONE_STATED = RateLimit()

STAMONITOR_NOTE = (
    "`shops` is 'required' and 'optional' in the same cell; we always send it, one site per call, because "
    "stamonitor aggregates the sites it is given and the marts need per-site numbers"
)
CURRENT_NOTE = "'current' endpoint still requires startTime/endTime: we send today 00:00 UTC up to now"

AUTH_PERSONAL_FIELDS = (
    "mobile_no", "user_name", "app_auth_id", "app_account", "open_id", "nickname", "headimgurl", "unionid",
    "tid", "app_id", "mobile_decode", "user_ip",
)  # fmt: skip

REPORT_FIELDS = (
    "_id", "scenarioid", "statTime", "clientCount", "avgTime", "newCount", "oldCount",
    "totalRxBytes", "totalTxBytes", "avgRxBytes", "avgTxBytes",
)  # fmt: skip


def stamonitor(
    id: str,
    domain: str,
    title: str,
    name: str,
    fields: tuple[str, ...],
    *,
    shape: Shape = Shape.OBJECT,
    cadence: Cadence = Cadence.WINDOW,
    key: tuple[str, ...] = ("site_id",),
    series_time_field: str | None = None,
    fixed_params: dict | None = None,
    notes: tuple[str, ...] = (),
    **extra,
) -> Endpoint:
    """A /stamonitor statistics endpoint: POST, user + shops + startTime/endTime, no stated rate limit."""
    current = (CURRENT_NOTE,) if cadence is Cadence.SNAPSHOT else ()
    return Endpoint(
        id=id,
        domain=domain,
        title=title,
        method="POST",
        path=f"/stamonitor/{name}",
        rate=NONE_STATED,
        scope=Scope.SITE,
        cadence=cadence,
        shape=shape,
        fields=fields,
        natural_key=key,
        window=Window("startTime", "endTime"),
        site_field=extra.pop("site_field", "shops"),
        needs_user=True,
        series_time_field=series_time_field,
        fixed_params=fixed_params or {},
        notes=(STAMONITOR_NOTE, *current, *notes),
        **extra,
    )


def report(id: str, title: str, name: str, fields: tuple[str, ...], **extra) -> Endpoint:
    """A paged report (active/local/limit/totalPage cursor); one site per call returns {info, totalPage}."""
    return stamonitor(
        id, "reports", title, name, fields,
        shape=Shape.LIST, key=("site_id", "statTime"), pagination=Pagination.CURSOR, page_size=100,
        records_path=("info",), series_time_field="statTime",
        notes=(
            "sortRoule/sortName/authType are left out: their wire tokens were translated away in the manual",
            "report rows cover whole periods: a week (month) is reported by the partition of its last day",
        ),
        **extra,
    )  # fmt: skip


DEVICE_ENDPOINTS = (
    Endpoint(
        id="user_shops", domain="sites", title="Get the user's manageable sites",
        method="GET", path="/user/shop", rate=HUNDRED_PER_DAY, scope=Scope.ACCOUNT, cadence=Cadence.SNAPSHOT,
        shape=Shape.LIST, natural_key=("shopId",), record_site_field="shopId",
        fields=("userName", "shopName", "shopId", "province", "city", "area", "address", "phone", "scenarioName",
                "columns"),
        notes=("read once a day and cached: the 100/day quota is shared by every run",
               "shopId arrives as int (INC Cloud) or string (older H3C clients): normalised to text"),
    ),
    Endpoint(
        id="shop_devices", domain="devices", title="Get the devices of sites",
        method="POST", path="/shop/device", rate=ONE_PER_SECOND, scope=Scope.SITE_BATCH, cadence=Cadence.SNAPSHOT,
        shape=Shape.LIST, natural_key=("devSN",), site_field="shopIds", batch_size=100, record_site_field="shopId",
        fields=("devSN", "devModel", "shopId", "devType", "aliasName"),
        notes=("shopIds batches of up to 100 ids, as public clients send",),
    ),
    Endpoint(
        id="device_operation_basic_info", domain="devices", title="Get basic device information",
        method="POST", path="/device/operation", rate=NONE_STATED, scope=Scope.DEVICE_BATCH,
        cadence=Cadence.SNAPSHOT, shape=Shape.LIST, natural_key=("devSN",), device_field="devSN", batch_size=100,
        fixed_params={"method": "getBasicDevInfo"},
        fields=("devSN", "devName", "devHardVersion", "devSoftVersion", "devMode", "devType", "devOnlineTime",
                "devLocation", "devAddress", "devMAC", "memoryTotalSize", "diskTotalSize", "devStatus"),
        notes=("devSN 'max 100 characters' read as at most 100 serial numbers per call",
               "memoryTotalSize/diskTotalSize may be 'N/A': landed as null"),
    ),
    Endpoint(
        id="device_ap_info", domain="wireless", title="Get AP information of a device",
        method="GET", path="/device/apinfo", rate=ONE_PER_SECOND, scope=Scope.DEVICE, cadence=Cadence.SNAPSHOT,
        shape=Shape.LIST, natural_key=("apSN",), device_field="devsn",
        fields=("apIp", "apSN", "apName", "apModel", "apSoftVersion", "apStatus", "apOnlineTime", "apMAC"),
        notes=("GET parameters travel in the query string (the manual does not say where)",),
    ),
    Endpoint(
        id="device_radio_info", domain="wireless", title="Get radio information of a device",
        method="GET", path="/device/radioinfo", rate=ONE_PER_SECOND, scope=Scope.DEVICE, cadence=Cadence.SNAPSHOT,
        shape=Shape.LIST, natural_key=("apSN", "radioId"), device_field="devsn",
        fields=("devSN", "apSN", "apName", "radioId", "radioMode", "radioChannel", "radioPower"),
        notes=("the manual's host is misspelled 'inccloudapi' here; the one base URL is used for every endpoint",),
    ),
    Endpoint(
        id="device_ssid_info", domain="wireless", title="Get SSID information of a device",
        method="GET", path="/device/ssidinfo", rate=ONE_PER_SECOND, scope=Scope.DEVICE, cadence=Cadence.SNAPSHOT,
        shape=Shape.LIST, natural_key=("SSIDName",), device_field="devsn",
        fields=("devSN", "SSIDName", "spName", "status", "hide", "maxClient", "maxSendRatio", "maxReceiveRatio"),
    ),
    Endpoint(
        id="ssid_client_macs", domain="wireless", title="Get client MAC addresses by SSID and device",
        method="POST", path="/device/ssid/clientmac", rate=ONE_PER_SECOND, scope=Scope.SSID,
        cadence=Cadence.SNAPSHOT, shape=Shape.STRINGS, natural_key=("ssid", "value"),
        fixed_params={"method": "getClientMacbySsid"}, fields=("value",),
        notes=("shopId, devSN and SSID travel inside `param`, as the manual's table says",),
    ),
    Endpoint(
        id="history_clients", domain="clients", title="Get the history of associated clients",
        method="POST", path="/device/historyclients", rate=HUNDRED_PER_DAY, scope=Scope.DEVICE,
        cadence=Cadence.SNAPSHOT, shape=Shape.LIST, natural_key=("clientMAC", "onLineDate"), device_field="devSN",
        pagination=Pagination.SKIP_LIMIT, page_size=1000, records_path=("histClientList",),
        query_params=("devSN", "skipnum", "limitnum"),
        fields=("macAddr", "apName", "clientMAC", "clientIP", "clientVendor", "clientSSID", "onlineTime",
                "onLineDate", "offLineDate"),
        notes=("skipnum = offset, limitnum = page size (undocumented, read from the URL example)",
               "quota 100/day: every page spends one call, so pages are large (1000; the manual states no maximum)"),
    ),
    Endpoint(
        id="online_clients", domain="clients", title="Get detailed information about online clients",
        method="POST", path="/device/onlineclients", rate=ONE_PER_SECOND, scope=Scope.DEVICE,
        cadence=Cadence.SNAPSHOT, shape=Shape.LIST, natural_key=("clientMAC",), device_field="devSN",
        pagination=Pagination.SKIP_LIMIT, page_size=100, records_path=("clientList", "clientInfo"),
        query_params=("devSN", "skipnum", "limitnum"),
        fields=("NegoMaxRate", "apName", "clientMAC", "clientIP", "clientVendor", "clientSSID", "onlineTime",
                "onLineDate"),
        notes=("the manual shows clientList without the envelope; we accept it inside `data` or at the top",),
    ),
    Endpoint(
        id="device_interface_flow", domain="traffic", title="Get interface traffic of a device",
        method="POST", path="/device/interfaceflow", rate=NONE_STATED, scope=Scope.DEVICE, cadence=Cadence.WINDOW,
        shape=Shape.SERIES, natural_key=("updateTime",), device_field="devSN", window=Window(),
        fixed_params={"method": "getAllInterfaceFlow"}, series_time_field="updateTime",
        fields=("speedDown", "speedUp", "downFlow", "upFlow", "updateTime"),
        notes=("units as the manual says: speeds in Kbps, flows in Kb (not the MB of stamonitor)",),
    ),
    Endpoint(
        id="ap_gps_by_device_sn", domain="wireless", title="Get GPS information of the APs of a device",
        method="GET", path="/device/apgps", rate=NONE_STATED, scope=Scope.DEVICE, cadence=Cadence.SNAPSHOT,
        shape=Shape.LIST, natural_key=("apSN",), device_field="devsn",
        fields=("apSN", "apName", "apLongitude", "apLatitude", "apVelocity", "apOrientation", "apElevation",
                "gpsObtainTime"),
        notes=("shares GET /device/apgps with ap_gps_by_ap_sn; without apsn it lists every AP of the device",),
    ),
    Endpoint(
        id="ap_gps_by_ap_sn", domain="wireless", title="Get GPS information of one AP",
        method="GET", path="/device/apgps", rate=NONE_STATED, scope=Scope.AP, cadence=Cadence.SNAPSHOT,
        shape=Shape.OBJECT, natural_key=("apSN",), device_field="devsn",
        fields=("apSN", "apName", "apLongitude", "apLatitude", "apVelocity", "apOrientation", "apElevation",
                "gpsObtainTime"),
        notes=("same URL as ap_gps_by_device_sn, told apart by the extra apsn query parameter",),
    ),
)

AUTH_ENDPOINTS = (
    Endpoint(
        id="auth_history", domain="auth", title="Get the authentication history of portal users",
        method="POST", path="/api/o2oportal/getAuthUserInfo", rate=ONE_PER_SECOND, scope=Scope.SITE_BATCH,
        cadence=Cadence.WINDOW, shape=Shape.LIST, natural_key=("shop_id", "user_mac", "access_start_time"),
        window=Window("begin_time", "end_time", max_hours=168), pagination=Pagination.PAGE_INDEX, page_size=5000,
        records_path=("auth_list",), site_field="shop_id", batch_size=50, record_site_field="shop_id",
        series_time_field="access_start_time", personal_fields=AUTH_PERSONAL_FIELDS,
        fields=("ap_group_id", "ap_mac", "upstream", "downstream", "user_group", "shop_id", "user_type",
                "access_start_time", "access_duration", "access_ac_ip", "user_mac", "user_ip", "vendor",
                "terminal_model", "access_duration_sum", "login_freq_sum", "upstream_sum", "downstream_sum",
                "offline_type", "mobile_no", "user_name", "app_auth_id", "app_account", "preliminary", "open_id",
                "nickname", "sex", "province", "city", "country", "headimgurl", "unionid", "tid", "app_id",
                "mobile_decode"),
        notes=("window ranges are inclusive at both ends: we send end - 1 ms so half-open windows never overlap",
               "records under data.auth_list (public clients) or directly under data (the manual's table)",
               "shop_id array of up to 50 sites per call, as a public client sends",
               "natural key (shop, client MAC, access start): the manual names no record id"),
    ),
)

STATISTICS_ENDPOINTS = (
    stamonitor("current_client_count", "guests", "Get today's new and regular guests", "getCurrentClientCount",
               ("new", "old", "total"), cadence=Cadence.SNAPSHOT),
    stamonitor("history_day_client_count", "guests", "Get new and regular guests over a period",
               "getHistoryDayClientCount", ("new", "old", "total")),
    stamonitor("current_online_client_count", "clients", "Get the number of online clients",
               "getCurrentOnlineClientCount", ("onlineCount",), cadence=Cadence.SNAPSHOT),
    stamonitor("history_peak_number", "reports", "Get peak statistics", "getHistoryPeakNumber",
               ("avgRxBytes", "avgTxBytes", "clientCount", "totalTxBytes", "totalRxBytes", "avgTime", "newCount",
                "oldCount"),
               notes=("cannot be asked for the current day: the daily schedule reads yesterday",)),
    stamonitor("history_hour_client_count_detail", "guests", "Get the hourly client trend",
               "getHistoryHourClientCountDetail", ("clientCount", "time"), shape=Shape.SERIES,
               key=("site_id", "time"), series_time_field="time"),
    stamonitor("history_day_client_count_detail", "guests", "Get the daily client trend",
               "getHistoryDayClientCountDetail", ("newCount", "oldCount", "clientCount", "time"),
               shape=Shape.SERIES, key=("site_id", "time"), series_time_field="time"),
    stamonitor("current_week_client_times", "guests", "Get this week's visit counts", "getCurrentWeekClientTimes",
               ("one", "two", "three", "gteFour"), cadence=Cadence.SNAPSHOT,
               notes=("window: Monday 00:00 UTC of the current week up to now",)),
    stamonitor("specified_weeks_client_times", "guests", "Get visit counts over specified weeks",
               "getCurrentWeekClientTimes", ("one", "two", "three", "gteFour"),
               notes=("the manual gives this endpoint the same URL as the current-week one (a copy-paste error "
                      "we keep: the manual wins); per partition it is asked for that day's window",)),
    stamonitor("history_week_client_times_detail", "guests", "Get visit counts per week",
               "getHistoryWeekClientTimesDetail", ("one", "two", "three", "gteFour", "date"), shape=Shape.SERIES,
               key=("site_id", "date"), series_time_field="date",
               notes=("a week (date = its Monday) is reported in the partition of its Sunday, once complete",)),
    stamonitor("current_client_stay_avg_duration", "dwell", "Get today's average dwell time",
               "getCurrentClientStayAvgDuration", ("time",), cadence=Cadence.SNAPSHOT),
    stamonitor("history_client_stay_avg_duration", "dwell", "Get the average dwell time over a period",
               "getHistoryClientStayAvgDuration", ("time",)),
    stamonitor("current_client_stay_duration_ratio", "dwell", "Get today's dwell time buckets",
               "getCurrentClientStayDurationRatio", ("lt5Minutes", "lt30Minutes", "lt120Minutes", "gte120Minutes"),
               cadence=Cadence.SNAPSHOT,
               notes=("called 'ratios' but the values are client counts per bucket",)),
    stamonitor("history_client_stay_duration_ratio", "dwell", "Get dwell time buckets over a period",
               "getHistoryClientStayDurationRatio", ("lt5Minutes", "lt30Minutes", "lt120Minutes", "gte120Minutes")),
    stamonitor("history_client_stay_duration_detail", "dwell", "Get the daily dwell time trend",
               "getHistoryClientStayDurationDetail", ("date", "time"), shape=Shape.SERIES,
               key=("site_id", "date"), series_time_field="date"),
    stamonitor("current_net_flow_bytes", "traffic", "Get today's client traffic", "getCurrentNetFlowBytes",
               ("totalTxBytes", "totalRxBytes", "avgTxBytes", "avgRxBytes"), cadence=Cadence.SNAPSHOT,
               notes=("unit not stated; read as MB like the other stamonitor traffic fields",)),
    stamonitor("history_net_flow_bytes", "traffic", "Get client traffic over a period", "getHistoryNetFlowBytes",
               ("totalTxBytes", "totalRxBytes", "avgTxBytes", "avgRxBytes"),
               notes=("unit not stated; read as MB like the other stamonitor traffic fields",)),
    stamonitor("history_net_flow_detail", "traffic", "Get the daily traffic trend", "getHistoryNetFlowDetail",
               ("totalTxBytes", "totalRxBytes", "avgTxBytes", "avgRxBytes", "date"), shape=Shape.SERIES,
               key=("site_id", "date"), series_time_field="date"),
    stamonitor("client_count_top_bottom", "guests", "Get top 5 and bottom 5 client counts",
               "getClientCountTopAndBottom", ("rank_group", "rank", "index", "count"), shape=Shape.TOP_BOTTOM,
               key=("site_id", "rank_group", "rank"), fixed_params={"clientType": "total"},
               notes=("clientType tokens were translated (novo/antigo/total); 'total' is the untouched one",)),
    stamonitor("flow_top_bottom", "traffic", "Get top 5 and bottom 5 traffic", "getFlowTopAndBottom",
               ("rank_group", "rank", "index", "count"), shape=Shape.TOP_BOTTOM,
               key=("site_id", "rank_group", "rank"), fixed_params={"flowType": "totalRx"}),
    report("history_day_report", "Get the daily report", "getHistoryDayReport", REPORT_FIELDS),
    report("history_week_report", "Get the weekly report", "getHistoryWeekReport",
           (*REPORT_FIELDS, "fourTimes", "threeTimes", "twoTimes", "oneTime", "maxavgTime", "minavgTime")),
    report("history_month_report", "Get the monthly report", "getHistoryMonthReport", REPORT_FIELDS,
           site_field="Shops", page_fields=("Active", "Limit", "Local", "totalPage")),
    stamonitor("report_static_data", "reports", "Get the report summary", "getReportStaticData",
               ("new", "old", "total", "one", "two", "three", "four", "avgTime"),
               fixed_params={"reportType": "day"},
               notes=("asked per daily partition with reportType=day",)),
    stamonitor("history_ssid_data", "vendors", "Get clients per SSID over a period", "getHistorySSIDData",
               ("SSID", "count"), shape=Shape.LIST, key=("site_id", "SSID")),
    stamonitor("current_ssid_data", "vendors", "Get today's clients per SSID", "getCurrentSSIDData",
               ("SSID", "count"), shape=Shape.LIST, key=("site_id", "SSID"), cadence=Cadence.SNAPSHOT),
    stamonitor("history_vendor_data", "vendors", "Get clients per vendor over a period", "getHistoryVendorData",
               ("clientVendorEn", "count", "clientVendor"), shape=Shape.LIST, key=("site_id", "clientVendorEn")),
    stamonitor("current_vendor_data", "vendors", "Get today's clients per vendor", "getCurrentVendorData",
               ("clientVendorEn", "count", "clientVendor"), shape=Shape.LIST, key=("site_id", "clientVendorEn"),
               cadence=Cadence.SNAPSHOT),
)

ENDPOINTS: tuple[Endpoint, ...] = (*DEVICE_ENDPOINTS, *AUTH_ENDPOINTS, *STATISTICS_ENDPOINTS)
