package cn.laowu.app

import android.widget.Button
import android.widget.EditText
import android.widget.TextView
import cn.laowu.app.platform.KeystoreVault
import cn.laowu.app.ui.SupervisorScreen
import cn.laowu.core.CodePurpose
import cn.laowu.core.FixProvider
import cn.laowu.core.LaowuStore
import cn.laowu.core.LocationFix
import cn.laowu.core.LocationProvider
import cn.laowu.core.MapDatum
import cn.laowu.core.SyncOptions
import cn.laowu.core.WifiAccessPoint
import cn.laowu.core.WifiScanner
import java.nio.file.Files
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric

/**
 * The supervisor's day view against the real server: a worker's phone (the library,
 * without the app) files a field check-in and syncs; the app, signed in as the site's
 * supervisor, shows it pending, approves it, and the decision reaches the worker.
 */
@RunWith(SharedNativeBindingsRunner::class)
class SupervisorScreenTest {
    private lateinit var t: TestCore
    private lateinit var server: LocalServer
    private lateinit var worker: LaowuStore
    private val options = SyncOptions(batchSize = 100u, maxAttempts = 3u, baseDelayMs = 50u, maxDelayMs = 500u)
    private val bootNanos = System.nanoTime()

    private fun now() = System.currentTimeMillis()
    private fun elapsed() = 5_000_000L + (System.nanoTime() - bootNanos) / 1_000_000

    @Before
    fun setUp() {
        t = TestCore()
        t.acceptAll()
        server = LocalServer()
        val site = Files.createTempFile("site", ".json")
        Files.writeString(site, SITE_JSON)
        server.admin("site", "add", "--file", site.toString())
        worker = LaowuStore.open(Files.createTempDirectory("worker").toString(), KeystoreVault())
        worker.accept(worker.consent().purposes.map { it.id }, now())
    }

    @After
    fun tearDown() {
        worker.close()
        server.close()
        t.close()
    }

    private fun signUp(store: LaowuStore, mobile: String) {
        store.requestCode(server.url, mobile, CodePurpose.REGISTER, now())
        store.registerAccount(server.url, mobile, server.smsCode(mobile), "a-good-password-1", now())
    }

    @Test
    fun a_pending_field_check_in_is_approved_from_the_day_view_and_reaches_the_worker() {
        signUp(worker, "13800138000")
        worker.sync(options, now(), elapsed())
        val away = object : LocationProvider {
            override fun currentFix() = LocationFix(
                SITE_LAT + 0.02, SITE_LON + 0.02, 15.0, MapDatum.WGS84, FixProvider.GPS,
                now() - 1_000, elapsed() - 1_000, false, null,
            )
        }
        val noWifi = object : WifiScanner {
            override fun scan() = emptyList<WifiAccessPoint>()
        }
        val field = worker.checkIn(null, "到材料市场采购", away, noWifi, now(), elapsed())
        assertTrue(field.needsReview)
        worker.sync(options, now(), elapsed())

        signUp(t.store, "13900139000")
        server.admin("supervisor", "add", "--phone", "13900139000", "--site", "site-1")
        t.store.login(server.url, "13900139000", "a-good-password-1", now())

        val activity = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        activity.show(SupervisorScreen(activity))
        val root = activity.window.decorView
        root.findViewWithTag<EditText>("supervisor-site").setText("site-1")
        val date = field.shiftDate ?: java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).toString()
        root.findViewWithTag<EditText>("supervisor-date").setText(date)
        root.findViewWithTag<EditText>("supervisor-note").setText("已核实")
        root.findViewWithTag<Button>("load-day").performClick()

        val id = field.recordId!!
        assertTrue(root.findViewWithTag<TextView>("summary").text.contains("1"))
        assertTrue(root.findViewWithTag<TextView>("entry:$id").text.contains("pending"))
        root.findViewWithTag<Button>("approve:$id").performClick()
        assertTrue(activity.window.decorView.findViewWithTag<TextView>("entry:$id").text.contains("approved"))

        val report = worker.sync(options, now(), elapsed())
        assertEquals(1uL, report.decisions)
        val row = worker.attendanceHistory().single { it.recordId == id }
        assertEquals("approved", row.review)
        assertEquals("已核实", row.note)
        assertNotNull(activity.current as? SupervisorScreen)
    }
}
