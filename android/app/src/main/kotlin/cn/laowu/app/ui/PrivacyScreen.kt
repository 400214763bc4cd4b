package cn.laowu.app.ui

import android.app.AlertDialog
import android.view.View
import java.text.SimpleDateFormat
import java.util.Date
import java.util.Locale

/**
 * The privacy centre: every access recorded in the tamper-evident ledger (who, what,
 * why, when, allowed or not), each optional grant with a withdraw button, export, and
 * account deletion with the date by which the server must finish it.
 */
class PrivacyScreen(shell: Shell) : Screen(shell) {
    override val title = T.privacy
    private val time = SimpleDateFormat("yyyy-MM-dd HH:mm", Locale.CHINA)

    override fun build(): View {
        val column = ui.column(ui.title(T.privacy))
        val grants = ui.column().apply { tag = "grants" }
        val log = ui.column().apply { tag = "ledger" }
        column.addView(ui.title(T.grants))
        column.addView(grants)
        for (purpose in core.store.consent().purposes) {
            val state = if (purpose.granted) "✔" else "✘"
            grants.addView(ui.body("$state ${purpose.name}", tag = "grant:${purpose.id}"))
            if (purpose.granted && !purpose.essential) {
                grants.addView(
                    ui.button(Tr("${T.withdraw.zh} ${purpose.name}", T.withdraw.en), "withdraw:${purpose.id}") {
                        call({ core.store.withdraw(purpose.id, core.clock.nowMs()) }) {
                            shell.show(PrivacyScreen(shell))
                        }
                    },
                )
            }
        }
        column.addView(ui.title(T.accessLog))
        column.addView(log)
        call({ core.store.ledger() }) { rows ->
            for (row in rows.asReversed().take(MAX_ROWS)) {
                val verdict = if (row.allowed) T.allowed.zh else T.denied.zh
                log.addView(
                    ui.body(
                        "${time.format(Date(row.atMs))} ${row.accessor} · ${row.category.name.lowercase()} · ${row.purpose} · $verdict",
                        tag = "access:${row.seq}",
                    ),
                )
            }
        }
        val exported = ui.body("", tag = "exported")
        column.addView(
            ui.button(T.export, "export") {
                call({ core.store.export(core.clock.nowMs()) }) { json ->
                    exported.text = "${T.export.zh}: ${json.length} bytes"
                }
            },
        )
        column.addView(exported)
        val deletion = ui.body("", tag = "deletion")
        column.addView(
            ui.button(T.deleteAccount, "delete-account") {
                AlertDialog.Builder(shell.ui.context)
                    .setMessage(T.deleteConfirm.stacked())
                    .setPositiveButton(T.deleteAccount.both()) { _, _ ->
                        call({ core.store.deleteAccount(core.clock.nowMs()) }) {
                            deletion.text = "${T.deadline.both()}: ${it.deadline}"
                        }
                    }
                    .setNegativeButton(Tr("取消", "Cancel").both(), null)
                    .show()
            },
        )
        column.addView(deletion)
        return ui.scroll(column)
    }

    private companion object {
        const val MAX_ROWS = 200
    }
}
