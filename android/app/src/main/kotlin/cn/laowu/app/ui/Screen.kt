package cn.laowu.app.ui

import android.view.View
import cn.laowu.app.AppCore
import cn.laowu.app.platform.Permissions
import cn.laowu.core.LaowuException

/** What a screen may ask of the activity that hosts it. */
interface Shell {
    val core: AppCore
    val ui: Ui
    val permissions: Permissions
    fun show(screen: Screen)
    /** Re-reads the consent gate and shows the screen it calls for. */
    fun home()
    fun message(text: String)
}

/** A screen: draws what the core answers, forwards what the worker does. */
abstract class Screen(protected val shell: Shell) {
    abstract val title: Tr
    abstract fun build(): View

    protected val core get() = shell.core
    protected val ui get() = shell.ui

    /** Runs [work] on the core's thread; [done] draws the answer, errors become messages. */
    protected fun <T> call(work: () -> T, done: (T) -> Unit) {
        core.background.run(work) { result ->
            result.fold(done) { shell.message(describe(it)) }
        }
    }
}

/** What the worker is told about a failure: the core's field and reason, never data. */
fun describe(e: Throwable): String = when (e) {
    is LaowuException.InvalidInput -> "${T.failed.both()}: ${e.field} ${e.reason}"
    is LaowuException.ConsentRequired -> Tr("需要先同意相关用途", "Consent needed first").both()
    is LaowuException.Offline -> Tr("网络不可用，稍后会自动同步", "Offline: sync will retry").both()
    is LaowuException.NotSignedIn -> Tr("请先登录", "Please log in first").both()
    is LaowuException.ServerRefused -> "${T.failed.both()}: ${e.code}${e.field?.let { " ($it)" } ?: ""}"
    is LaowuException -> "${T.failed.both()}: ${e.javaClass.simpleName}"
    else -> T.failed.both()
}
