package cn.laowu.core

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.atomic.AtomicInteger
import kotlin.io.path.isRegularFile
import kotlin.io.path.readBytes
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue

/** Every category's stored name, as the core reports it in errors. */
val categoryNames: Set<String> = DataCategory.entries.map { it.name.lowercase() }.toSet()

/** Opens the store; the first time, the user accepts every purpose (these tests are about the store). */
fun openStore(dir: Path, vault: KeyVault): LaowuStore =
    LaowuStore.open(dir.toString(), vault).also { s ->
        if (s.consent().state == ConsentState.NOT_DECIDED) {
            s.accept(s.consent().purposes.map { it.id }, System.currentTimeMillis())
        }
    }

/** The phone's location capability, faked: returns [fix] and counts the calls. */
class FakeLocation(var fix: LocationFix?) : LocationProvider {
    val calls = AtomicInteger()

    override fun currentFix(): LocationFix? {
        calls.incrementAndGet()
        return fix
    }
}

/** The phone's WiFi capability, faked: returns [aps] and counts the calls. */
class FakeWifi(var aps: List<WifiAccessPoint> = emptyList()) : WifiScanner {
    val calls = AtomicInteger()

    override fun scan(): List<WifiAccessPoint> {
        calls.incrementAndGet()
        return aps
    }
}

/** The bundled policy's purpose that covers a category, for test writes. */
fun purposeFor(category: DataCategory): String = when (category) {
    DataCategory.IDENTITY, DataCategory.CONSENT -> "registration"
    DataCategory.LOCATION -> "attendance"
    DataCategory.FACE -> "real_name_id"
    DataCategory.FINANCIAL -> "real_name_bank"
    DataCategory.DEVICE -> "crash_reports"
    DataCategory.SUPPORT -> "customer_service"
    DataCategory.LEDGER -> "logs"
}

fun LaowuStore.putFor(category: DataCategory, kind: String, value: String, atMs: Long): String =
    put(purposeFor(category), category, kind, value, atMs)

fun StoreStatus.keyPresent(category: DataCategory): Boolean =
    categories.single { it.category == category }.keyPresent

/** A vault whose every call fails with [failure]; counts the calls. */
class FailingVault(private val failure: () -> Throwable) : KeyVault {
    val calls = java.util.concurrent.atomic.AtomicInteger()

    override fun wrap(category: DataCategory, key: ByteArray): ByteArray {
        calls.incrementAndGet()
        throw failure()
    }

    override fun unwrap(category: DataCategory, wrapped: ByteArray): ByteArray {
        calls.incrementAndGet()
        throw failure()
    }

    override fun destroy(category: DataCategory) {
        calls.incrementAndGet()
        throw failure()
    }
}

/** Sends [odd] to [other] and every other category to [main]. */
class SplitVault(
    private val main: KeyVault,
    private val odd: DataCategory,
    private val other: KeyVault,
) : KeyVault {
    private fun pick(category: DataCategory) = if (category == odd) other else main

    override fun wrap(category: DataCategory, key: ByteArray) = pick(category).wrap(category, key)

    override fun unwrap(category: DataCategory, wrapped: ByteArray) = pick(category).unwrap(category, wrapped)

    override fun destroy(category: DataCategory) = pick(category).destroy(category)
}

/** Every regular file under [dir] (recursively) with its bytes. */
fun snapshot(dir: Path): Map<Path, ByteArray> =
    Files.walk(dir).use { paths ->
        paths.filter { it.isRegularFile() }.toList().associate { dir.relativize(it) to it.readBytes() }
    }

fun ByteArray.indexOf(needle: ByteArray): Int {
    if (needle.isEmpty()) return 0
    outer@ for (i in 0..size - needle.size) {
        for (j in needle.indices) if (this[i + j] != needle[j]) continue@outer
        return i
    }
    return -1
}

/**
 * Fails if the UTF-8 bytes of any marker occur in any file under [dir]: sealed values
 * must never reach the disk in clear, whether in the database, its WAL or elsewhere.
 */
fun assertNoMarkersOnDisk(dir: Path, markers: Collection<String>) {
    val files = snapshot(dir)
    assertTrue(files.isNotEmpty(), "the store wrote no file under $dir")
    assertTrue(files.values.sumOf { it.size } > 0, "every file under $dir is empty")
    for ((file, bytes) in files) {
        for (marker in markers) {
            val at = bytes.indexOf(marker.toByteArray(Charsets.UTF_8))
            assertEquals(-1, at, "\"$marker\" appears in clear in $file at byte $at")
        }
    }
}
