package cn.laowu.app.ui

import android.view.View
import android.widget.LinearLayout
import cn.laowu.core.SupervisorDay
import java.text.SimpleDateFormat
import java.util.Date
import java.util.Locale

/**
 * A supervisor's day view of a site, from the server: who checked in, verdicts,
 * anomalies, and each field check-in or make-up request with approve and reject.
 * The server decides who may see which site; this screen only asks.
 */
class SupervisorScreen(shell: Shell) : Screen(shell) {
    override val title = T.supervisor
    private val day = SimpleDateFormat("yyyy-MM-dd", Locale.CHINA)
    private val clock = SimpleDateFormat("HH:mm", Locale.CHINA)
    private lateinit var entries: LinearLayout

    override fun build(): View {
        val site = ui.field(T.site, "supervisor-site")
        val date = ui.field(T.date, "supervisor-date").apply {
            setText(day.format(Date(core.clock.nowMs())))
        }
        val note = ui.field(T.note, "supervisor-note")
        entries = ui.column().apply { tag = "entries" }
        val column = ui.column(ui.title(T.supervisor), site, date)
        column.addView(
            ui.button(T.load, "load-day") { load(site.text.toString().trim(), date.text.toString().trim(), note) },
        )
        column.addView(note)
        column.addView(entries)
        return ui.scroll(column)
    }

    private fun load(site: String, date: String, note: android.widget.EditText) {
        call({ core.store.supervisorDay(site, date, core.clock.nowMs()) }) { draw(it, note) }
    }

    private fun draw(view: SupervisorDay, note: android.widget.EditText) {
        entries.removeAllViews()
        entries.addView(ui.body("${view.site} ${view.date}: ${view.workers} · ${T.pending.zh} ${view.pending}", tag = "summary"))
        for (e in view.entries) {
            val who = e.workerName ?: e.worker.take(8)
            val extra = listOfNotNull(
                e.verdict,
                e.distanceM?.let { "$it ${T.metres.zh}" },
                if (e.wifiMatched) "WiFi" else null,
                e.anomalies.takeIf { it.isNotEmpty() }?.joinToString(","),
                e.reason,
                e.review,
                e.note,
            ).joinToString(" · ")
            entries.addView(ui.body("${clock.format(Date(e.atMs))} $who ${e.kind} ${e.punch ?: ""}\n$extra", tag = "entry:${e.eventId}"))
            if (e.review == "pending") {
                entries.addView(ui.button(T.approve, "approve:${e.eventId}") { decide(e.eventId, true, note, view) })
                entries.addView(ui.button(T.reject, "reject:${e.eventId}") { decide(e.eventId, false, note, view) })
            }
        }
    }

    private fun decide(eventId: String, approved: Boolean, note: android.widget.EditText, view: SupervisorDay) {
        val text = note.text.toString().trim().ifEmpty { null }
        call({ core.store.supervisorDecide(eventId, approved, text, core.clock.nowMs()) }) {
            load(view.site, view.date, note)
        }
    }
}
