package cn.laowu.app.platform

import android.annotation.SuppressLint
import android.content.Context
import android.location.Location
import android.location.LocationListener
import android.location.LocationManager
import android.os.Build
import android.os.CancellationSignal
import android.os.HandlerThread
import cn.laowu.app.Clock
import cn.laowu.core.FixProvider
import cn.laowu.core.LocationFix
import cn.laowu.core.LocationProvider
import cn.laowu.core.MapDatum
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicReference

/**
 * One fresh fix from the framework's [LocationManager] (GPS first, then network), as
 * the core asks for it during a check-in. Called on the core's thread, never the main
 * one: it waits up to [timeoutMs] for the fix. The mock flag goes to the core as is;
 * the core decides what it means.
 */
class FrameworkLocation(
    context: Context,
    private val timeoutMs: Long = 15_000,
) : LocationProvider {
    private val manager = context.getSystemService(Context.LOCATION_SERVICE) as LocationManager

    @SuppressLint("MissingPermission") // asked for at the moment of check-in (Permissions)
    override fun currentFix(): LocationFix? {
        val provider = listOf(LocationManager.GPS_PROVIDER, LocationManager.NETWORK_PROVIDER)
            .firstOrNull { runCatching { manager.isProviderEnabled(it) }.getOrDefault(false) }
            ?: return null
        val found = AtomicReference<Location?>()
        val done = CountDownLatch(1)
        try {
            if (Build.VERSION.SDK_INT >= 30) {
                manager.getCurrentLocation(provider, CancellationSignal(), Runnable::run) {
                    found.set(it)
                    done.countDown()
                }
            } else {
                val thread = HandlerThread("laowu-fix").apply { start() }
                val listener = object : LocationListener {
                    override fun onLocationChanged(location: Location) {
                        found.set(location)
                        done.countDown()
                    }
                }
                @Suppress("DEPRECATION")
                manager.requestSingleUpdate(provider, listener, thread.looper)
                done.await(timeoutMs, TimeUnit.MILLISECONDS)
                manager.removeUpdates(listener)
                thread.quitSafely()
            }
            done.await(timeoutMs, TimeUnit.MILLISECONDS)
        } catch (e: SecurityException) {
            return null
        }
        return found.get()?.let(::toFix)
    }

    companion object {
        fun toFix(l: Location): LocationFix = LocationFix(
            lat = l.latitude,
            lon = l.longitude,
            accuracyM = if (l.hasAccuracy()) l.accuracy.toDouble() else 9_999.0,
            datum = MapDatum.WGS84,
            provider = when (l.provider) {
                LocationManager.GPS_PROVIDER -> FixProvider.GPS
                LocationManager.NETWORK_PROVIDER -> FixProvider.NETWORK
                else -> FixProvider.FUSED
            },
            deviceTimeMs = l.time,
            elapsedMs = l.elapsedRealtimeNanos / 1_000_000,
            mock = isMock(l),
            speedMps = if (l.hasSpeed()) l.speed.toDouble() else null,
        )

        /** `isMock` from API 31, `isFromMockProvider` before it. */
        @Suppress("DEPRECATION")
        fun isMock(l: Location): Boolean =
            if (Build.VERSION.SDK_INT >= 31) l.isMock else l.isFromMockProvider
    }
}

/**
 * Amap's fix when the core allows the Amap SDK to start (the attendance purpose is
 * granted), the framework's otherwise. The choice is asked of the core on every fix.
 */
class PreferredLocation(
    private val amap: AmapLocation,
    private val framework: LocationProvider,
    private val clock: Clock,
) : LocationProvider {
    override fun currentFix(): LocationFix? =
        amap.currentFix(clock.nowMs()) ?: framework.currentFix()
}
