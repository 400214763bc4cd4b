package cn.laowu.app

import android.os.SystemClock

/** Wall time and time since boot: the core anchors trusted time to the second. */
interface Clock {
    fun nowMs(): Long
    fun elapsedMs(): Long
}

object SystemClocks : Clock {
    override fun nowMs(): Long = System.currentTimeMillis()
    override fun elapsedMs(): Long = SystemClock.elapsedRealtime()
}
