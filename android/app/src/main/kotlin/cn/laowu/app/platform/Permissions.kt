package cn.laowu.app.platform

import android.Manifest
import android.app.Activity
import android.app.AlertDialog
import android.content.pm.PackageManager
import android.os.Build
import cn.laowu.app.ui.Tr

/**
 * Runtime permissions, asked only at the moment of use and only after the reason is
 * shown in the app's own words (as the policy promises and MIIT rules require).
 */
class Permissions(private val activity: Activity) {
    private var pending: Pair<Int, (Boolean) -> Unit>? = null
    private var nextCode = 100

    /** Calls [then] with whether every permission in [names] is held. */
    fun ensure(names: List<String>, reason: Tr, then: (Boolean) -> Unit) {
        val missing = names.filter {
            activity.checkSelfPermission(it) != PackageManager.PERMISSION_GRANTED
        }
        if (missing.isEmpty()) {
            then(true)
            return
        }
        AlertDialog.Builder(activity)
            .setTitle(Tr("需要您的授权", "Permission needed").both())
            .setMessage(reason.both())
            .setPositiveButton(Tr("继续", "Continue").both()) { _, _ ->
                val code = nextCode++
                pending = code to then
                activity.requestPermissions(missing.toTypedArray(), code)
            }
            .setNegativeButton(Tr("暂不", "Not now").both()) { _, _ -> then(false) }
            .show()
    }

    /** Forward from `Activity.onRequestPermissionsResult`. */
    fun onResult(code: Int, results: IntArray) {
        val (expected, then) = pending ?: return
        if (code != expected) return
        pending = null
        then(results.isNotEmpty() && results.all { it == PackageManager.PERMISSION_GRANTED })
    }

    companion object {
        /** What a check-in needs: the fix, and scan results (location-gated). */
        fun checkIn(): List<String> = buildList {
            add(Manifest.permission.ACCESS_FINE_LOCATION)
            add(Manifest.permission.ACCESS_COARSE_LOCATION)
            if (Build.VERSION.SDK_INT >= 33) add(Manifest.permission.NEARBY_WIFI_DEVICES)
        }
    }
}
