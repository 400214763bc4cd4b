package cn.laowu.app

import android.widget.Button
import android.widget.TextView
import cn.laowu.app.platform.KeystoreVault
import cn.laowu.app.ui.PrivacyScreen
import cn.laowu.core.DataCategory
import cn.laowu.core.VaultException
import org.junit.After
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric

@RunWith(SharedNativeBindingsRunner::class)
class PrivacyAndVaultTest {
    private lateinit var t: TestCore

    @Before
    fun setUp() {
        t = TestCore()
        t.acceptAll()
        t.addSite()
    }

    @After
    fun tearDown() = t.close()

    @Test
    fun the_privacy_centre_lists_accesses_and_a_withdrawal_takes_effect() {
        t.grantLocation()
        t.placePhone(31.2306, 121.4739)
        t.seeWifi(SITE_BSSID)
        val activity = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        activity.window.decorView.findViewWithTag<Button>("check-in").performClick()
        activity.show(PrivacyScreen(activity))
        val root = activity.window.decorView
        val rows = t.store.ledger()
        assertTrue(rows.isNotEmpty())
        val shown = root.findViewWithTag<TextView>("access:${rows.last().seq}")
        assertTrue(shown.text.contains(rows.last().accessor))

        root.findViewWithTag<Button>("withdraw:attendance").performClick()
        assertFalse(t.store.consent().purposes.single { it.id == "attendance" }.granted)
        val grant = activity.window.decorView.findViewWithTag<TextView>("grant:attendance")
        assertTrue(grant.text.startsWith("✘"))
    }

    @Test
    fun the_keystore_vault_binds_each_key_to_its_category_and_forgets_on_destroy() {
        val vault = KeystoreVault()
        val key = ByteArray(32) { it.toByte() }
        val wrapped = vault.wrap(DataCategory.IDENTITY, key)
        assertFalse(wrapped.asList().windowed(32).any { it == key.asList() })
        assertArrayEquals(key, vault.unwrap(DataCategory.IDENTITY, wrapped))
        try {
            vault.unwrap(DataCategory.LOCATION, wrapped)
            fail("another category's key must not open it")
        } catch (e: VaultException) {
            // Rejected (bad tag) or Unavailable (no key yet for LOCATION): both refuse.
        }
        vault.destroy(DataCategory.IDENTITY)
        try {
            vault.unwrap(DataCategory.IDENTITY, wrapped)
            fail("a destroyed key must not open it")
        } catch (e: VaultException.Unavailable) {
            assertEquals(true, e.message?.contains("identity"))
        }
    }
}
