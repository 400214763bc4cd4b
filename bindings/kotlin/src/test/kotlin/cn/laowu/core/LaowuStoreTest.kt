package cn.laowu.core

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.Executors
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

class LaowuStoreTest {
    @TempDir
    lateinit var tmp: Path

    private val store: Path get() = tmp.resolve("store")

    private val name = "张三"
    private val idNumber = "11010519491231002X"
    private val coordinates = "39.9087,116.3975"
    private val bankCard = "6222020200112233445"

    /** Writes the fixture records; returns their ids in write order. */
    private fun writeFixture(s: LaowuStore): List<String> = listOf(
        s.putFor(DataCategory.IDENTITY, "name", name, 1_700_000_000_001),
        s.putFor(DataCategory.IDENTITY, "id_number", idNumber, 1_700_000_000_002),
        s.putFor(DataCategory.LOCATION, "check_in", coordinates, 1_700_000_000_003),
        s.putFor(DataCategory.FINANCIAL, "bank.card", bankCard, 1_700_000_000_004),
    )

    private val fixtureMarkers get() = listOf(name, idNumber, coordinates, bankCard)

    private fun assertFixture(s: LaowuStore, ids: List<String>) {
        val identity = s.list(DataCategory.IDENTITY)
        assertEquals(listOf(ids[0], ids[1]), identity.map { it.id })
        assertEquals(listOf("name", "id_number"), identity.map { it.kind })
        assertEquals(listOf(name, idNumber), identity.map { it.value })
        assertEquals(listOf(1_700_000_000_001L, 1_700_000_000_002L), identity.map { it.atMs })
        assertTrue(identity.all { it.category == DataCategory.IDENTITY })
        assertEquals(listOf(coordinates), s.list(DataCategory.LOCATION).map { it.value })
        assertEquals(listOf(bankCard), s.list(DataCategory.FINANCIAL).map { it.value })
        assertEquals(emptyList<SealedRecord>(), s.list(DataCategory.FACE))
        val card = checkNotNull(s.get(ids[3])) { "record ${ids[3]} not found" }
        assertEquals(SealedRecord(ids[3], DataCategory.FINANCIAL, "bank.card", bankCard, 1_700_000_000_004), card)
    }

    @Test
    fun `sealed values are written and read back`() {
        val vault = SoftwareKeyVault()
        openStore(store, vault).use { s ->
            val ids = writeFixture(s)
            assertEquals(ids.size, ids.toSet().size, "record ids must be distinct: $ids")
            assertTrue(ids.all { it.isNotBlank() })

            val got = checkNotNull(s.get(ids[0])) { "record ${ids[0]} not found" }
            assertEquals(ids[0], got.id)
            assertEquals(DataCategory.IDENTITY, got.category)
            assertEquals("name", got.kind)
            assertEquals("张三", got.value)
            assertEquals(1_700_000_000_001L, got.atMs)
            assertEquals(18, s.get(ids[1])!!.value.length)
            assertEquals(coordinates, s.get(ids[2])!!.value)
            assertNull(s.get("0".repeat(32)), "a well-formed id that was never written")
            assertFixture(s, ids)

            val status = s.status()
            assertTrue(status.schemaVersion > 0u, "schema version ${status.schemaVersion}")
            assertTrue(status.path.startsWith(store.toString()), "status path ${status.path}")
            assertEquals(DataCategory.entries.toSet(), status.categories.map { it.category }.toSet())
            for (c in listOf(DataCategory.IDENTITY, DataCategory.LOCATION, DataCategory.FINANCIAL)) {
                assertTrue(status.keyPresent(c), "no key for $c in $status")
            }

            // The core sealed its data keys with the platform vault, never in clear.
            assertTrue(vault.wrapCalls.get() >= 3, "wrap called ${vault.wrapCalls} times")
            assertTrue(vault.wrappedKeySizes.all { it == 32 }, "wrapped key sizes ${vault.wrappedKeySizes}")
            assertEquals(0, vault.destroyCalls.get())

            assertNoMarkersOnDisk(store, fixtureMarkers)
        }
        assertNoMarkersOnDisk(store, fixtureMarkers)
    }

    @Test
    fun `list keeps insertion order within a category`() {
        openStore(store, SoftwareKeyVault()).use { s ->
            val written = (0 until 30).map { i ->
                // Timestamps run backwards and another category is interleaved, so
                // only insertion order explains the expected order.
                s.putFor(DataCategory.SUPPORT, "receipt", "同意-$i", 2_000_000L - i).also {
                    s.putFor(DataCategory.LEDGER, "sdk", "ledger-$i", i.toLong())
                }
            }
            val listed = s.list(DataCategory.SUPPORT)
            assertEquals(written, listed.map { it.id })
            assertEquals((0 until 30).map { "同意-$it" }, listed.map { it.value })
            assertEquals((0 until 30).map { "ledger-$it" }, s.list(DataCategory.LEDGER).map { it.value })
        }
    }

