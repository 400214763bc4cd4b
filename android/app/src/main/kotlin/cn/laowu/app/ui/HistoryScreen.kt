package cn.laowu.app.ui

import android.view.View

/** The worker's check-ins and make-up requests, with their review state, and a make-up form. */
class HistoryScreen(shell: Shell) : Screen(shell) {
    override val title = T.history

    override fun build(): View {
        val rows = ui.column().apply { tag = "rows" }
        val column = ui.column(ui.title(T.history), rows)
        call({ core.store.attendanceHistory() }) { history ->
            for (row in history.asReversed()) {
                val review = if (row.review == "none") "" else " · ${row.review}"
                val note = row.note?.let { "\n${T.note.zh}: $it" } ?: ""
                rows.addView(
                    ui.body(
                        "${row.date ?: ""} ${row.siteName ?: row.siteId} ${row.punch ?: ""} ${row.verdict}$review$note",
                        tag = "row:${row.recordId}",
                    ),
                )
            }
        }
        column.addView(ui.title(T.makeup))
        val date = ui.field(T.makeupDate, "makeup-date")
        val reason = ui.field(T.makeupReason, "makeup-reason")
        column.addView(date)
        column.addView(reason)
        column.addView(
            ui.button(T.makeup, "makeup") {
                call({
                    core.store.requestMakeup(
                        null,
                        date.text.toString().trim(),
                        null,
                        reason.text.toString(),
                        core.clock.nowMs(),
                        core.clock.elapsedMs(),
                    )
                }) { shell.show(HistoryScreen(shell)) }
            },
        )
        return ui.scroll(column)
    }
}
