package cn.laowu.app.platform

import android.content.Context
import cn.laowu.core.FixProvider
import cn.laowu.core.LocationFix
import cn.laowu.core.MapDatum
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicReference

/**
 * The adapter for the Amap location SDK (高德定位). The SDK is not on Maven Central:
 * a build with a company Amap key adds its AAR to `app/libs`; without it this adapter
 * finds no SDK and answers null, and the framework's fix is used.
 *
 * The SDK is never loaded, let alone started, unless [mayStart] says so: the core
 * answers from the consent gate and records every answer in the permission ledger.
 * It is reached by reflection so the app builds with or without the AAR.
 */
class AmapLocation(
    private val context: Context,
    private val timeoutMs: Long = 15_000,
    private val mayStart: (nowMs: Long) -> Boolean,
) {
    constructor(context: Context, mayStart: (nowMs: Long) -> Boolean) :
        this(context, 15_000, mayStart)

    fun currentFix(nowMs: Long): LocationFix? {
        if (!mayStart(nowMs)) return null
        return try {
            oneShot()
        } catch (e: ReflectiveOperationException) {
            null // the SDK is not in this build
        } catch (e: LinkageError) {
            null
        }
    }

    private fun oneShot(): LocationFix? {
        val clientClass = Class.forName("com.amap.api.location.AMapLocationClient")
        val optionClass = Class.forName("com.amap.api.location.AMapLocationClientOption")
        val listenerClass = Class.forName("com.amap.api.location.AMapLocationListener")
        // Amap refuses to work until the app has shown its privacy terms and had them
        // accepted: the core's gate has just said they were.
        clientClass.getMethod("updatePrivacyShow", Context::class.java, Boolean::class.java, Boolean::class.java)
            .invoke(null, context, true, true)
        clientClass.getMethod("updatePrivacyAgree", Context::class.java, Boolean::class.java)
            .invoke(null, context, true)
        val client = clientClass.getConstructor(Context::class.java).newInstance(context)
        val option = optionClass.getConstructor().newInstance()
        optionClass.getMethod("setOnceLocation", Boolean::class.java).invoke(option, true)
        clientClass.getMethod("setLocationOption", optionClass).invoke(client, option)
        val found = AtomicReference<Any?>()
        val done = CountDownLatch(1)
        val listener = java.lang.reflect.Proxy.newProxyInstance(
            listenerClass.classLoader,
            arrayOf(listenerClass),
        ) { _, method, args ->
            if (method.name == "onLocationChanged") {
                found.set(args?.firstOrNull())
                done.countDown()
            }
            null
        }
        clientClass.getMethod("setLocationListener", listenerClass).invoke(client, listener)
        clientClass.getMethod("startLocation").invoke(client)
        done.await(timeoutMs, TimeUnit.MILLISECONDS)
        clientClass.getMethod("stopLocation").invoke(client)
        clientClass.getMethod("onDestroy").invoke(client)
        val location = found.get() ?: return null
        val type = location.javaClass
        if (type.getMethod("getErrorCode").invoke(location) as Int != 0) return null
        val android = location as android.location.Location
        return LocationFix(
            lat = android.latitude,
            lon = android.longitude,
            accuracyM = android.accuracy.toDouble(),
            // Amap reports GCJ-02 inside China; the core converts.
            datum = MapDatum.GCJ02,
            provider = FixProvider.FUSED,
            deviceTimeMs = android.time,
            elapsedMs = android.elapsedRealtimeNanos / 1_000_000,
            mock = FrameworkLocation.isMock(android),
            speedMps = if (android.hasSpeed()) android.speed.toDouble() else null,
        )
    }

    companion object {
        /** The SDK's id in the privacy policy. */
        const val SDK_ID = "amap-location"
    }
}
