package cn.laowu.core

import java.nio.file.Files
import java.nio.file.Path
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneId
import java.util.concurrent.atomic.AtomicInteger
import kotlin.io.path.exists
import kotlin.io.path.name
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** The phone's biometric prompt, faked: answers [outcome] and counts the calls. */
private class FakeBiometric(var outcome: BiometricOutcome) : BiometricPrompt {
    val calls = AtomicInteger()

    override fun authenticate(title: String): BiometricOutcome {
        calls.incrementAndGet()
        return outcome
    }
}

/** A worker registering, proving who they are and leaving, through the real library. */
class IdentityJourneyTest {
    @TempDir
    lateinit var tmp: Path

    /** 2026-11-24 10:00 in Asia/Shanghai. */
    private val now = 1_795_485_600_000L
    private val today = Instant.ofEpochMilli(now).atZone(ZoneId.of("Asia/Shanghai")).toLocalDate()

    private val name = "欧阳娜娜"
    private val maskedName = "欧***"
    private val mobile = "13812341234"
    private val maskedMobile = "138****1234"
    private val idNumber = "11010519491231002X"
    private val maskedId = "110105********002X"
    /** Another valid number (check character 6), for corrections. */
    private val otherId = "110105198001010016"
    private val card = "6222020200112233446"
    private val badCard = "6222020200112233445"
    private val creditCode = "91350100M000100Y43"
    private val maskedCreditCode = "91************0Y43"
    private val company = "福州老五建筑劳务有限公司"

    /** Distinctive ASCII markers inside the photo and face-image bytes. */
    private val frontMarker = "LAOWU-FRONT-PHOTO-MARKER-7f3a91"
    private val backMarker = "LAOWU-BACK-PHOTO-MARKER-c44e02"
    private val imageMarker = "LAOWU-FACE-IMAGE-MARKER-5b1d6e"

    private fun photo(marker: String) =
        byteArrayOf(0xFF.toByte(), 0xD8.toByte(), 0xFF.toByte()) + marker.toByteArray(Charsets.US_ASCII) +
            SoftwareKeyVault.randomBytes(64) + marker.toByteArray(Charsets.US_ASCII)

    private fun face(score: Double = 0.96, passed: Boolean = true) =
        FaceCheck(passed = passed, score = score, sdkVersion = "8.4.2", image = photo(imageMarker))

    private fun ByteArray.hex() = joinToString("") { "%02x".format(it) }

    /** A new store in [dir]; [all] accepts every purpose, otherwise only the essential ones. */
    private fun phone(dir: String, all: Boolean = true): LaowuStore {
        val s = LaowuStore.open(tmp.resolve(dir).toString(), SoftwareKeyVault())
        val purposes = s.consent().purposes
        s.accept(if (all) purposes.map { it.id } else purposes.filter { it.essential }.map { it.id }, now - 60_000)
        return s
    }

    /** Registration, the ID path with a passing face check, the bank path and a company. */
    private fun LaowuStore.everything(): IdentityInfo {
        register(name, mobile, now)
        setIdPath(name, idNumber, photo(frontMarker), photo(backMarker), face(), now + 1_000)
        setBankPath(name, card, "中国工商银行", "木工", "福建省福州市鼓楼区五四路100号", now + 2_000)
        return setCompany(company, creditCode, now + 3_000)
    }

    @Test
    fun `registration and each real-name path wait for their own grant`() {
        LaowuStore.open(tmp.resolve("undecided").toString(), SoftwareKeyVault()).use { s ->
            assertEquals(ConsentState.NOT_DECIDED, s.consent().state)
            val e = assertThrows<LaowuException.ConsentRequired> { s.register(name, mobile, now) }
            assertEquals("registration", e.purpose)
            val id = assertThrows<LaowuException.ConsentRequired> {
                s.setIdPath(name, idNumber, null, null, face(), now)
            }
            assertEquals("real_name_id", id.purpose)
            val identity = s.identity()
            assertNull(identity.registration)
            assertNull(identity.accountId, "an account id was made before consent")
        }

        phone("essentials", all = false).use { s ->
            assertEquals(ConsentState.OPEN, s.consent().state)
            val registered = s.register(name, mobile, now)
            assertEquals(maskedMobile, registered.registration?.mobile)

            val id = assertThrows<LaowuException.ConsentRequired> {
                s.setIdPath(name, idNumber, photo(frontMarker), photo(backMarker), face(), now)
            }
            assertEquals("real_name_id", id.purpose)
            val bank = assertThrows<LaowuException.ConsentRequired> {
                s.setBankPath(name, card, "中国工商银行", "木工", "福州", now)
            }
            assertEquals("real_name_bank", bank.purpose)

            val after = s.identity()
            assertNull(after.idPath)
            assertNull(after.bankPath)
            assertEquals(registered, after)
            assertTrue(s.ledger().none { it.accessor == "sdk:baidu-face-offline" }, "ledger: ${s.ledger()}")
        }
    }