    @Test
    fun `reopening with the same vault reads everything back`() {
        val master = SoftwareKeyVault.randomBytes(32)
        val vault = SoftwareKeyVault(master)
        val ids = openStore(store, vault).use { writeFixture(it) }
        val unwrapsBefore = vault.unwrapCalls.get()
        openStore(store, vault).use { s ->
            assertFixture(s, ids)
            assertTrue(s.status().keyPresent(DataCategory.IDENTITY))
        }
        assertTrue(vault.unwrapCalls.get() - unwrapsBefore >= 3, "reopening unwrapped ${vault.unwrapCalls} keys")
        // A vault built from the same master key (a new process) works just as well.
        openStore(store, SoftwareKeyVault(master.copyOf())).use { assertFixture(it, ids) }
        assertNoMarkersOnDisk(store, fixtureMarkers)
    }

    @Test
    fun `a vault with another master key is WrongKey and changes nothing`() {
        val master = SoftwareKeyVault.randomBytes(32)
        val ids = openStore(store, SoftwareKeyVault(master)).use { writeFixture(it) }
        val before = snapshot(store).filterKeys { !it.toString().endsWith("-shm") }

        val wrong = SoftwareKeyVault()
        val e = assertThrows<LaowuException.WrongKey> { openStore(store, wrong) }
        assertTrue(e.category in categoryNames, "WrongKey names category \"${e.category}\"")
        assertTrue(wrong.unwrapCalls.get() >= 1, "the core did not ask the vault to unwrap")
        assertEquals(0, wrong.wrapCalls.get(), "a wrong vault must not be given new keys")
        assertEquals(0, wrong.destroyCalls.get())

        val after = snapshot(store).filterKeys { !it.toString().endsWith("-shm") }
        assertEquals(before.keys, after.keys, "files changed by a failed open")
        for ((file, bytes) in before) assertArrayEquals(bytes, after[file], "$file changed by a failed open")

        openStore(store, SoftwareKeyVault(master)).use { assertFixture(it, ids) }
    }

    @Test
    fun `WrongKey names the category whose key the vault refuses`() {
        val right = SoftwareKeyVault()
        val ids = openStore(store, right).use { writeFixture(it) }
        val split = SplitVault(right, DataCategory.FINANCIAL, SoftwareKeyVault())
        val e = assertThrows<LaowuException.WrongKey> { openStore(store, split) }
        assertEquals("financial", e.category)
        openStore(store, right).use { assertFixture(it, ids) }
    }

    @Test
    fun `an unavailable vault is KeyUnavailable`() {
        val right = SoftwareKeyVault()
        val ids = openStore(store, right).use { writeFixture(it) }
        val gone = FailingVault { VaultException.Unavailable("user not authenticated") }
        val e = assertThrows<LaowuException.KeyUnavailable> { openStore(store, gone) }
        assertTrue(e.category in categoryNames, "KeyUnavailable names category \"${e.category}\"")
        assertTrue(gone.calls.get() >= 1)
        openStore(store, right).use { assertFixture(it, ids) }

        // A new store cannot get its keys sealed either (whether keys are made at open or first put).
        val fresh = tmp.resolve("fresh")
        assertThrows<LaowuException.KeyUnavailable> {
            openStore(fresh, gone).use { it.putFor(DataCategory.IDENTITY, "name", name, 1) }
        }
    }

    @Test
    fun `an unexpected exception in the vault becomes a typed error`() {
        val right = SoftwareKeyVault()
        val ids = openStore(store, right).use { writeFixture(it) }
        val broken = FailingVault { IllegalStateException("keystore bug") }
        val e = assertThrows<LaowuException.KeyUnavailable> { openStore(store, broken) }
        assertTrue(e.category in categoryNames, "KeyUnavailable names category \"${e.category}\"")
        assertTrue(broken.calls.get() >= 1)
        // The foreign message could carry anything; the core does not echo it.
        assertFalse(e.message.orEmpty().contains("keystore bug"), "message: ${e.message}")

        val fresh = tmp.resolve("fresh")
        assertThrows<LaowuException.KeyUnavailable> {
            openStore(fresh, FailingVault { RuntimeException("boom") }).use {
                it.putFor(DataCategory.IDENTITY, "name", name, 1)
            }
        }
        // The library is still usable afterwards.
        openStore(store, right).use { assertFixture(it, ids) }
    }

