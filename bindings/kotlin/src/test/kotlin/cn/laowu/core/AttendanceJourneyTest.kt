package cn.laowu.core

import java.nio.file.Path
import java.time.Instant
import java.time.ZoneId
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** A worker checking in at a site, through the real library, with faked sensors. */
class AttendanceJourneyTest {
    @TempDir
    lateinit var tmp: Path

    /** 2026-11-24 10:00 in Asia/Shanghai: the device's wall clock for every step. */
    private val now = 1_795_485_600_000L
    /** The phone's time since boot at [now]. */
    private val boot = 5_000_000L
    private val today = Instant.ofEpochMilli(now).atZone(ZoneId.of("Asia/Shanghai")).toLocalDate().toString()

    private val siteId = "gy-1"
    private val siteName = "贵阳一号工地"
    private val siteLat = 26.6470
    private val siteLon = 106.6302
    private val siteBssid = "aa:bb:cc:00:00:01"
    private val siteSsid = "工地WiFi"

    /** One 300 m circle, one known access point, rule either, no shift. */
    private val siteJson = """
        {"id": "$siteId", "name": "$siteName", "datum": "wgs84",
         "fences": [{"type": "circle", "lat": $siteLat, "lon": $siteLon, "radius_m": 300.0}],
         "wifi": [{"bssid": "$siteBssid", "ssid": "$siteSsid"}],
         "rule": "either"}
    """.trimIndent()

    /** A fix two seconds old at [elapsedNow], taken on the device clock [deviceMs]. */
    private fun fix(
        lat: Double,
        lon: Double,
        deviceMs: Long = now,
        elapsedNow: Long = boot,
        ageMs: Long = 2_000,
        mock: Boolean = false,
    ) = LocationFix(
        lat = lat,
        lon = lon,
        accuracyM = 10.0,
        datum = MapDatum.WGS84,
        provider = FixProvider.GPS,
        deviceTimeMs = deviceMs - ageMs,
        elapsedMs = elapsedNow - ageMs,
        mock = mock,
        speedMps = null,
    )

    /** About 11 m from the site's centre. */
    private fun insideFix(deviceMs: Long = now, elapsedNow: Long = boot) =
        fix(siteLat + 0.0001, siteLon, deviceMs, elapsedNow)

    /** About 1.4 km north of the site's centre, well outside the 300 m circle. */
    private fun outsideFix(deviceMs: Long = now, elapsedNow: Long = boot) =
        fix(siteLat + 0.013, siteLon, deviceMs, elapsedNow)

    private fun ap(bssid: String, ssid: String, rssi: Int = -55) = WifiAccessPoint(bssid, ssid, rssi)

    /**
     * Opens a new store under [name] with the site added; [attendance] says whether
     * the worker grants attendance besides the essential purposes (or everything).
     */
    private fun phone(name: String, attendance: Boolean = true): LaowuStore {
        val s = LaowuStore.open(tmp.resolve(name).toString(), SoftwareKeyVault())
        val purposes = s.consent().purposes
        val accepted = if (attendance) purposes.map { it.id } else purposes.filter { it.essential }.map { it.id }
        s.accept(accepted, now - 60_000)
        s.addSite(siteJson, now - 50_000)
        return s
    }

    private fun CheckInResult.codes() = reasons.map { it.code }

    @Test
    fun `without the attendance grant check-in is refused before any sensor is read`() {
        phone("no-grant", attendance = false).use { s ->
            val essentials = s.consent().purposes.filter { it.essential }.map { it.id }.toSet()
            assertEquals(setOf("registration", "logs"), essentials)
            assertFalse(s.consent().purposes.single { it.id == "attendance" }.granted)

            val location = FakeLocation(insideFix())
            val wifi = FakeWifi(listOf(ap(siteBssid, siteSsid)))
            val e = assertThrows<LaowuException.ConsentRequired> {
                s.checkIn(siteId, null, location, wifi, now, boot)
            }
            assertEquals("attendance", e.purpose)
            val preview = assertThrows<LaowuException.ConsentRequired> {
                s.previewCheckIn(siteId, null, location, wifi, now, boot)
            }
            assertEquals("attendance", preview.purpose)

            assertEquals(0, location.calls.get(), "the location capability was read without the grant")
            assertEquals(0, wifi.calls.get(), "the WiFi capability was read without the grant")
            assertTrue(s.attendanceHistory().isEmpty())

            val refused = s.ledger().filter { it.accessor == "capability:location" }
            assertTrue(refused.isNotEmpty(), "no ledger entry for the refused location read: ${s.ledger()}")
            assertTrue(refused.all { !it.allowed && it.purpose == "attendance" }, "ledger: $refused")
            assertTrue(refused.all { it.category == DataCategory.LOCATION })
            assertTrue(s.ledger().none { it.accessor == "capability:wifi_scan" })
        }
    }

