package cn.laowu.app

import android.os.Handler
import android.os.Looper
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors

/**
 * Where the core's blocking calls run. Every call into the core can touch the sealed
 * store, the key store or the network, so none runs on the main thread; the answer
 * comes back on the main thread to be drawn.
 */
interface Background {
    fun <T> run(work: () -> T, done: (Result<T>) -> Unit)
}

/** One worker thread: the core's calls are serialised, as the store expects. */
class ThreadBackground(
    private val main: Handler = Handler(Looper.getMainLooper()),
    private val worker: ExecutorService = Executors.newSingleThreadExecutor { r ->
        Thread(r, "laowu-core").apply { isDaemon = true }
    },
) : Background {
    override fun <T> run(work: () -> T, done: (Result<T>) -> Unit) {
        worker.execute {
            val result = runCatching(work)
            main.post { done(result) }
        }
    }
}
