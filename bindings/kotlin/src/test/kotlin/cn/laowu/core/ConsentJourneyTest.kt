package cn.laowu.core

import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** A worker's first run through the consent gate, on the real library. */
class ConsentJourneyTest {
    @TempDir
    lateinit var tmp: Path

    private val now = 1_795_456_789_000L

    private fun ConsentView.grant(id: String) = purposes.single { it.id == id }

    @Test
    fun `first run, gate closed, separate choices, permits, withdraw attendance`() {
        val vault = SoftwareKeyVault()
        val dir = tmp.resolve("phone")
        LaowuStore.open(dir.toString(), vault).use { s ->
            // First run: nothing decided, nothing pre-granted, every purpose to decide.
            val first = s.consent()
            assertEquals(ConsentState.NOT_DECIDED, first.state)
            assertTrue(first.purposes.none { it.granted }, "nothing is pre-granted")
            assertTrue(first.purposes.all { it.needsDecision })
            assertTrue(first.grant("real_name_id").sensitive && first.grant("attendance").sensitive)

            // The gate is closed for every purpose that collects.
            for (category in DataCategory.entries.filter { it != DataCategory.CONSENT && it != DataCategory.LEDGER }) {
                val purpose = purposeFor(category)
                val e = assertThrows<LaowuException.ConsentRequired> { s.put(purpose, category, "x", "张伟", now) }
                assertEquals(purpose, e.purpose)
            }
            assertTrue(s.list(DataCategory.IDENTITY).isEmpty())

            // Essentials plus attendance, each chosen separately; the face check and marketing stay off.
            val essentials = first.purposes.filter { it.essential }.map { it.id }
            val open = s.accept(essentials + "attendance", now)
            assertEquals(ConsentState.OPEN, open.state)
            assertTrue(open.grant("attendance").granted)
            assertFalse(open.grant("real_name_id").granted)
            assertFalse(open.grant("marketing").granted)

            // Permits work for what was granted, not for what was not.
            s.put("registration", DataCategory.IDENTITY, "name", "张伟", now)
            s.put("attendance", DataCategory.LOCATION, "fix", "39.908722,116.397499", now + 1)
            assertThrows<LaowuException.ConsentRequired> {
                s.put("real_name_id", DataCategory.FACE, "liveness", "pass", now)
            }
            val wrongCategory = assertThrows<LaowuException.InvalidInput> {
                s.put("attendance", DataCategory.IDENTITY, "name", "张伟", now)
            }
            assertEquals("category", wrongCategory.field)

            // Withdrawing attendance stops it at once and shreds the location data.
            val shredded = s.withdraw("attendance", now + 2).shredded
            assertEquals(listOf(DataCategory.LOCATION), shredded.map { it.category })
            assertEquals(1uL, shredded.single().rowsRemoved)
            assertTrue(s.list(DataCategory.LOCATION).isEmpty())
            assertThrows<LaowuException.ConsentRequired> {
                s.put("attendance", DataCategory.LOCATION, "fix", "39.9,116.4", now + 3)
            }
            assertEquals(1, s.list(DataCategory.IDENTITY).size, "registration data is untouched")
            assertFalse(s.consent().grant("attendance").granted)

            // An essential purpose cannot be withdrawn alone; unknown purposes are refused by name.
            val essential = assertThrows<LaowuException.InvalidInput> { s.withdraw("registration", now) }
            assertEquals("purpose", essential.field)
            assertThrows<LaowuException.InvalidInput> { s.accept(listOf("spying"), now) }

            // Each decision left a receipt signed by the device key.
            val receipts = s.receipts()
            assertEquals(listOf("decide", "withdraw"), receipts.map { it.event })
            assertTrue(receipts.all { it.signatureValid })
            assertTrue("attendance" in receipts[0].granted && "attendance" in receipts[1].refused)
            assertTrue("marketing" in receipts[0].refused)
            assertEquals(s.consent().policyHash, receipts[1].policyHash)
        }
        // The decision survives a restart.
        LaowuStore.open(dir.toString(), vault).use { s ->
            val view = s.consent()
            assertEquals(ConsentState.OPEN, view.state)
            assertTrue(view.grant("registration").granted)
            assertFalse(view.grant("attendance").granted)
        }
    }

    @Test
    fun `refusing the essential purposes is browse-only`() {
        LaowuStore.open(tmp.resolve("browse").toString(), SoftwareKeyVault()).use { s ->
            val view = s.accept(listOf("attendance"), now)
            assertEquals(ConsentState.BROWSE_ONLY, view.state)
            assertThrows<LaowuException.ConsentRequired> {
                s.put("attendance", DataCategory.LOCATION, "fix", "39.9,116.4", now)
            }
            assertThrows<LaowuException.ConsentRequired> {
                s.put("registration", DataCategory.IDENTITY, "name", "张伟", now)
            }
        }
    }
}
