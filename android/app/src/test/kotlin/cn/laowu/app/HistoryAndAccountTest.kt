package cn.laowu.app

import android.widget.Button
import android.widget.EditText
import android.widget.TextView
import cn.laowu.app.ui.AccountScreen
import cn.laowu.app.ui.HistoryScreen
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric

@RunWith(SharedNativeBindingsRunner::class)
class HistoryAndAccountTest {
    private lateinit var t: TestCore
    private lateinit var activity: MainActivity

    @Before
    fun setUp() {
        t = TestCore()
        t.acceptAll()
        t.addSite()
        activity = Robolectric.buildActivity(MainActivity::class.java).setup().get()
    }

    @After
    fun tearDown() = t.close()

    private fun <T : android.view.View> find(tag: String): T =
        activity.window.decorView.findViewWithTag<T>(tag) ?: error("no view $tag")

    @Test
    fun a_make_up_request_is_filed_through_the_core_and_listed_pending() {
        activity.show(HistoryScreen(activity))
        val yesterday = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).minusDays(1)
        find<EditText>("makeup-date").setText(yesterday.toString())
        find<EditText>("makeup-reason").setText("手机没电")
        find<Button>("makeup").performClick()

        val row = t.store.attendanceHistory().single()
        assertEquals("makeup", row.kind)
        assertEquals("pending", row.review)
        assertTrue(find<TextView>("row:${row.recordId}").text.contains("pending"))
    }

    @Test
    fun a_bad_make_up_date_is_refused_naming_the_field_and_nothing_is_stored() {
        activity.show(HistoryScreen(activity))
        find<EditText>("makeup-date").setText("2026-02-30")
        find<EditText>("makeup-reason").setText("手机没电")
        find<Button>("makeup").performClick()
        assertTrue(t.store.attendanceHistory().isEmpty())
        assertTrue(find<TextView>("message").text.contains("date"))
    }

    @Test
    fun real_name_data_goes_into_the_sealed_store_and_comes_back_masked() {
        activity.show(AccountScreen(activity))
        find<EditText>("phone").setText("13800138000")
        find<EditText>("real-name").setText("张三")
        find<Button>("save-identity").performClick()
        val shown = find<TextView>("identity").text.toString()
        assertEquals("张* 138****8000", shown)
        assertNotNull(t.store.identity().registration)
        // Not in clear anywhere under the store's directory.
        val clear = t.dir.toFile().walk().filter { it.isFile }.any { f ->
            val bytes = f.readBytes()
            String(bytes, Charsets.ISO_8859_1).contains("13800138000") ||
                String(bytes, Charsets.UTF_8).contains("张三")
        }
        assertFalse(clear)
    }

    @Test
    fun a_bad_mobile_number_is_refused_before_any_request() {
        activity.show(AccountScreen(activity))
        find<EditText>("phone").setText("12345")
        find<Button>("send-code").performClick()
        assertTrue(find<TextView>("message").text.contains("mobile"))
    }
}
