package cn.laowu.core

import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** SDK start-up and accesses go through the gate and into the ledger the worker sees. */
class LedgerTest {
    @TempDir
    lateinit var tmp: Path

    private val now = 1_795_456_789_000L

    @Test
    fun `the Amap SDK starts only after attendance is granted, and every answer is recorded`() {
        LaowuStore.open(tmp.resolve("phone").toString(), SoftwareKeyVault()).use { s ->
            val before = s.mayStart("amap-location", now)
            assertFalse(before.allowed)
            assertEquals("attendance", before.purpose)

            val essentials = s.consent().purposes.filter { it.essential }.map { it.id }
            s.accept(essentials + "attendance", now)
            assertTrue(s.mayStart("amap-location", now + 1).allowed)
            s.recordAccess("capability:location", "attendance", DataCategory.LOCATION, "single fix", now + 2)
            val refused = assertThrows<LaowuException.ConsentRequired> {
                s.recordAccess("sdk:tencent-bugly", "crash_reports", DataCategory.DEVICE, null, now + 3)
            }
            assertEquals("crash_reports", refused.purpose)
            assertThrows<LaowuException.InvalidInput> { s.mayStart("no-such-sdk", now) }

            val rows = s.ledger()
            assertEquals(listOf(1uL, 2uL, 3uL, 4uL), rows.map { it.seq })
            assertEquals(listOf(false, true, true, false), rows.map { it.allowed })
            assertEquals("capability:location", rows[2].accessor)
            assertEquals(DataCategory.LOCATION, rows[2].category)
            assertEquals("single fix", rows[2].detail)
            val check = s.verifyLedger()
            assertEquals(4uL, check.count)
            assertEquals(rows.last().hash, check.headHash)

            // The withdrawal of attendance stops the SDK at once.
            s.withdraw("attendance", now + 4)
            assertFalse(s.mayStart("amap-location", now + 5).allowed)

            val export = s.export(now + 6)
            assertTrue(export.contains("\"ledger\""))
            assertTrue(export.contains("capability:location"))
        }
    }
}