    @Test
    fun `a check-in inside the fence is normal and each sensor read is in the ledger`() {
        phone("inside").use { s ->
            val site = s.sites().single()
            assertEquals(siteId, site.id)
            assertEquals(siteName, site.name)
            assertEquals("wgs84", site.datum)
            assertEquals("either", site.rule)
            assertEquals(1u, site.fences)
            assertEquals(1u, site.accessPoints)
            assertEquals("Asia/Shanghai", site.timeZone)

            val location = FakeLocation(insideFix())
            val wifi = FakeWifi()
            val ledgerBefore = s.ledger().size
            val r = s.checkIn(siteId, null, location, wifi, now, boot)

            assertEquals("normal", r.verdict)
            assertEquals("inside", r.inside)
            val id = checkNotNull(r.recordId) { "an accepted check-in has no record id" }
            assertEquals(siteId, r.siteId)
            assertEquals(siteName, r.siteName)
            assertFalse(r.wifiMatched)
            assertTrue(r.anomalies.isEmpty(), "anomalies ${r.anomalies}")
            assertTrue(r.distanceM < 20.0, "distance ${r.distanceM}")
            assertEquals(0.0, r.outsideByM)
            assertEquals("no_shift", r.timing)
            assertEquals("in", r.punch)
            assertEquals(today, r.shiftDate)
            assertEquals(now, r.atMs)
            assertEquals("device", r.timeSource)
            assertFalse(r.needsReview)

            assertEquals(1, location.calls.get())
            assertEquals(1, wifi.calls.get())

            val added = s.ledger().drop(ledgerBefore)
            assertEquals(listOf("capability:location", "capability:wifi_scan"), added.map { it.accessor })
            assertTrue(added.all { it.allowed && it.purpose == "attendance" }, "ledger: $added")

            val row = s.attendanceHistory().single()
            assertEquals(id, row.recordId)
            assertEquals("checkin", row.kind)
            assertEquals("normal", row.verdict)
            assertEquals("none", row.review)
            assertEquals(today, row.date)
            assertTrue(row.fixKept)
        }
    }

    @Test
    fun `outside the fence a reason turns a rejection into a field check-in for review`() {
        phone("field").use { s ->
            val location = FakeLocation(outsideFix())
            val wifi = FakeWifi()

            val preview = s.previewCheckIn(siteId, null, location, wifi, now, boot)
            assertEquals("rejected", preview.verdict)
            assertEquals("outside", preview.inside)
            assertTrue("reason_required" in preview.codes(), "reasons ${preview.codes()}")
            assertTrue(preview.outsideByM > 1_000.0, "outside by ${preview.outsideByM}")
            assertNull(preview.recordId)
            assertEquals(0, s.attendanceHistory().size, "a preview recorded something")

            val reason = "去材料市场采购钢筋"
            val field = s.checkIn(siteId, reason, location, wifi, now + 1_000, boot + 1_000)
            assertEquals("field", field.verdict)
            assertEquals("outside", field.inside)
            assertTrue(field.needsReview)
            assertTrue("field_pending" in field.codes(), "reasons ${field.codes()}")
            assertFalse("reason_required" in field.codes())
            val id = checkNotNull(field.recordId) { "a field check-in has no record id" }

            val pending = s.attendanceHistory().single()
            assertEquals(id, pending.recordId)
            assertEquals("field", pending.verdict)
            assertEquals("pending", pending.review)
            assertEquals(reason, pending.reason)

            val decided = s.applyDecision(id, true, "同意外勤", now + 60_000)
            assertEquals("approved", decided.review)
            val row = s.attendanceHistory().single()
            assertEquals("approved", row.review)
            assertEquals("同意外勤", row.note)
        }
    }

