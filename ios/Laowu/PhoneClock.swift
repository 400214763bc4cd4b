import Foundation

/// Wall time and time since boot: the core anchors trusted time to the second.
protocol PhoneClock {
    func nowMs() -> Int64
    func elapsedMs() -> Int64
}

struct SystemClock: PhoneClock {
    func nowMs() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }

    /// CLOCK_MONOTONIC keeps counting while the phone sleeps (`systemUptime` does
    /// not), like Android's elapsedRealtime: a fix's age and the trusted-time anchor
    /// must include the time the phone spent asleep in a pocket.
    func elapsedMs() -> Int64 {
        Int64(clock_gettime_nsec_np(CLOCK_MONOTONIC) / 1_000_000)
    }
}
