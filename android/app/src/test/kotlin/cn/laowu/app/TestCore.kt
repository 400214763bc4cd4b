package cn.laowu.app

import android.app.Application
import android.content.Context
import android.location.Location
import android.location.LocationManager
import android.net.wifi.ScanResult
import android.net.wifi.WifiManager
import android.os.SystemClock
import cn.laowu.app.platform.FrameworkLocation
import cn.laowu.app.platform.FrameworkWifi
import cn.laowu.app.platform.KeystoreVault
import cn.laowu.core.BiometricOutcome
import cn.laowu.core.BiometricPrompt
import cn.laowu.core.LaowuStore
import java.nio.file.Files
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf

/** Runs the core's calls at once on the calling thread, so a test sees their answer. */
object Immediate : Background {
    override fun <T> run(work: () -> T, done: (Result<T>) -> Unit) = done(runCatching(work))
}

object NoBiometrics : BiometricPrompt {
    override fun authenticate(title: String) = BiometricOutcome.UNAVAILABLE
}

/** The site the tests check in at: 300 m around a point in Pudong, one access point. */
const val SITE_LAT = 31.2304
const val SITE_LON = 121.4737
const val SITE_BSSID = "a4:56:02:11:22:33"
val SITE_JSON = """
    {"id": "site-1", "name": "浦东示范工地",
     "fences": [{"type": "circle", "lat": $SITE_LAT, "lon": $SITE_LON, "radius_m": 300.0}],
     "wifi": [{"bssid": "$SITE_BSSID", "ssid": "LAOWU-SITE"}], "rule": "either"}
""".trimIndent()

/**
 * The production wiring with the real library, the app's own Keystore vault (on an
 * in-memory "AndroidKeyStore" provider: Robolectric has none), the framework location
 * and WiFi adapters over Robolectric's shadows, and calls run inline.
 */
class TestCore {
    val app: Application = RuntimeEnvironment.getApplication()
    val dir = Files.createTempDirectory("laowu-android")
    val store: LaowuStore

    init {
        FakeAndroidKeyStore.install()
        store = LaowuStore.open(dir.toString(), KeystoreVault())
        val core = AppCore(
            store = store,
            location = FrameworkLocation(app, timeoutMs = 2_000),
            wifi = FrameworkWifi(app),
            biometric = NoBiometrics,
            clock = SystemClocks,
            background = Immediate,
            server = null,
        )
        AppCore.reset()
        AppCore.factory = { core }
    }

    fun acceptAll() {
        store.accept(store.consent().purposes.map { it.id }, System.currentTimeMillis())
    }

    fun addSite() {
        store.addSite(SITE_JSON, System.currentTimeMillis())
    }

    fun grantLocation() {
        shadowOf(app).grantPermissions(
            android.Manifest.permission.ACCESS_FINE_LOCATION,
            android.Manifest.permission.ACCESS_COARSE_LOCATION,
            android.Manifest.permission.NEARBY_WIFI_DEVICES,
        )
    }

    /** The phone is at [lat],[lon] now, by GPS; [mock] as a mock-location app would set it. */
    fun placePhone(lat: Double, lon: Double, accuracy: Float = 15f, mock: Boolean = false) {
        val manager = app.getSystemService(Context.LOCATION_SERVICE) as LocationManager
        val shadow = shadowOf(manager)
        shadow.setProviderEnabled(LocationManager.GPS_PROVIDER, true)
        val location = Location(LocationManager.GPS_PROVIDER).apply {
            latitude = lat
            longitude = lon
            this.accuracy = accuracy
            time = System.currentTimeMillis()
            elapsedRealtimeNanos = SystemClock.elapsedRealtimeNanos()
            isMock = mock
        }
        shadow.simulateLocation(location)
    }

    fun seeWifi(vararg bssids: String) {
        val manager = app.getSystemService(Context.WIFI_SERVICE) as WifiManager
        shadowOf(manager).setScanResults(
            bssids.map { b ->
                ScanResult().apply {
                    BSSID = b
                    @Suppress("DEPRECATION")
                    SSID = "LAOWU-SITE"
                    level = -50
                }
            },
        )
    }

    fun close() {
        AppCore.reset()
        store.close()
        FakeAndroidKeyStore.uninstall()
        dir.toFile().deleteRecursively()
    }
}
