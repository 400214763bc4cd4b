package cn.laowu.app.ui

import android.view.View
import android.widget.CheckBox
import cn.laowu.core.ConsentState

/**
 * First run (and a new policy version): the policy, the third-party SDK list, and one
 * choice per purpose, none pre-ticked. Essential purposes are listed as such; refusing
 * them leaves browse-only mode, as the core decides.
 */
class ConsentScreen(shell: Shell) : Screen(shell) {
    override val title = T.consentTitle
    private val boxes = mutableListOf<Pair<String, CheckBox>>()

    override fun build(): View {
        val policy = core.store.policy()
        val consent = core.store.consent()
        val column = ui.column(ui.title(T.consentTitle), ui.body(T.consentIntro.stacked()))
        if (consent.state == ConsentState.BROWSE_ONLY) {
            column.addView(ui.body(T.browseOnly.stacked(), tag = "browse-only"))
        }
        column.addView(ui.body("${policy.title} (v${policy.version}, ${policy.effective})"))
        column.addView(ui.body(policy.text, tag = "policy-text"))
        for (purpose in policy.purposes) {
            val marks = buildList {
                if (purpose.essential) add(T.essential.both())
                if (purpose.sensitive) add(T.sensitive.both())
            }
            val label = buildString {
                append(purpose.name)
                if (marks.isNotEmpty()) append(" [").append(marks.joinToString(", ")).append("]")
                append("\n").append(purpose.description)
                append("\n").append(purpose.data.joinToString("、"))
                if (purpose.sdks.isNotEmpty()) append("\nSDK: ").append(purpose.sdks.joinToString(", "))
            }
            val box = ui.check(label, tag = "purpose:${purpose.id}")
            boxes += purpose.id to box
            column.addView(box)
        }
        column.addView(ui.title(T.sdkList))
        for (sdk in policy.sdks) {
            column.addView(
                ui.body(
                    "${sdk.name}（${sdk.vendor}）\n${sdk.purpose} · ${sdk.scenario}\n" +
                        "${sdk.dataTypes.joinToString("、")}\n${sdk.collection}\n${sdk.policyUrl}",
                    tag = "sdk:${sdk.id}",
                ),
            )
        }
        column.addView(ui.button(T.accept, "accept") { decide(chosen()) })
        column.addView(ui.button(T.refuse, "refuse") { decide(emptyList()) })
        return ui.scroll(column)
    }

    private fun chosen(): List<String> = boxes.filter { it.second.isChecked }.map { it.first }

    private fun decide(purposes: List<String>) {
        call({ core.store.accept(purposes, core.clock.nowMs()) }) { shell.home() }
    }
}
