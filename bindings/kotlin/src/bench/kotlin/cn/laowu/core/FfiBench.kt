package cn.laowu.core

import com.sun.jna.Native
import java.nio.file.Files
import java.nio.file.Path
import kotlin.io.path.deleteRecursively
import kotlin.io.path.ExperimentalPathApi

/**
 * What the FFI costs a Kotlin caller: a warmed loop over the real liblaowu_ffi.so
 * (loaded through JNA, as the tests do), with the fakes from src/test/kotlin.
 *
 * Measures, in one run:
 *  - `crossing.raw`: a bare JNA direct call into the library (uniffi's contract
 *    version function: no arguments, no RustCallStatus, no work);
 *  - `crossing.consent`: `LaowuStore.consent()`, a real method whose Rust side
 *    only reads the in-memory consent gate (handle clone, call status, one
 *    record with the purpose list lifted back into Kotlin);
 *  - `checkin`: `LaowuStore.checkIn` with a fake location (inside the fence) and
 *    a fake WiFi scan, each call a recorded, signed, chained check-in one minute
 *    after the previous one. A check-in reads the chain it extends, so its cost
 *    grows with the history: the calls run in rounds of bench.round check-ins on
 *    a fresh store each (500 by default, about a year of punches);
 *  - `history1000`: `attendanceHistory()` on a store holding exactly 1,000 check-ins.
 *
 * scripts/bench-kotlin.sh runs the same sequence in Rust (same library code,
 * no FFI) and prints the comparison. Each result is one tab-separated line:
 * `RESULT <name> <median> <mean> <p99> <unit> <samples>`; times in nanoseconds.
 *
 * Sizes come from system properties: bench.round, bench.warmup.rounds,
 * bench.rounds, bench.history.warmup, bench.history.iters, bench.crossing.batch
 * (bare calls per batch; consent() runs a hundredth of that), 20 batches each.
 */
object FfiBench {
    /** 2026-11-24 10:00 in Asia/Shanghai, as in AttendanceJourneyTest. */
    private const val NOW = 1_795_485_600_000L
    private const val BOOT = 5_000_000L
    private const val STEP = 60_000L
    private const val SITE_ID = "gy-1"
    private const val SITE_LAT = 26.6470
    private const val SITE_LON = 106.6302

    private val siteJson = """
        {"id": "$SITE_ID", "name": "贵阳一号工地", "datum": "wgs84",
         "fences": [{"type": "circle", "lat": $SITE_LAT, "lon": $SITE_LON, "radius_m": 300.0}],
         "wifi": [{"bssid": "aa:bb:cc:00:00:01", "ssid": "工地WiFi"}],
         "rule": "either"}
    """.trimIndent()

    private val scan = listOf(
        WifiAccessPoint("aa:bb:cc:00:00:01", "工地WiFi", -55),
        WifiAccessPoint("aa:bb:cc:00:00:02", "隔壁", -70),
    )

    /** The same library uniffi loads, registered for a bare direct call. */
    private object Raw {
        init {
            Native.register(Raw::class.java, "laowu_ffi")
        }

        external fun ffi_laowu_ffi_uniffi_contract_version(): Int
    }

    private fun prop(name: String, default: Int): Int = System.getProperty(name)?.toInt() ?: default

    /** A fix about 11 m from the site's centre, two seconds old at check-in [i]. */
    private fun fix(i: Int) = LocationFix(
        lat = SITE_LAT + 0.0001,
        lon = SITE_LON,
        accuracyM = 10.0,
        datum = MapDatum.WGS84,
        provider = FixProvider.GPS,
        deviceTimeMs = NOW + i * STEP - 2_000,
        elapsedMs = BOOT + i * STEP - 2_000,
        mock = false,
        speedMps = null,
    )

    /** A new store with every purpose accepted and the site added. */
    private fun phone(dir: Path): LaowuStore {
        val s = LaowuStore.open(dir.toString(), SoftwareKeyVault())
        s.accept(s.consent().purposes.map { it.id }, NOW - 60_000)
        s.addSite(siteJson, NOW - 50_000)
        return s
    }

    private class Stats(val samples: LongArray) {
        init {
            samples.sort()
        }

