package cn.laowu.app.platform

import android.annotation.SuppressLint
import android.content.Context
import android.net.wifi.WifiManager
import cn.laowu.core.WifiAccessPoint
import cn.laowu.core.WifiScanner

/**
 * The latest WiFi scan from [WifiManager]. Android throttles scans (four per two
 * minutes in the foreground), so the latest results are used and a new scan only
 * requested for next time. Reading results needs location permission (and
 * NEARBY_WIFI_DEVICES on API 33+), asked at the moment of check-in.
 */
class FrameworkWifi(context: Context) : WifiScanner {
    private val manager = context.applicationContext
        .getSystemService(Context.WIFI_SERVICE) as WifiManager

    @SuppressLint("MissingPermission")
    override fun scan(): List<WifiAccessPoint> = try {
        @Suppress("DEPRECATION")
        manager.startScan()
        manager.scanResults.orEmpty()
            .filter { !it.BSSID.isNullOrEmpty() }
            .map {
                @Suppress("DEPRECATION")
                WifiAccessPoint(bssid = it.BSSID, ssid = it.SSID ?: "", rssiDbm = it.level)
            }
    } catch (e: SecurityException) {
        emptyList()
    }
}
