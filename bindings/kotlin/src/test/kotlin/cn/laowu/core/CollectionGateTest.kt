package cn.laowu.core

import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** Every FFI operation that collects personal data refuses before consent and works after. */
class CollectionGateTest {
    @TempDir
    lateinit var tmp: Path

    private val now = 1_795_456_789_000L

    /** Each collecting operation, with the purpose it collects for. */
    private val operations: List<Pair<String, (LaowuStore) -> Unit>> = listOf(
        "registration" to { s -> s.put("registration", DataCategory.IDENTITY, "name", "张伟", now) },
        "real_name_id" to { s -> s.put("real_name_id", DataCategory.IDENTITY, "id_number", "11010519491231002X", now) },
        "real_name_id" to { s -> s.put("real_name_id", DataCategory.FACE, "liveness", "pass", now) },
        "real_name_bank" to { s -> s.put("real_name_bank", DataCategory.FINANCIAL, "bank_card", "6222020200112233445", now) },
        "attendance" to { s -> s.put("attendance", DataCategory.LOCATION, "fix", "39.908722,116.397499", now) },
        "fingerprint_login" to { s -> s.put("fingerprint_login", DataCategory.DEVICE, "biometric", "ok", now) },
        "crash_reports" to { s -> s.put("crash_reports", DataCategory.DEVICE, "crash", "trace", now) },
        "customer_service" to { s -> s.put("customer_service", DataCategory.SUPPORT, "call", "通话记录", now) },
        "logs" to { s -> s.put("logs", DataCategory.DEVICE, "ip", "10.0.0.1", now) },
        "marketing" to { s -> s.put("marketing", DataCategory.DEVICE, "preference", "钢筋工", now) },
        "attendance" to { s -> s.recordAccess("capability:location", "attendance", DataCategory.LOCATION, null, now) },
        "crash_reports" to { s -> s.recordAccess("sdk:tencent-bugly", "crash_reports", DataCategory.DEVICE, null, now) },
    )

    @Test
    fun `each collecting operation refuses before consent and works after`() {
        LaowuStore.open(tmp.resolve("phone").toString(), SoftwareKeyVault()).use { s ->
            for ((purpose, op) in operations) {
                val e = assertThrows<LaowuException.ConsentRequired>("$purpose before consent") { op(s) }
                assertEquals(purpose, e.purpose)
            }
            assertTrue(s.holdings().all { it.records == 0uL }, "nothing was stored")
            s.accept(s.consent().purposes.map { it.id }, now)
            for ((_, op) in operations) op(s)
            val held = s.holdings().associate { it.category to it.records }
            assertEquals(2uL, held[DataCategory.IDENTITY])
            assertEquals(1uL, held[DataCategory.LOCATION])
            assertEquals(1uL, held[DataCategory.FINANCIAL])
        }
    }
}
