"""The (method, path) -> handler table: 38 distinct URLs serve the manual's 40 endpoints.

GET /device/apgps serves ap_gps_by_device_sn and ap_gps_by_ap_sn (told apart by apsn);
POST /stamonitor/getCurrentWeekClientTimes serves current_week_client_times and specified_weeks_client_times.
"""

from __future__ import annotations

from . import handlers_device as dev
from . import handlers_stats as st
from .handlers_auth import auth_history
from .handlers_reports import day_report, month_report, week_report

S = "/stamonitor/"

ROUTES = {
    ("GET", "/user/shop"): dev.user_shops,
    ("POST", "/shop/device"): dev.shop_devices,
    ("POST", "/device/operation"): dev.device_operation,
    ("GET", "/device/apinfo"): dev.ap_info,
    ("GET", "/device/radioinfo"): dev.radio_info,
    ("GET", "/device/ssidinfo"): dev.ssid_info,
    ("POST", "/device/ssid/clientmac"): dev.ssid_client_macs,
    ("POST", "/device/historyclients"): dev.history_clients,
    ("POST", "/device/onlineclients"): dev.online_clients,
    ("POST", "/device/interfaceflow"): dev.interface_flow,
    ("GET", "/device/apgps"): dev.ap_gps,
    ("POST", "/api/o2oportal/getAuthUserInfo"): auth_history,
    ("POST", S + "getCurrentClientCount"): st.current_client_count,
    ("POST", S + "getHistoryDayClientCount"): st.client_count,
    ("POST", S + "getCurrentOnlineClientCount"): st.online_count,
    ("POST", S + "getHistoryPeakNumber"): st.peak,
    ("POST", S + "getHistoryHourClientCountDetail"): st.hour_detail,
    ("POST", S + "getHistoryDayClientCountDetail"): st.day_detail,
    ("POST", S + "getCurrentWeekClientTimes"): st.week_client_times,
    ("POST", S + "getHistoryWeekClientTimesDetail"): st.week_client_times_detail,
    ("POST", S + "getCurrentClientStayAvgDuration"): st.current(st.avg_duration),
    ("POST", S + "getHistoryClientStayAvgDuration"): st.avg_duration,
    ("POST", S + "getCurrentClientStayDurationRatio"): st.current(st.duration_ratio),
    ("POST", S + "getHistoryClientStayDurationRatio"): st.duration_ratio,
    ("POST", S + "getHistoryClientStayDurationDetail"): st.duration_detail,
    ("POST", S + "getCurrentNetFlowBytes"): st.current(st.net_flow),
    ("POST", S + "getHistoryNetFlowBytes"): st.net_flow,
    ("POST", S + "getHistoryNetFlowDetail"): st.net_flow_detail,
    ("POST", S + "getClientCountTopAndBottom"): st.client_top_bottom,
    ("POST", S + "getFlowTopAndBottom"): st.flow_top_bottom,
    ("POST", S + "getHistoryDayReport"): day_report,
    ("POST", S + "getHistoryWeekReport"): week_report,
    ("POST", S + "getHistoryMonthReport"): month_report,
    ("POST", S + "getReportStaticData"): st.report_static,
    ("POST", S + "getHistorySSIDData"): st.ssid_data,
    ("POST", S + "getCurrentSSIDData"): st.current(st.ssid_data),
    ("POST", S + "getHistoryVendorData"): st.vendor_data,
    ("POST", S + "getCurrentVendorData"): st.current(st.vendor_data),
}
