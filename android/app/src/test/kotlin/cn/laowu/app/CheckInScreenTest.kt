package cn.laowu.app

import android.widget.Button
import android.widget.TextView
import cn.laowu.app.ui.CheckInScreen
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.shadows.ShadowAlertDialog

/**
 * The check-in screen under Robolectric, on the real library: a location and a WiFi
 * scan fed through the framework's LocationManager and WifiManager, a tap on the big
 * button, and the core's record.
 */
@RunWith(SharedNativeBindingsRunner::class)
class CheckInScreenTest {
    private lateinit var t: TestCore

    @Before
    fun setUp() {
        t = TestCore()
        t.acceptAll()
        t.addSite()
    }

    @After
    fun tearDown() = t.close()

    private fun launch(): MainActivity =
        Robolectric.buildActivity(MainActivity::class.java).setup().get()

    private fun MainActivity.tap(tag: String) {
        val button = window.decorView.findViewWithTag<Button>(tag)
        assertNotNull("no button $tag", button)
        button.performClick()
    }

    private fun MainActivity.shown(tag: String): String? =
        window.decorView.findViewWithTag<TextView>(tag)?.text?.toString()

    @Test
    fun a_check_in_inside_the_fence_with_the_sites_wifi_is_recorded_by_the_core() {
        t.grantLocation()
        t.placePhone(31.2306, 121.4739)
        t.seeWifi(SITE_BSSID, "00:11:22:33:44:55")
        val activity = launch()
        assertTrue(activity.current is CheckInScreen)
        assertTrue(activity.shown("sites")!!.contains("浦东示范工地"))

        activity.tap("check-in")

        val history = t.store.attendanceHistory()
        assertEquals(1, history.size)
        assertEquals("normal", history.single().verdict)
        assertEquals(history.single().recordId, activity.shown("record"))
        assertTrue(activity.shown("inside")!!.startsWith("在工地范围内"))
        assertTrue(activity.shown("wifi")!!.startsWith("已匹配工地 WiFi"))
        assertEquals("normal", activity.shown("verdict"))
        assertNull(activity.shown("review"))
    }

    @Test
    fun a_mock_location_is_rejected_and_the_screen_shows_the_cores_reasons() {
        t.grantLocation()
        t.placePhone(31.2480, 121.4900, mock = true)
        t.seeWifi()
        val activity = launch()
        activity.window.decorView.findViewWithTag<TextView>("reason").text = "到材料市场采购"

        activity.tap("check-in")

        val row = t.store.attendanceHistory().single()
        assertTrue("mock_location" in row.anomalies)
        assertNotNull(activity.shown("reason:mock_location"))
        assertEquals("rejected", row.verdict)
        assertEquals("rejected", activity.shown("verdict"))
        assertTrue(activity.shown("inside")!!.startsWith("不在工地范围内"))
        assertNotNull(activity.shown("reason:not_at_site"))
    }

    @Test
    fun the_preview_records_nothing() {
        t.grantLocation()
        t.placePhone(31.2306, 121.4739)
        t.seeWifi(SITE_BSSID)
        val activity = launch()
        activity.tap("preview")
        assertTrue(activity.shown("inside")!!.startsWith("在工地范围内"))
        assertNull(activity.shown("record"))
        assertTrue(t.store.attendanceHistory().isEmpty())
    }

    @Test
    fun without_permission_the_reason_is_shown_first_and_nothing_is_read() {
        t.placePhone(31.2306, 121.4739)
        val activity = launch()
        activity.tap("check-in")
        val dialog = ShadowAlertDialog.getLatestAlertDialog()
        assertNotNull("the reason is shown before the system asks", dialog)
        val message = org.robolectric.Shadows.shadowOf(dialog).message.toString()
        assertTrue(message.contains("打卡需要读取您当前的位置"))
        assertTrue(t.store.attendanceHistory().isEmpty())
        assertFalse(t.store.ledger().any { it.accessor.contains("location") && it.allowed })
    }
}
