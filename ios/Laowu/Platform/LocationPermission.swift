import CoreLocation
import Foundation

/// Location permission, asked only at the moment of a check-in and only after the
/// app has shown its own reason (the check-in screen shows it, then calls `request`),
/// as the policy promises and MIIT rules require. The same permission lets the app
/// read the connected WiFi. Used on the main thread only.
final class LocationPermission: NSObject, CLLocationManagerDelegate {
    private let manager = CLLocationManager()
    private var waiting: [(Bool) -> Void] = []

    /// The purpose key under NSLocationTemporaryUsageDescriptionDictionary (project.yml).
    private static let checkInPurpose = "CheckIn"

    override init() {
        super.init()
        manager.delegate = self
    }

    /// The system has not asked yet: show the app's reason first.
    var needsAsking: Bool {
        manager.authorizationStatus == .notDetermined
    }

    /// Asks the system if it has not asked yet, then calls `then` with whether the
    /// app may read the position.
    func request(then: @escaping (Bool) -> Void) {
        if manager.authorizationStatus == .notDetermined {
            waiting.append(then)
            manager.requestWhenInUseAuthorization()
        } else {
            preciseIfGranted(then)
        }
    }

    func locationManagerDidChangeAuthorization(_ manager: CLLocationManager) {
        guard manager.authorizationStatus != .notDetermined else { return }
        let callbacks = waiting
        waiting = []
        for callback in callbacks {
            preciseIfGranted(callback)
        }
    }

    /// With "Precise Location" off a fix is kilometres wide and the connected WiFi
    /// cannot be read, so every check-in would be uncertain: ask for precise location
    /// for this use only. Whatever the answer, the core judges the fix it gets.
    private func preciseIfGranted(_ then: @escaping (Bool) -> Void) {
        let status = manager.authorizationStatus
        guard status == .authorizedWhenInUse || status == .authorizedAlways else {
            then(false)
            return
        }
        guard manager.accuracyAuthorization == .reducedAccuracy else {
            then(true)
            return
        }
        manager.requestTemporaryFullAccuracyAuthorization(withPurposeKey: Self.checkInPurpose) { _ in
            DispatchQueue.main.async { then(true) }
        }
    }
}