    @Test
    fun `an invalid kind is InvalidInput and writes nothing`() {
        openStore(store, SoftwareKeyVault()).use { s ->
            for (kind in listOf("", "Name", "has space", "名字", "a/b", "x".repeat(65))) {
                val e = assertThrows<LaowuException.InvalidInput>("kind \"$kind\"") {
                    s.putFor(DataCategory.IDENTITY, kind, name, 1)
                }
                assertEquals("kind", e.field, "kind \"$kind\"")
            }
            assertEquals(emptyList<SealedRecord>(), s.list(DataCategory.IDENTITY))

            val ok = listOf("x".repeat(64), "a", "bank.card_2-b")
            for (kind in ok) s.putFor(DataCategory.IDENTITY, kind, "v", 1)
            assertEquals(ok, s.list(DataCategory.IDENTITY).map { it.kind })
        }
    }

    @Test
    fun `shred removes a category and every trace of it`() {
        val vault = SoftwareKeyVault()
        openStore(store, vault).use { s ->
            val identity = listOf(
                s.putFor(DataCategory.IDENTITY, "name", name, 1),
                s.putFor(DataCategory.IDENTITY, "id_number", idNumber, 2),
                s.putFor(DataCategory.IDENTITY, "mobile", "13800138000", 3),
            )
            val location = s.putFor(DataCategory.LOCATION, "check_in", coordinates, 4)
            val financial = s.putFor(DataCategory.FINANCIAL, "bank.card", bankCard, 5)
            assertTrue(s.status().keyPresent(DataCategory.IDENTITY))

            assertEquals(3uL, s.shred(DataCategory.IDENTITY))

            assertEquals(emptyList<SealedRecord>(), s.list(DataCategory.IDENTITY))
            for (id in identity) assertNull(s.get(id), "record $id survived the shred")
            assertFalse(s.status().keyPresent(DataCategory.IDENTITY), "identity key survived: ${s.status()}")
            assertEquals(listOf(DataCategory.IDENTITY), vault.destroyed.toList())
            assertEquals(1, vault.destroyCalls.get())

            // Other categories are untouched.
            assertEquals(coordinates, s.get(location)!!.value)
            assertEquals(listOf(bankCard), s.list(DataCategory.FINANCIAL).map { it.value })
            assertEquals(financial, s.list(DataCategory.FINANCIAL).single().id)
            assertTrue(s.status().keyPresent(DataCategory.LOCATION))

            assertEquals(0uL, s.shred(DataCategory.FACE))
            assertNoMarkersOnDisk(store, listOf(name, idNumber, "13800138000", coordinates, bankCard))
        }
        assertNoMarkersOnDisk(store, listOf(name, idNumber, "13800138000", coordinates, bankCard))

        openStore(store, vault).use { s ->
            assertEquals(emptyList<SealedRecord>(), s.list(DataCategory.IDENTITY))
            assertEquals(listOf(coordinates), s.list(DataCategory.LOCATION).map { it.value })
            assertEquals(listOf(bankCard), s.list(DataCategory.FINANCIAL).map { it.value })
        }
    }

    @Test
    fun `a regular file where the store directory should be is StoreIo`() {
        val file = Files.writeString(tmp.resolve("not-a-dir"), "just a file")
        assertThrows<LaowuException.StoreIo> { openStore(file, SoftwareKeyVault()) }
        assertThrows<LaowuException.StoreIo> { openStore(file.resolve("below"), SoftwareKeyVault()) }
        assertEquals("just a file", Files.readString(file))
    }

    @Test
    fun `puts from several threads at once all land`() {
        val threads = 4
        val perThread = 50
        val pool = Executors.newFixedThreadPool(threads)
        try {
            openStore(store, SoftwareKeyVault()).use { s ->
                val barrier = CyclicBarrier(threads)
                val dispatcher = pool.asCoroutineDispatcher()
                val ids = runBlocking {
                    (0 until threads).map { t ->
                        async(dispatcher) {
                            barrier.await()
                            (0 until perThread).map { i ->
                                val id = s.putFor(DataCategory.LEDGER, "sdk.call", "线程$t-$i", (t * 1000 + i).toLong())
                                // Reads interleaved with other threads' writes.
                                assertEquals("线程$t-$i", s.get(id)?.value)
                                id
                            }
                        }
                    }.awaitAll()
                }
                val all = ids.flatten()
                assertEquals(threads * perThread, all.size)
                assertEquals(all.size, all.toSet().size, "duplicate record ids")

                val listed = s.list(DataCategory.LEDGER)
                assertEquals(all.toSet(), listed.map { it.id }.toSet())
                val expected = (0 until threads).flatMap { t -> (0 until perThread).map { "线程$t-$it" } }
                assertEquals(expected.toSet(), listed.map { it.value }.toSet())
                assertEquals(threads * perThread, listed.size)
                // Each thread's own writes keep their order.
                for ((t, mine) in ids.withIndex()) {
                    assertEquals(mine, listed.map { it.id }.filter { it in mine.toSet() }, "thread $t order")
                }
            }
        } finally {
            pool.shutdownNow()
        }
    }
}