    @Test
    fun `a known BSSID in any case counts, a matching SSID alone does not`() {
        phone("wifi").use { s ->
            assertEquals("either", s.sites().single().rule)
            val location = FakeLocation(outsideFix())

            val known = FakeWifi(listOf(ap(siteBssid.uppercase(), "改了名字的网络")))
            val r = s.checkIn(siteId, null, location, known, now, boot)
            assertEquals("outside", r.inside)
            assertTrue(r.wifiMatched)
            assertEquals("normal", r.verdict)
            assertNotNull(r.recordId)

            val ssidOnly = FakeWifi(listOf(ap("11:22:33:44:55:66", siteSsid, -40)))
            val spoofed = s.checkIn(siteId, null, location, ssidOnly, now + 60_000, boot + 60_000)
            assertFalse(spoofed.wifiMatched)
            assertEquals("rejected", spoofed.verdict)
            assertTrue("not_at_site" in spoofed.codes(), "reasons ${spoofed.codes()}")

            assertEquals(listOf(true, false), s.attendanceHistory().map { it.wifiMatched })
            assertEquals(2, location.calls.get())
            assertEquals(1, known.calls.get())
            assertEquals(1, ssidOnly.calls.get())
        }
    }

    @Test
    fun `a mock position is rejected and an old fix is stale`() {
        phone("anomalies").use { s ->
            val wifi = FakeWifi()
            val mock = FakeLocation(fix(siteLat, siteLon, mock = true))
            val r = s.checkIn(siteId, null, mock, wifi, now, boot)
            assertEquals("rejected", r.verdict)
            assertTrue("mock_location" in r.anomalies, "anomalies ${r.anomalies}")
            assertTrue("mock_location" in r.codes())

            // Ten minutes old by the monotonic clock (the site allows 120 s).
            val old = FakeLocation(fix(siteLat, siteLon, now + 60_000, boot + 60_000, ageMs = 600_000))
            val stale = s.checkIn(siteId, null, old, wifi, now + 60_000, boot + 60_000)
            assertTrue("stale_fix" in stale.anomalies, "anomalies ${stale.anomalies}")
            assertFalse("mock_location" in stale.anomalies)
            assertEquals("rejected", stale.verdict, "a stale fix proves nothing about where the worker is")

            val rows = s.attendanceHistory()
            assertEquals(listOf("rejected", "rejected"), rows.map { it.verdict })
            assertEquals(listOf(listOf("mock_location"), listOf("stale_fix")), rows.map { it.anomalies })
        }
    }

    @Test
    fun `with a server anchor the check-in time is trusted and a skewed clock is flagged`() {
        phone("anchor").use { s ->
            val serverMs = now
            val anchorElapsed = boot
            val later = 90_000L
            val nowElapsed = anchorElapsed + later
            val deviceMs = serverMs + later + 3_600_000 // the device clock is an hour ahead

            // Before any anchor the device clock is all there is.
            val unanchored = s.previewCheckIn(siteId, null, FakeLocation(insideFix(now, boot)), FakeWifi(), now, boot)
            assertEquals("device", unanchored.timeSource)
            assertEquals(now, unanchored.atMs)
            assertTrue(unanchored.anomalies.isEmpty())

            s.setTimeAnchor(serverMs, anchorElapsed)
            val location = FakeLocation(insideFix(deviceMs, nowElapsed))
            val r = s.checkIn(siteId, null, location, FakeWifi(), deviceMs, nowElapsed)
            assertTrue("clock_skew" in r.anomalies, "anomalies ${r.anomalies}")
            assertEquals(serverMs + (nowElapsed - anchorElapsed), r.atMs)
            assertEquals("server", r.timeSource)
            assertEquals("normal", r.verdict)
            assertTrue(r.needsReview, "a skewed clock needs a supervisor's look")
            assertEquals(serverMs + later, s.attendanceHistory().single().atMs)
        }
    }

