import CoreLocation
import Foundation
import Laowu

/// One fresh fix from CoreLocation, as the core asks for it during a check-in. The
/// core calls `currentFix` on its own queue and waits: the request goes to the main
/// thread, where the manager delivers, and a semaphore brings the answer back. The
/// mock flag goes to the core as is; the core decides what it means.
final class CoreLocationProvider: NSObject, LocationProvider, CLLocationManagerDelegate, @unchecked Sendable {
    private let manager: CLLocationManager
    private let clock: PhoneClock
    private let timeout: TimeInterval
    private let lock = NSLock()
    private var pending: Request?

    private final class Request {
        let done = DispatchSemaphore(value: 0)
        var location: CLLocation?
    }

    /// Make it on the main thread: a CLLocationManager calls its delegate on the run
    /// loop of the thread that made it, and the core's queue has none.
    init(clock: PhoneClock, timeout: TimeInterval = 15) {
        dispatchPrecondition(condition: .onQueue(.main))
        manager = CLLocationManager()
        self.clock = clock
        self.timeout = timeout
        super.init()
        manager.delegate = self
        manager.desiredAccuracy = kCLLocationAccuracyBest
    }

    func currentFix() -> LocationFix? {
        // Waiting on the main thread would block the very callback it waits for.
        guard !Thread.isMainThread else { return nil }
        let request = Request()
        lock.lock()
        pending = request
        lock.unlock()
        DispatchQueue.main.async { self.manager.requestLocation() }
        _ = request.done.wait(timeout: .now() + timeout)
        lock.lock()
        if pending === request { pending = nil }
        let location = request.location
        lock.unlock()
        return location.flatMap(fix)
    }

    func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        finish(locations.last)
    }

    func locationManager(_ manager: CLLocationManager, didFailWithError error: Error) {
        // No permission, no signal: the core says "no fix" in its own words.
        finish(nil)
    }

    private func finish(_ location: CLLocation?) {
        lock.lock()
        let request = pending
        pending = nil
        request?.location = location
        lock.unlock()
        request?.done.signal()
    }

    private func fix(_ location: CLLocation) -> LocationFix? {
        // A negative accuracy means the coordinate is not valid.
        guard location.horizontalAccuracy >= 0 else { return nil }
        let fixMs = Int64((location.timestamp.timeIntervalSince1970 * 1000).rounded())
        // CoreLocation stamps a fix with the wall clock only: its time since boot
        // is now's less the fix's age (the core measures staleness on that clock).
        let ageMs = max(0, clock.nowMs() - fixMs)
        return LocationFix(
            lat: location.coordinate.latitude,
            lon: location.coordinate.longitude,
            accuracyM: location.horizontalAccuracy,
            // CoreLocation reports WGS-84, in China too (only map display is GCJ-02).
            datum: .wgs84,
            // GPS, WiFi and cell combined; CoreLocation does not say which.
            provider: .fused,
            deviceTimeMs: fixMs,
            elapsedMs: clock.elapsedMs() - ageMs,
            mock: location.sourceInformation?.isSimulatedBySoftware ?? false,
            speedMps: location.speed >= 0 ? location.speed : nil
        )
    }
}