        val median: Long get() = samples[samples.size / 2]
        val mean: Double get() = samples.average()
        val p99: Long get() = samples[minOf(samples.size - 1, (samples.size * 99) / 100)]
    }

    private fun report(name: String, s: Stats, unit: String = "ns") {
        println("RESULT\t$name\t${s.median}\t${"%.1f".format(s.mean)}\t${s.p99}\t$unit\t${s.samples.size}")
    }

    /** Per-call time of [body] over [batches] batches of [perBatch] calls (batch means). */
    private inline fun batched(batches: Int, perBatch: Int, body: () -> Unit): Stats {
        val out = LongArray(batches)
        for (b in 0 until batches) {
            val t0 = System.nanoTime()
            for (i in 0 until perBatch) body()
            out[b] = (System.nanoTime() - t0) / perBatch
        }
        return Stats(out)
    }

    @OptIn(ExperimentalPathApi::class)
    @JvmStatic
    fun main(args: Array<String>) {
        val round = prop("bench.round", 500)
        val warmupRounds = prop("bench.warmup.rounds", 3)
        val rounds = prop("bench.rounds", 4)
        val historyWarmup = prop("bench.history.warmup", 30)
        val historyIters = prop("bench.history.iters", 200)
        val crossingBatch = prop("bench.crossing.batch", 100_000)
        println(
            "INFO\tjvm\t${System.getProperty("java.vm.name")} ${System.getProperty("java.version")}" +
                "\tround=$round warmup.rounds=$warmupRounds rounds=$rounds " +
                "history=$historyWarmup+$historyIters crossing.batch=$crossingBatch",
        )

        val tmp = Files.createTempDirectory("laowu-ffi-bench")
        try {
            // Crossing: a bare call, then the cheapest real method.
            var sink = 0L
            batched(10, crossingBatch) { sink += Raw.ffi_laowu_ffi_uniffi_contract_version() }
            report("crossing.raw", batched(20, crossingBatch) { sink += Raw.ffi_laowu_ffi_uniffi_contract_version() })

            phone(tmp.resolve("consent")).use { s ->
                batched(10, crossingBatch / 100) { sink += s.consent().purposes.size }
                report("crossing.consent", batched(20, crossingBatch / 100) { sink += s.consent().purposes.size })
            }

            // Check-in: warmed, then each call timed; a fresh store every round.
            val samples = LongArray(rounds * round)
            val verdicts = HashMap<String, Int>()
            for (r in 0 until warmupRounds + rounds) {
                val measured = r >= warmupRounds
                phone(tmp.resolve("checkin-$r")).use { s ->
                    val location = FakeLocation(fix(0))
                    val wifi = FakeWifi(scan)
                    for (i in 0 until round) {
                        location.fix = fix(i)
                        val t0 = System.nanoTime()
                        val res = s.checkIn(SITE_ID, null, location, wifi, NOW + i * STEP, BOOT + i * STEP)
                        val dt = System.nanoTime() - t0
                        if (measured) {
                            samples[(r - warmupRounds) * round + i] = dt
                            verdicts.merge(res.verdict, 1, Int::plus)
                        }
                    }
                    check(location.calls.get() == round) { "location read ${location.calls.get()} times" }
                }
            }
            report("checkin", Stats(samples))
            println("INFO\tcheckin.verdicts\t${verdicts.toSortedMap()}")

            // History: a store holding exactly 1,000 check-ins.
            phone(tmp.resolve("history")).use { s ->
                val location = FakeLocation(fix(0))
                val wifi = FakeWifi(scan)
                for (i in 0 until 1_000) {
                    location.fix = fix(i)
                    s.checkIn(SITE_ID, null, location, wifi, NOW + i * STEP, BOOT + i * STEP)
                }
                check(s.attendanceHistory().size == 1_000)
                repeat(historyWarmup) { sink += s.attendanceHistory().size }
                val hs = LongArray(historyIters)
                for (k in 0 until historyIters) {
                    val t0 = System.nanoTime()
                    val rows = s.attendanceHistory()
                    hs[k] = System.nanoTime() - t0
                    sink += rows.size
                }
                report("history1000", Stats(hs))
            }
            println("INFO\tsink\t$sink")
        } finally {
            tmp.deleteRecursively()
        }
    }
}
