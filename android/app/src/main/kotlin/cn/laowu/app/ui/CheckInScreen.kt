package cn.laowu.app.ui

import android.view.View
import android.widget.LinearLayout
import cn.laowu.app.platform.Permissions
import cn.laowu.core.CheckInResult

/**
 * Check-in: the site, then one large button. The core evaluates the fix and the scan
 * and says inside, uncertain or outside, the distance, whether the site's WiFi was
 * seen, and every reason the check-in would be flagged; the screen only draws that.
 * "Check my position" shows the same without recording anything.
 */
class CheckInScreen(shell: Shell) : Screen(shell) {
    override val title = T.checkIn
    private lateinit var result: LinearLayout

    override fun build(): View {
        val reason = ui.field(T.fieldReason, "reason")
        result = ui.column().apply { tag = "result" }
        val sites = ui.body("", tag = "sites")
        val column = ui.column(ui.title(T.checkIn), sites)
        call({ core.store.sites() }) { list ->
            sites.text = if (list.isEmpty()) {
                T.noSite.stacked()
            } else {
                list.joinToString("\n") { "${T.site.zh}: ${it.name}" }
            }
        }
        column.addView(reason)
        column.addView(ui.button(T.checkIn, "check-in") { run(record = true, reason.text.toString()) })
        column.addView(ui.button(T.preview, "preview") { run(record = false, reason.text.toString()) })
        column.addView(ui.button(T.sync, "sync") { sync() })
        column.addView(result)
        return ui.scroll(column)
    }

    private fun run(record: Boolean, reason: String) {
        shell.permissions.ensure(Permissions.checkIn(), T.locationReason) { granted ->
            if (!granted) {
                shell.message(T.permissionRefused.both())
                return@ensure
            }
            val why = reason.trim().ifEmpty { null }
            call({
                val now = core.clock.nowMs()
                val elapsed = core.clock.elapsedMs()
                if (record) {
                    core.store.checkIn(null, why, core.location, core.wifi, now, elapsed)
                } else {
                    core.store.previewCheckIn(null, why, core.location, core.wifi, now, elapsed)
                }
            }) { draw(it) }
        }
    }

    private fun sync() {
        call({ core.store.sync(core.syncOptions, core.clock.nowMs(), core.clock.elapsedMs()) }) {
            shell.message("${T.sync.both()}: +${it.accepted} · ${it.outbox}")
        }
    }

    private fun draw(r: CheckInResult) {
        result.removeAllViews()
        val place = when (r.inside) {
            "inside" -> T.inside
            "outside" -> T.outside
            else -> T.uncertain
        }
        result.addView(ui.title(Tr(r.siteName, r.verdict)))
        result.addView(ui.body(place.both(), tag = "inside"))
        result.addView(ui.body("${r.distanceM.toLong()} ${T.metres.zh}", tag = "distance"))
        result.addView(ui.body((if (r.wifiMatched) T.wifiMatched else T.wifiNotMatched).both(), tag = "wifi"))
        result.addView(ui.body(r.verdict, tag = "verdict"))
        for (reason in r.reasons) {
            result.addView(ui.body("· ${reason.zh}\n  ${reason.en}", tag = "reason:${reason.code}"))
        }
        if (r.needsReview) result.addView(ui.body(T.waitingReview.both(), tag = "review"))
        r.recordId?.let { result.addView(ui.body(it, tag = "record")) }
    }
}
