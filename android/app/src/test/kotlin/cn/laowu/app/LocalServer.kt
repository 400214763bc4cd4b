package cn.laowu.app

import java.io.BufferedReader
import java.io.InputStreamReader
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit

/**
 * The real `laowu-server` binary on a free loopback port with its own data directory
 * (scripts/test-android.sh builds it and passes `-Dlaowu.server.bin`).
 */
class LocalServer : AutoCloseable {
    private val bin: Path = Paths.get(
        System.getProperty("laowu.server.bin")?.takeIf { it.isNotBlank() }
            ?: "../target/debug/laowu-server",
    ).toAbsolutePath().normalize()
    private val work: Path = Files.createTempDirectory("laowu-android-server")
    val data: Path = work.resolve("data")
    private val process: Process
    private val log = StringBuffer()
    val url: String

    init {
        check(Files.isExecutable(bin)) { "no laowu-server at $bin: run scripts/test-android.sh" }
        process = ProcessBuilder(bin.toString(), "--listen", "127.0.0.1:0", "--data", data.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start()
        val listening = CompletableFuture<String>()
        val prefix = "laowu-server: listening on "
        Thread({
            runCatching {
                BufferedReader(InputStreamReader(process.errorStream)).useLines { lines ->
                    for (line in lines) {
                        if (log.length < 100_000) log.append(line).append('\n')
                        val at = line.indexOf(prefix)
                        if (at >= 0) listening.complete(line.substring(at + prefix.length).trim())
                    }
                }
            }
            listening.completeExceptionally(IllegalStateException("the server exited:\n$log"))
        }, "laowu-server-log").apply { isDaemon = true }.start()
        url = "http://" + listening.get(30, TimeUnit.SECONDS)
    }

    /** `laowu-server admin ARGS`; fails the test on a non-zero exit. */
    fun admin(vararg args: String): String {
        val p = ProcessBuilder(listOf(bin.toString(), "--data", data.toString(), "admin") + args)
            .redirectErrorStream(true)
            .start()
        val out = p.inputStream.readBytes().toString(Charsets.UTF_8)
        check(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) { "admin ${args.toList()}: $out" }
        return out
    }

    /** The newest SMS code sent to [mobile]. */
    fun smsCode(mobile: String): String =
        Files.readAllLines(data.resolve("sms.log")).asReversed()
            .firstNotNullOf { line -> line.split(' ').takeIf { it.size == 2 && it[0].endsWith(mobile) }?.get(1) }

    override fun close() {
        process.destroy()
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly()
        work.toFile().deleteRecursively()
    }
}