    @Test
    fun `with every grant the paths are stored and shown masked, the export has no image`() {
        phone("all").use { s ->
            val registered = s.register(name, mobile, now)
            val reg = checkNotNull(registered.registration)
            assertEquals(maskedMobile, reg.mobile)
            assertEquals(maskedName, reg.name)
            val accountId = checkNotNull(registered.accountId)
            assertTrue(Regex("[0-9a-f]{32}").matches(accountId), "account id $accountId")
            assertNull(registered.idPath)
            assertNull(registered.bankPath)
            assertNull(registered.company)
            assertFalse(registered.quickLogin)

            // Other written forms of the same number give the same account and mask.
            for (form in listOf("+86 138-1234-1234", "１３８１２３４１２３４")) {
                val again = s.register(name, form, now + 10)
                assertEquals(maskedMobile, again.registration?.mobile, form)
                assertEquals(accountId, again.accountId, "registering again changed the account id")
            }

            val ledgerBefore = s.ledger().size
            val withId = s.setIdPath(name, idNumber, photo(frontMarker), photo(backMarker), face(), now + 1_000)
            val idPath = checkNotNull(withId.idPath)
            assertEquals(maskedId, idPath.idNumber)
            assertEquals(maskedName, idPath.name)
            assertEquals(listOf("front", "back"), idPath.photos)
            assertTrue(idPath.verified)
            assertEquals("pass", idPath.faceVerdict)
            assertEquals(0.96, idPath.faceScore)
            assertEquals("8.4.2", idPath.faceSdkVersion)
            assertEquals(accountId, withId.accountId)

            val face = s.ledger().drop(ledgerBefore).filter { it.accessor == "sdk:baidu-face-offline" }
            assertEquals(1, face.size, "ledger: ${s.ledger()}")
            assertTrue(face.single().allowed)
            assertEquals("real_name_id", face.single().purpose)
            assertEquals(DataCategory.FACE, face.single().category)

            // The export holds the full number (it is the worker's own data) but never the images.
            val export = s.export(now + 1_500)
            assertTrue(export.contains(idNumber), "the export lacks the full ID number")
            for (marker in listOf(frontMarker, backMarker, imageMarker)) {
                assertFalse(export.contains(marker), "the export holds image bytes ($marker)")
                assertFalse(
                    export.contains(marker.toByteArray(Charsets.US_ASCII).hex()),
                    "the export holds image bytes as hex ($marker)",
                )
            }

            val withBank = s.setBankPath(name, card, "中国工商银行", "木工", "福建省福州市鼓楼区五四路100号", now + 2_000)
            val bank = checkNotNull(withBank.bankPath)
            assertEquals("****3446", bank.bankCard)
            assertEquals(maskedName, bank.name)
            assertEquals("中国工商银行", bank.bank)
            assertEquals("木工", bank.occupation)
            assertEquals("福建省福***", bank.address)
            assertEquals(withId.idPath, withBank.idPath, "the bank path changed the ID path")

            val withCompany = s.setCompany(company, creditCode, now + 3_000)
            val co = checkNotNull(withCompany.company)
            assertEquals(maskedCreditCode, co.creditCode)
            assertEquals(company, co.name)
            assertEquals(withCompany, s.identity())
        }
    }

