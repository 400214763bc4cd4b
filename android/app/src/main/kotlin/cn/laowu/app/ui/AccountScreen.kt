package cn.laowu.app.ui

import android.text.InputType
import android.view.View
import cn.laowu.core.CodePurpose

/**
 * Register with the SMS code, log in, reset the password; then the real-name data.
 * The core checks every field (mobile number, code, password rules) and says which
 * one is wrong; the screen shows what it says.
 */
class AccountScreen(shell: Shell) : Screen(shell) {
    override val title = T.register

    override fun build(): View {
        val phone = ui.field(T.phone, "phone", InputType.TYPE_CLASS_PHONE)
        val code = ui.field(T.code, "code", InputType.TYPE_CLASS_NUMBER)
        val password = ui.field(
            T.password,
            "password",
            InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_PASSWORD,
        )
        val status = ui.body("", tag = "account-status")
        fun text(view: android.widget.EditText) = view.text.toString().trim()
        val column = ui.column(ui.title(T.register), phone)
        column.addView(
            ui.button(T.sendCode, "send-code") {
                call({ core.store.requestCode(core.server, text(phone), CodePurpose.REGISTER, core.clock.nowMs()) }) {
                    shell.message(T.codeSent.both())
                }
            },
        )
        column.addView(code)
        column.addView(password)
        column.addView(
            ui.button(T.register, "register") {
                call({
                    core.store.registerAccount(core.server, text(phone), text(code), password.text.toString(), core.clock.nowMs())
                }) { status.text = "${T.signedIn.both()} · ${it.role}" }
            },
        )
        column.addView(
            ui.button(T.login, "login") {
                call({ core.store.login(core.server, text(phone), password.text.toString(), core.clock.nowMs()) }) {
                    status.text = "${T.signedIn.both()} · ${it.role}"
                }
            },
        )
        column.addView(
            ui.button(T.resetPassword, "reset") {
                if (text(code).isEmpty()) {
                    call({ core.store.requestCode(core.server, text(phone), CodePurpose.RESET, core.clock.nowMs()) }) {
                        shell.message(T.codeSent.both())
                    }
                } else {
                    call({
                        core.store.resetPassword(core.server, text(phone), text(code), password.text.toString(), core.clock.nowMs())
                    }) { shell.message(T.resetPassword.both()) }
                }
            },
        )
        column.addView(status)

        val name = ui.field(T.name, "real-name")
        column.addView(ui.title(T.realName))
        column.addView(name)
        val shown = ui.body("", tag = "identity")
        column.addView(
            ui.button(T.save, "save-identity") {
                call({ core.store.register(name.text.toString().trim(), text(phone), core.clock.nowMs()) }) { info ->
                    // The core hands back the data masked (张*, 138****8000).
                    shown.text = info.registration?.let { "${it.name} ${it.mobile}" } ?: ""
                }
            },
        )
        column.addView(shown)
        // Quick login only when the worker asks for it; the core records the grant and
        // keeps the unlocked key behind the platform's biometric prompt.
        column.addView(
            ui.button(T.quickLogin, "quick-login") {
                call({ core.store.enableQuickLogin(core.biometric, core.clock.nowMs()) }) { on ->
                    shell.message((if (on) T.quickLoginOn else T.quickLoginUnavailable).both())
                }
            },
        )
        return ui.scroll(column)
    }
}
