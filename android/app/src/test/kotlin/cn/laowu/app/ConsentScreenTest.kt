package cn.laowu.app

import android.widget.Button
import android.widget.CheckBox
import android.widget.TextView
import cn.laowu.app.ui.CheckInScreen
import cn.laowu.app.ui.ConsentScreen
import cn.laowu.core.ConsentState
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
class ConsentScreenTest {
    private lateinit var t: TestCore

    @Before
    fun setUp() {
        t = TestCore()
    }

    @After
    fun tearDown() = t.close()

    private fun launch(): MainActivity =
        Robolectric.buildActivity(MainActivity::class.java).setup().get()

    @Test
    fun first_run_shows_the_policy_and_sdks_with_nothing_ticked_and_one_choice_per_purpose() {
        val activity = launch()
        assertTrue(activity.current is ConsentScreen)
        val root = activity.window.decorView
        val policy = t.store.policy()
        for (purpose in policy.purposes) {
            val box = root.findViewWithTag<CheckBox>("purpose:${purpose.id}")
            assertNotNull(purpose.id, box)
            assertFalse("${purpose.id} is not pre-ticked", box.isChecked)
        }
        val amap = root.findViewWithTag<TextView>("sdk:amap-location")
        assertTrue(amap.text.contains("高德"))
        // Before a decision only the policy is reachable.
        assertEquals(null, root.findViewWithTag<Button>("nav:Check in"))
    }

    @Test
    fun accepting_the_chosen_purposes_grants_exactly_those_and_opens_the_app() {
        val activity = launch()
        val root = activity.window.decorView
        for (id in listOf("registration", "logs", "attendance")) {
            root.findViewWithTag<CheckBox>("purpose:$id").isChecked = true
        }
        root.findViewWithTag<Button>("accept").performClick()

        val consent = t.store.consent()
        assertEquals(ConsentState.OPEN, consent.state)
        val granted = consent.purposes.filter { it.granted }.map { it.id }.toSet()
        assertEquals(setOf("registration", "logs", "attendance"), granted)
        assertTrue(activity.current is CheckInScreen)
    }

    @Test
    fun refusing_leaves_browse_only_and_says_so() {
        val activity = launch()
        activity.window.decorView.findViewWithTag<Button>("refuse").performClick()
        assertEquals(ConsentState.BROWSE_ONLY, t.store.consent().state)
        assertTrue(activity.current is ConsentScreen)
        assertNotNull(activity.window.decorView.findViewWithTag<TextView>("browse-only"))
    }
}