    @Test
    fun `bad sensor values and an unknown site are InvalidInput and record nothing`() {
        phone("bad-input").use { s ->
            val wifi = FakeWifi()
            val nan = FakeLocation(fix(Double.NaN, siteLon))
            val lat = assertThrows<LaowuException.InvalidInput> { s.checkIn(siteId, null, nan, wifi, now, boot) }
            assertEquals("lat", lat.field)
            assertEquals(1, nan.calls.get())
            assertTrue(s.attendanceHistory().isEmpty())
            assertThrows<LaowuException.InvalidInput> { s.previewCheckIn(siteId, null, nan, wifi, now, boot) }

            val location = FakeLocation(insideFix())
            val badScan = FakeWifi(listOf(ap(siteBssid, siteSsid), ap("not-a-bssid", "x")))
            val bssid = assertThrows<LaowuException.InvalidInput> {
                s.checkIn(siteId, null, location, badScan, now, boot)
            }
            assertEquals("wifi.bssid", bssid.field)
            assertEquals(1, badScan.calls.get())
            assertTrue(s.attendanceHistory().isEmpty())

            val before = location.calls.get() to wifi.calls.get()
            val site = assertThrows<LaowuException.InvalidInput> {
                s.checkIn("没有这个工地", null, location, wifi, now, boot)
            }
            assertEquals("site", site.field)
            assertEquals(before, location.calls.get() to wifi.calls.get(), "sensors read for an unknown site")
            assertTrue(s.attendanceHistory().isEmpty())

            // The same phone still checks in once the input is good.
            assertEquals("normal", s.checkIn(siteName, null, location, wifi, now, boot).verdict)
            assertEquals(1, s.attendanceHistory().size)
        }
    }

    @Test
    fun `the chain verifies and a make-up request for today is pending`() {
        phone("chain").use { s ->
            val wifi = FakeWifi()
            s.checkIn(siteId, null, FakeLocation(insideFix()), wifi, now, boot)
            s.checkIn(siteId, null, FakeLocation(outsideFix(now + 60_000, boot + 60_000)), wifi, now + 60_000, boot + 60_000)

            val check = s.verifyAttendance()
            assertTrue(check.intact, "problem: ${check.problem}")
            assertNull(check.problem)
            assertEquals(s.attendanceHistory().size.toULong(), check.events)
            assertEquals(2uL, check.events)

            val makeup = s.requestMakeup(siteId, today, null, "手机没电，忘记打下班卡", now + 120_000, boot + 120_000)
            assertEquals("makeup", makeup.kind)
            assertEquals("pending", makeup.review)
            assertEquals(today, makeup.date)
            assertEquals("out", makeup.punch, "clocked in today, so the missing punch is the clock-out")
            assertEquals(makeup, s.attendanceHistory().last())

            val day = s.attendanceDays().single()
            assertEquals(today, day.date)
            assertEquals("pending", day.status)
            assertEquals(now, day.clockInMs)

            val after = s.verifyAttendance()
            assertTrue(after.intact, "problem: ${after.problem}")
            assertEquals(s.attendanceHistory().size.toULong(), after.events)
            assertEquals(3uL, after.events)
        }
    }

    @Test
    fun `raw fixes are purged past retention and the chain still verifies`() {
        phone("purge").use { s ->
            s.checkIn(siteId, null, FakeLocation(insideFix()), FakeWifi(), now, boot)
            assertEquals(0uL, s.purgeExpiredFixes(now + 86_400_000L))
            assertTrue(s.attendanceHistory().single().fixKept)

            // The attendance purpose keeps raw coordinates 730 days.
            assertEquals(1uL, s.purgeExpiredFixes(now + 731L * 86_400_000L))
            val row = s.attendanceHistory().single()
            assertFalse(row.fixKept)
            assertEquals("normal", row.verdict)
            assertTrue(s.verifyAttendance().intact)
        }
    }
}