    @Test
    fun `bad input is InvalidInput naming the field and changes nothing`() {
        phone("bad-input").use { s ->
            val before = s.everything()
            val ledgerBefore = s.ledger().size

            fun refused(field: String, call: () -> Unit) {
                val e = assertThrows<LaowuException.InvalidInput>(field) { call() }
                assertEquals(field, e.field, "reason: ${e.reason}")
                assertEquals(before, s.identity(), "a refused $field changed the identity")
            }

            refused("mobile") { s.register(name, "1381234123", now + 10_000) }
            refused("id_number") {
                s.setIdPath(name, "110105194912310021", photo(frontMarker), null, face(), now + 10_000)
            }
            val future = assertThrows<LaowuException.InvalidInput> {
                s.setIdPath(name, "110105209912310029", null, null, face(), now + 10_000)
            }
            assertEquals("id_number", future.field)
            assertTrue(future.reason.contains("future"), "reason: ${future.reason}")
            assertEquals(before, s.identity())
            refused("bank_card") { s.setBankPath(name, badCard, "中国工商银行", "木工", "福州", now + 10_000) }
            refused("credit_code") { s.setCompany(company, "91350100M000100Y44", now + 10_000) }
            refused("face_score") {
                s.setIdPath(name, otherId, photo(frontMarker), photo(backMarker), face(score = 1.5), now + 10_000)
            }

            assertEquals(ledgerBefore, s.ledger().size, "a refused input left a ledger entry")
        }
    }

    @Test
    fun `corrections follow the rules`() {
        phone("corrections").use { s ->
            s.register(name, mobile, now)
            s.setBankPath(name, card, "中国工商银行", "木工", "福建省福州市鼓楼区五四路100号", now + 1_000)

            val before = s.identity()
            val m = assertThrows<LaowuException.InvalidInput> { s.correct("mobile", "13912341234", now + 2_000) }
            assertEquals("mobile", m.field)
            assertTrue(m.reason.contains("SMS"), "reason: ${m.reason}")
            assertEquals(before, s.identity())

            val corrected = s.correct("occupation", "钢筋工", now + 3_000)
            assertEquals("钢筋工", corrected.bankPath?.occupation)
            assertEquals("****3446", corrected.bankPath?.bankCard)
            assertEquals("钢筋工", s.identity().bankPath?.occupation)

            // Unverified ID data may be corrected; once the face check passed, it may not.
            s.setIdPath(name, idNumber, null, null, null, now + 4_000)
            assertEquals("110105********0016", s.correct("id_number", otherId, now + 5_000).idPath?.idNumber)
            val verified = s.setIdPath(name, idNumber, photo(frontMarker), photo(backMarker), face(), now + 6_000)
            assertTrue(verified.idPath!!.verified)
            val id = assertThrows<LaowuException.InvalidInput> { s.correct("id_number", otherId, now + 7_000) }
            assertEquals("id_number", id.field)
            assertEquals(verified, s.identity())
            assertEquals(maskedId, s.identity().idPath?.idNumber)
        }
    }

    @Test
    fun `quick login needs its grant and a passed prompt`() {
        phone("quick-no-grant", all = false).use { s ->
            val prompt = FakeBiometric(BiometricOutcome.PASSED)
            val e = assertThrows<LaowuException.ConsentRequired> { s.enableQuickLogin(prompt, now) }
            assertEquals("fingerprint_login", e.purpose)
            val login = assertThrows<LaowuException.ConsentRequired> { s.quickLogin(prompt, now) }
            assertEquals("fingerprint_login", login.purpose)
            assertEquals(0, prompt.calls.get(), "the prompt was shown without the grant")
            assertFalse(s.identity().quickLogin)
            assertTrue(s.ledger().none { it.accessor == "capability:biometric" })
        }

        phone("quick").use { s ->
            s.register(name, mobile, now)
            val prompt = FakeBiometric(BiometricOutcome.FAILED)

            // Not on yet: refused without a prompt.
            val off = assertThrows<LaowuException.InvalidInput> { s.quickLogin(prompt, now) }
            assertEquals("quick_login", off.field)
            assertEquals(0, prompt.calls.get())

            assertFalse(s.enableQuickLogin(prompt, now + 1_000))
            assertEquals(1, prompt.calls.get())
            assertFalse(s.identity().quickLogin)

            prompt.outcome = BiometricOutcome.PASSED
            assertTrue(s.enableQuickLogin(prompt, now + 2_000))
            assertEquals(2, prompt.calls.get())
            assertTrue(s.identity().quickLogin)

            assertTrue(s.quickLogin(prompt, now + 3_000))
            prompt.outcome = BiometricOutcome.FAILED
            assertFalse(s.quickLogin(prompt, now + 4_000))
            prompt.outcome = BiometricOutcome.UNAVAILABLE
            assertFalse(s.quickLogin(prompt, now + 5_000))
            assertEquals(5, prompt.calls.get())
            assertTrue(s.identity().quickLogin, "a failed prompt turned quick login off")

            val biometric = s.ledger().filter { it.accessor == "capability:biometric" }
            assertEquals(5, biometric.size, "ledger: ${s.ledger()}")
            assertTrue(biometric.all { it.allowed && it.purpose == "fingerprint_login" }, "ledger: $biometric")
            assertTrue(biometric.all { it.category == DataCategory.DEVICE })
            assertEquals(
                listOf("failed", "passed", "passed", "failed", "unavailable"),
                biometric.map { it.detail },
            )

            // Off and on again by the worker's own switch.
            s.disableQuickLogin()
            assertFalse(s.identity().quickLogin)
            prompt.outcome = BiometricOutcome.PASSED
            assertTrue(s.enableQuickLogin(prompt, now + 6_000))
            assertTrue(s.identity().quickLogin)

            // Withdrawing the grant turns it off and stops the prompt.
            s.withdraw("fingerprint_login", now + 7_000)
            assertFalse(s.identity().quickLogin)
            val calls = prompt.calls.get()
            val withdrawn = assertThrows<LaowuException.ConsentRequired> { s.quickLogin(prompt, now + 8_000) }
            assertEquals("fingerprint_login", withdrawn.purpose)
            assertEquals(calls, prompt.calls.get())
            assertEquals(maskedMobile, s.identity().registration?.mobile, "registration was touched")
        }
    }

