package cn.laowu.app

import android.app.Activity
import android.os.Build
import android.os.Bundle
import android.view.WindowInsets
import android.view.ViewGroup.LayoutParams.MATCH_PARENT
import android.view.ViewGroup.LayoutParams.WRAP_CONTENT
import android.widget.FrameLayout
import android.widget.HorizontalScrollView
import android.widget.LinearLayout
import android.widget.TextView
import cn.laowu.app.platform.Permissions
import cn.laowu.app.ui.AccountScreen
import cn.laowu.app.ui.CheckInScreen
import cn.laowu.app.ui.ConsentScreen
import cn.laowu.app.ui.HistoryScreen
import cn.laowu.app.ui.PrivacyScreen
import cn.laowu.app.ui.Screen
import cn.laowu.app.ui.Shell
import cn.laowu.app.ui.SupervisorScreen
import cn.laowu.app.ui.T
import cn.laowu.app.ui.Ui
import cn.laowu.core.ConsentState

/**
 * The one activity: a content area for the current screen, a line for messages and a
 * row of large navigation buttons. Which screen opens is the consent gate's answer:
 * nothing personal is asked for before the worker has decided on the policy.
 */
class MainActivity : Activity(), Shell {
    override lateinit var core: AppCore
    override lateinit var ui: Ui
    override lateinit var permissions: Permissions
    private lateinit var content: FrameLayout
    private lateinit var messages: TextView
    private lateinit var nav: LinearLayout

    /** The screen on show, for the shell's own checks. */
    var current: Screen? = null
        private set

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = T.appName.both()
        core = AppCore.get(this)
        ui = Ui(this)
        permissions = Permissions(this)
        content = FrameLayout(this)
        messages = ui.body("", tag = "message")
        nav = LinearLayout(this).apply { orientation = LinearLayout.HORIZONTAL }
        val root = LinearLayout(this).apply {
            orientation = LinearLayout.VERTICAL
            addView(content, LinearLayout.LayoutParams(MATCH_PARENT, 0, 1f))
            addView(messages, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT))
            addView(HorizontalScrollView(this@MainActivity).apply { addView(nav) })
        }
        // targetSdk 35 draws edge to edge on Android 15+: keep the content clear of
        // the status and navigation bars.
        root.setOnApplyWindowInsetsListener { view, insets ->
            if (Build.VERSION.SDK_INT >= 30) {
                val bars = insets.getInsets(WindowInsets.Type.systemBars() or WindowInsets.Type.ime())
                view.setPadding(bars.left, bars.top, bars.right, bars.bottom)
            }
            insets
        }
        setContentView(root)
        home()
    }

    override fun home() {
        val state = core.store.consent().state
        val open = state == ConsentState.OPEN
        buildNav(open)
        show(if (open) CheckInScreen(this) else ConsentScreen(this))
    }

    override fun show(screen: Screen) {
        current = screen
        content.removeAllViews()
        content.addView(screen.build(), FrameLayout.LayoutParams(MATCH_PARENT, MATCH_PARENT))
    }

    override fun message(text: String) {
        messages.text = text
    }

    override fun onRequestPermissionsResult(code: Int, names: Array<out String>, results: IntArray) {
        permissions.onResult(code, results)
    }

    /** Without consent only the policy is reachable (browse-only keeps it that way). */
    private fun buildNav(open: Boolean) {
        nav.removeAllViews()
        val targets: List<Pair<cn.laowu.app.ui.Tr, () -> Screen>> = if (open) {
            listOf(
                T.checkIn to { CheckInScreen(this) },
                T.history to { HistoryScreen(this) },
                T.register to { AccountScreen(this) },
                T.privacy to { PrivacyScreen(this) },
                T.supervisor to { SupervisorScreen(this) },
            )
        } else {
            listOf(T.consentTitle to { ConsentScreen(this) })
        }
        for ((label, make) in targets) {
            nav.addView(ui.button(label, "nav:${label.en}") { show(make()) })
        }
    }
}
