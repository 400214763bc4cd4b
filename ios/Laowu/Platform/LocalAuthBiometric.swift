import Foundation
import Laowu
import LocalAuthentication

/// Quick login through LocalAuthentication (Face ID or Touch ID). The core calls
/// `authenticate` on its own queue and waits; the system shows the prompt itself.
/// Only the outcome crosses to the core: no biometric data ever reaches the app.
final class LocalAuthBiometric: BiometricPrompt, @unchecked Sendable {
    private let timeout: TimeInterval

    init(timeout: TimeInterval = 60) {
        self.timeout = timeout
    }

    func authenticate(title: String) -> BiometricOutcome {
        // Blocking the main thread would freeze the app under the system prompt.
        guard !Thread.isMainThread else { return .failed }
        let context = LAContext()
        // Biometrics only: falling back to the passcode is not a biometric login.
        context.localizedFallbackTitle = ""
        var error: NSError?
        guard context.canEvaluatePolicy(.deviceOwnerAuthenticationWithBiometrics, error: &error) else {
            return .unavailable
        }
        let done = DispatchSemaphore(value: 0)
        let outcome = Locked(BiometricOutcome.failed)
        context.evaluatePolicy(.deviceOwnerAuthenticationWithBiometrics, localizedReason: title) { passed, failure in
            outcome.set(passed ? .passed : Self.outcome(of: failure))
            done.signal()
        }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            context.invalidate()
            return .failed
        }
        return outcome.get()
    }

    private static func outcome(of failure: Error?) -> BiometricOutcome {
        guard let code = (failure as? LAError)?.code else { return .failed }
        switch code {
        case .biometryNotAvailable, .biometryNotEnrolled, .passcodeNotSet:
            return .unavailable
        default:
            // Cancelled, not recognised, locked out: this attempt failed.
            return .failed
        }
    }
}
