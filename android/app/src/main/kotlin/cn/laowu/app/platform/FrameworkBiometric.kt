package cn.laowu.app.platform

import android.app.Activity
import android.content.pm.PackageManager
import android.hardware.biometrics.BiometricPrompt as AndroidPrompt
import android.os.Build
import android.os.CancellationSignal
import android.os.Handler
import android.os.Looper
import cn.laowu.core.BiometricOutcome
import cn.laowu.core.BiometricPrompt
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicReference

/**
 * Quick login through the framework's [AndroidPrompt] (API 28+). The core calls
 * [authenticate] on its own thread and waits; the prompt is shown on the main thread.
 * Only the outcome crosses to the core: no biometric data ever does.
 */
class FrameworkBiometric(private val activity: Activity) : BiometricPrompt {
    override fun authenticate(title: String): BiometricOutcome {
        if (Build.VERSION.SDK_INT < 28 ||
            !activity.packageManager.hasSystemFeature(PackageManager.FEATURE_FINGERPRINT)
        ) {
            return BiometricOutcome.UNAVAILABLE
        }
        val outcome = AtomicReference(BiometricOutcome.FAILED)
        val done = CountDownLatch(1)
        val main = Handler(Looper.getMainLooper())
        main.post { show(title, outcome, done) }
        if (!done.await(TIMEOUT_S, TimeUnit.SECONDS)) return BiometricOutcome.FAILED
        return outcome.get()
    }

    private fun show(title: String, outcome: AtomicReference<BiometricOutcome>, done: CountDownLatch) {
        val prompt = AndroidPrompt.Builder(activity)
            .setTitle(title)
            .setNegativeButton("取消 Cancel", activity.mainExecutor) { _, _ -> done.countDown() }
            .build()
        prompt.authenticate(
            CancellationSignal(),
            activity.mainExecutor,
            object : AndroidPrompt.AuthenticationCallback() {
                override fun onAuthenticationSucceeded(result: AndroidPrompt.AuthenticationResult) {
                    outcome.set(BiometricOutcome.PASSED)
                    done.countDown()
                }

                override fun onAuthenticationError(code: Int, message: CharSequence) {
                    outcome.set(
                        if (code == AndroidPrompt.BIOMETRIC_ERROR_HW_NOT_PRESENT ||
                            code == AndroidPrompt.BIOMETRIC_ERROR_NO_BIOMETRICS
                        ) {
                            BiometricOutcome.UNAVAILABLE
                        } else {
                            BiometricOutcome.FAILED
                        },
                    )
                    done.countDown()
                }
            },
        )
    }

    private companion object {
        const val TIMEOUT_S = 60L
    }
}