    @Test
    fun `withdrawing real_name_id removes the ID path and shreds the face data`() {
        phone("withdraw-id").use { s ->
            val before = s.everything()
            assertNotNull(before.idPath)

            val result = s.withdraw("real_name_id", now + 10_000)
            assertTrue(DataCategory.FACE in result.shredded.map { it.category }, "shredded: ${result.shredded}")

            val after = s.identity()
            assertNull(after.idPath, "the ID path survived the withdrawal")
            assertEquals(before.registration, after.registration)
            assertEquals(before.bankPath, after.bankPath)
            assertEquals(before.company, after.company)
            assertEquals(before.accountId, after.accountId)
            assertTrue(s.list(DataCategory.FACE).isEmpty())
            assertFalse(s.export(now + 11_000).contains(idNumber), "the export still holds the ID number")

            val e = assertThrows<LaowuException.ConsentRequired> {
                s.setIdPath(name, idNumber, null, null, face(), now + 12_000)
            }
            assertEquals("real_name_id", e.purpose)
        }
    }

    @Test
    fun `deleting the account leaves only the signed request`() {
        val dir = tmp.resolve("delete")
        val s = phone("delete")
        s.use {
            val shown = s.everything()
            val accountId = checkNotNull(shown.accountId)

            val deletion = s.deleteAccount(now + 10_000)
            assertEquals(accountId, deletion.accountId)
            assertEquals(today, LocalDate.parse(deletion.requestedOn))
            val deadline = LocalDate.parse(deletion.deadline)
            assertTrue(deadline.isAfter(LocalDate.parse(deletion.requestedOn)), "deadline $deadline")
            assertTrue(
                deletion.deadlineBasis in setOf("working_days", "calendar_days"),
                "basis ${deletion.deadlineBasis}",
            )
            val request = Path.of(deletion.requestPath)
            assertTrue(request.exists(), "no request at $request")
            assertTrue(Files.readString(request).contains(accountId), "the request does not name the account")

            assertNoStoreLeft(dir)
            assertThrows<LaowuException> { s.identity() }
            assertNoStoreLeft(dir)
        }
        // Closing the object writes nothing back.
        assertNoStoreLeft(dir)
    }

    private fun assertNoStoreLeft(dir: Path) {
        val files = snapshot(dir)
        val db = files.keys.filter { it.name.startsWith("laowu.db") }
        assertTrue(db.isEmpty(), "store files remain: $db")
        for ((file, bytes) in files) {
            for (secret in listOf(mobile, idNumber, name, card)) {
                val at = bytes.indexOf(secret.toByteArray(Charsets.UTF_8))
                assertEquals(-1, at, "\"$secret\" remains in $file at byte $at")
            }
        }
    }
}
