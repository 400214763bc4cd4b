package cn.laowu.app

import android.app.Activity
import cn.laowu.app.platform.AmapLocation
import cn.laowu.app.platform.FrameworkBiometric
import cn.laowu.app.platform.FrameworkLocation
import cn.laowu.app.platform.FrameworkWifi
import cn.laowu.app.platform.KeystoreVault
import cn.laowu.app.platform.PreferredLocation
import cn.laowu.core.BiometricPrompt
import cn.laowu.core.LaowuStore
import cn.laowu.core.LocationProvider
import cn.laowu.core.SyncOptions
import cn.laowu.core.WifiScanner
import java.io.File

/**
 * The core and the platform capabilities it calls back into. The shell holds one per
 * process; every decision is the core's, the shell only asks and draws.
 */
class AppCore(
    val store: LaowuStore,
    val location: LocationProvider,
    val wifi: WifiScanner,
    val biometric: BiometricPrompt,
    val clock: Clock,
    val background: Background,
    /** The server a new account registers with; a signed-in phone remembers its own. */
    var server: String?,
    val syncOptions: SyncOptions = SyncOptions(),
) {
    companion object {
        /** The production wiring; tests replace it before launching the activity. */
        @JvmStatic
        var factory: (Activity) -> AppCore = ::production

        private var shared: AppCore? = null

        /** One core per process: the store takes one writer. */
        @Synchronized
        fun get(activity: Activity): AppCore = shared ?: factory(activity).also { shared = it }

        /** Forgets the process's core (tests, and after the account is deleted). */
        @Synchronized
        fun reset() {
            shared = null
        }

        private fun production(activity: Activity): AppCore {
            val app = activity.applicationContext
            // noBackupFilesDir: the sealed store is bound to this phone's Keystore keys,
            // so a backup restored elsewhere could never be opened anyway.
            val dir = File(app.noBackupFilesDir, "laowu").apply { mkdirs() }
            val store = LaowuStore.open(dir.path, KeystoreVault())
            val framework = FrameworkLocation(app)
            val amap = AmapLocation(app) { now -> store.mayStart(AmapLocation.SDK_ID, now).allowed }
            return AppCore(
                store = store,
                location = PreferredLocation(amap, framework, SystemClocks),
                wifi = FrameworkWifi(app),
                biometric = FrameworkBiometric(activity),
                clock = SystemClocks,
                background = ThreadBackground(),
                server = BuildServer.DEFAULT,
            )
        }
    }
}

/** The server a fresh install talks to; a build flavour would set it. */
object BuildServer {
    const val DEFAULT = "https://api.laowu.cn"
}
