package cn.laowu.core

import java.io.BufferedReader
import java.io.IOException
import java.io.InputStreamReader
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException
import kotlin.io.path.exists
import kotlin.io.path.isExecutable
import kotlin.io.path.readLines
import kotlin.io.path.writeText
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/**
 * A worker's phone against the real `laowu-server` binary, through the real library:
 * registration by SMS code, the first sync (sites, trusted time), a check-in pushed
 * exactly once. scripts/test-kotlin.sh builds the server and passes its path as the
 * `laowu.server.bin` system property (or `LAOWU_SERVER_BIN`).
 *
 * The library's server calls block; a shell makes them on Dispatchers.IO. Here the
 * test thread is the background thread.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerSyncJourneyTest {
    private lateinit var work: Path
    private lateinit var data: Path
    private lateinit var bin: Path
    private var server: Process? = null
    private lateinit var url: String
    /** `admin site add`'s exit code and output; only the sync journey needs the site. */
    private var siteAdd: Pair<Int, String> = -1 to "not run"

    /** The server's stderr, kept for failure messages (the pipe is drained so it never blocks). */
    private val serverLog = StringBuffer()

    @TempDir
    lateinit var tmp: Path

    private val password = "a-good-password-1"
    private val siteId = "site-1"
    private val siteLat = 31.2304
    private val siteLon = 121.4737
    private val siteBssid = "a4:56:02:11:22:33"
    private val siteSsid = "LAOWU"

    /** Quick retries: a test should fail in seconds, not in the defaults' minute. */
    private val options = SyncOptions(batchSize = 100u, maxAttempts = 3u, baseDelayMs = 50u, maxDelayMs = 500u)

    /** A monotonic "time since boot" for the phone, as elapsedRealtime() would give. */
    private val bootBase = 5_000_000L
    private val nanoBase = System.nanoTime()
    private fun elapsed(): Long = bootBase + (System.nanoTime() - nanoBase) / 1_000_000

    private fun wall(): Long = System.currentTimeMillis()

    @BeforeAll
    fun startServer() {
        bin = (System.getProperty("laowu.server.bin")?.takeIf { it.isNotBlank() }
            ?: System.getenv("LAOWU_SERVER_BIN")?.takeIf { it.isNotBlank() }
            ?: "../../target/debug/laowu-server").let { Paths.get(it).toAbsolutePath().normalize() }
        check(bin.exists() && bin.isExecutable()) {
            "no laowu-server binary at $bin: run scripts/test-kotlin.sh (it builds one) " +
                "or set -Dlaowu.server.bin / LAOWU_SERVER_BIN"
        }
        work = Files.createTempDirectory("laowu-server-journey")
        data = work.resolve("server-data")

        val process = ProcessBuilder(bin.toString(), "--listen", "127.0.0.1:0", "--data", data.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .also { it.environment()["LAOWU_LOG"] = "info" }
            .start()
        server = process
        val listening = CompletableFuture<String>()
        val prefix = "laowu-server: listening on "
        Thread({
            try {
                BufferedReader(InputStreamReader(process.errorStream, Charsets.UTF_8)).useLines { lines ->
                    for (line in lines) {
                        if (serverLog.length < 200_000) serverLog.append(line).append('\n')
                        val at = line.indexOf(prefix)
                        if (at >= 0) listening.complete(line.substring(at + prefix.length).trim())
                    }
                }
            } catch (_: IOException) {
                // The pipe closes when the server is stopped.
            }
            listening.completeExceptionally(IllegalStateException("the server exited:\n$serverLog"))
        }, "laowu-server-stderr").apply { isDaemon = true }.start()

        val address = try {
            listening.get(30, TimeUnit.SECONDS)
        } catch (e: TimeoutException) {
            throw IllegalStateException("the server did not say where it listens within 30 s:\n$serverLog", e)
        }
        url = "http://$address"

        // The site exists on the server before any phone syncs.
        val spec = work.resolve("site.json")
        spec.writeText(
            """{"id":"$siteId","name":"一号工地","fences":[{"type":"circle","lat":$siteLat,"lon":$siteLon,"radius_m":300.0}],""" +
                """"wifi":[{"bssid":"$siteBssid","ssid":"$siteSsid"}]}""",
        )
        siteAdd = admin("site", "add", "--file", spec.toString())
    }

    @AfterAll
    fun stopServer() {
        server?.let { p ->
            p.destroy()
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly()
                p.waitFor(5, TimeUnit.SECONDS)
            }
        }
        if (::work.isInitialized) work.toFile().deleteRecursively()
    }

    /** Runs `laowu-server admin ARGS --data <data>`; returns the exit code and stdout plus stderr. */
    private fun admin(vararg args: String): Pair<Int, String> {
        val p = ProcessBuilder(listOf(bin.toString(), "admin") + args + listOf("--data", data.toString()))
            .redirectErrorStream(true)
            .start()
        val out = p.inputStream.readBytes().toString(Charsets.UTF_8)
        check(p.waitFor(60, TimeUnit.SECONDS)) { "laowu-server admin ${args.joinToString(" ")} hung" }
        return p.exitValue() to out
    }

    /** The newest code the server texted to [mobile] (`<data>/sms.log` holds "<phone> <code>" lines). */
    private fun smsCode(mobile: String): String {
        val log = data.resolve("sms.log")
        val code = if (log.exists()) {
            log.readLines().asReversed().firstNotNullOfOrNull { line ->
                val parts = line.trim().split(' ')
                if (parts.size == 2 && parts[0].endsWith(mobile)) parts[1] else null
            }
        } else {
            null
        }
        return checkNotNull(code) { "no code was texted to the number; server log:\n$serverLog" }
    }

    /** A new phone whose user granted every purpose. */
    private fun phone(name: String): LaowuStore {
        val s = LaowuStore.open(tmp.resolve(name).toString(), SoftwareKeyVault())
        s.accept(s.consent().purposes.map { it.id }, wall())
        return s
    }

    private fun insideFix(deviceMs: Long, elapsedMs: Long) = LocationFix(
        lat = siteLat + 0.0001,
        lon = siteLon + 0.0001,
        accuracyM = 10.0,
        datum = MapDatum.WGS84,
        provider = FixProvider.GPS,
        deviceTimeMs = deviceMs - 2_000,
        elapsedMs = elapsedMs - 2_000,
        mock = false,
        speedMps = null,
    )

    private fun <T> withServerLog(block: () -> T): T = try {
        block()
    } catch (e: Throwable) {
        e.addSuppressed(IllegalStateException("server log:\n$serverLog"))
        throw e
    }

    @Test
    fun `sync before signing in is NotSignedIn and nothing leaves the outbox`() {
        phone("unsigned").use { s ->
            val before = s.syncStatus()
            assertFalse(before.signedIn)
            assertNull(before.server)
            assertNull(before.role)
            assertTrue(before.outbox > 0uL, "the consent receipt and ledger entries wait: $before")

            assertThrows<LaowuException.NotSignedIn> { s.sync(options, wall(), elapsed()) }
            assertThrows<LaowuException.NotSignedIn> { s.sync(SyncOptions(), wall(), elapsed()) }
            assertEquals(before.outbox, s.syncStatus().outbox)
        }
    }

    @Test
    fun `a bad server address is InvalidInput and an unreachable one is Offline`() {
        phone("offline").use { s ->
            val typo = assertThrows<LaowuException.InvalidInput> {
                s.requestCode("ftp://127.0.0.1", "13800138010", CodePurpose.REGISTER, wall())
            }
            assertEquals("server", typo.field)
            // Port 9 (discard) on loopback: nothing listens, the connection is refused.
            assertThrows<LaowuException.Offline> {
                s.requestCode("http://127.0.0.1:9", "13800138010", CodePurpose.REGISTER, wall())
            }
            assertFalse(s.syncStatus().signedIn)
        }
    }

    @Test
    fun `a wrong SMS code is refused naming the field`() = withServerLog {
        phone("wrong-code").use { s ->
            val mobile = "13800138011"
            assertEquals(url, s.requestCode(url, mobile, CodePurpose.REGISTER, wall()))
            val real = smsCode(mobile)
            val wrong = if (real == "000000") "111111" else "000000"
            val e = assertThrows<LaowuException.ServerRefused> {
                s.registerAccount(null, mobile, wrong, password, wall())
            }
            assertEquals("code", e.field)
            assertEquals("invalid_input", e.code)
            assertEquals(400.toUShort(), e.status)
            assertFalse(e.reason.contains(mobile), "the reason repeats the number: ${e.reason}")
            val status = s.syncStatus()
            assertFalse(status.signedIn)
            assertEquals(url, status.server, "the server asked for the code is remembered")

            // The right code still works (a wrong try costs one attempt of five).
            val account = s.registerAccount(null, mobile, real, password, wall())
            assertEquals("worker", account.role)
        }
    }

    @Test
    fun `register, first sync brings the site and time, a check-in is pushed exactly once`() = withServerLog {
        val (code, out) = siteAdd
        check(code == 0) { "laowu-server admin site add failed (exit $code):\n$out" }
        phone("worker").use { s ->
            val mobile = "13800138012"
            assertEquals(url, s.requestCode(url, mobile, CodePurpose.REGISTER, wall()))
            val account = s.registerAccount(null, mobile, smsCode(mobile), password, wall())
            assertEquals(url, account.server)
            assertEquals("worker", account.role)
            assertTrue(account.accountId.isNotEmpty())
            assertNotNull(account.deviceId, "the device key was not registered")

            val signedIn = s.syncStatus()
            assertTrue(signedIn.signedIn)
            assertEquals(url, signedIn.server)
            assertEquals(account.accountId, signedIn.accountId)
            assertEquals("worker", signedIn.role)
            assertEquals(account.deviceId, signedIn.deviceId)
            assertFalse(signedIn.serverKeyPinned)
            assertTrue(s.sites().isEmpty())

            // First sync: the consent receipt and the ledger go up; the site and the time come down.
            val first = s.sync(options, wall(), elapsed())
            assertEquals(1uL, first.sites, "report: $first")
            assertTrue(first.timeAnchored, "report: $first")
            assertEquals(0uL, first.refused, "report: $first; refusals: ${s.syncStatus().refusals}")
            assertEquals(0uL, first.outbox, "report: $first")
            assertEquals(listOf(siteId), s.sites().map { it.id })
            assertTrue(s.syncStatus().serverKeyPinned)

            // A check-in inside the fence, on trusted time.
            val now = wall()
            val boot = elapsed()
            val location = FakeLocation(insideFix(now, boot))
            val wifi = FakeWifi(listOf(WifiAccessPoint(siteBssid, siteSsid, -50)))
            val checkIn = s.checkIn(siteId, null, location, wifi, now, boot)
            assertEquals("normal", checkIn.verdict, "reasons: ${checkIn.reasons.map { it.code }}")
            assertEquals("inside", checkIn.inside)
            assertTrue(checkIn.wifiMatched)
            assertEquals("server", checkIn.timeSource)
            assertTrue(checkIn.anomalies.isEmpty(), "anomalies ${checkIn.anomalies}")
            assertNotNull(checkIn.recordId)
            assertTrue(s.syncStatus().outbox >= 1uL, "the check-in waits in the outbox")

            val pushed = s.sync(options, wall(), elapsed())
            assertTrue(pushed.accepted >= 1uL, "report: $pushed")
            assertEquals(0uL, pushed.refused, "report: $pushed; refusals: ${s.syncStatus().refusals}")
            assertEquals(0uL, pushed.outbox, "report: $pushed")
            assertEquals(0uL, pushed.sites, "the site did not change: $pushed")
            assertEquals(0uL, s.syncStatus().outbox)
            assertTrue(s.syncStatus().refusals.isEmpty())

            val again = s.sync(options, wall(), elapsed())
            assertEquals(0uL, again.accepted, "nothing is sent twice: $again")
            assertEquals(0uL, again.duplicates, "nothing is sent twice: $again")
            assertEquals(0uL, again.outbox)
            assertTrue(s.verifyAttendance().intact)

            // A wrong password is the server's refusal; the right one signs in again.
            val refused = assertThrows<LaowuException.ServerRefused> {
                s.login(null, mobile, "not-the-password", wall())
            }
            assertEquals("unauthorised", refused.code)
            assertEquals(account.accountId, s.login(null, mobile, password, wall()).accountId)
            val afterLogin = s.sync(options, wall(), elapsed())
            assertEquals(0uL, afterLogin.refused, "report: $afterLogin")
            assertEquals(0uL, afterLogin.outbox, "report: $afterLogin")
        }
    }
}
