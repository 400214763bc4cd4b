import Foundation
import Laowu
import UIKit

/// The core's answer about consent (the gate's state and each purpose's grant);
/// not the consent screen, which has the same name in this app.
typealias ConsentAnswer = Laowu.ConsentView

/// The core and the platform capabilities it calls back into, one per process (the
/// store takes one writer). Every decision is the core's: the shell asks and draws
/// the answer. Published state changes on the main thread only.
final class AppCore: ObservableObject {
    let store: LaowuStore
    let location: LocationProvider
    let wifi: WifiScanner
    let biometric: BiometricPrompt
    let permission: LocationPermission
    let clock: PhoneClock
    /// The server a new account registers with; a signed-in phone remembers its own.
    let server: String?
    let syncOptions: SyncOptions

    /// The consent gate's state; nil until the first read.
    @Published private(set) var consent: ConsentAnswer?
    /// Set once the account is deleted: the store is gone, and the app shows only
    /// the deadline until it starts again on a fresh store.
    @Published var deletion: AccountDeletion?
    /// The last thing the worker should be told; VoiceOver reads it out.
    @Published var message: String? {
        didSet {
            if let message = message {
                UIAccessibility.post(notification: .announcement, argument: message)
            }
        }
    }

    /// Every call into the core may touch the sealed store, the Keychain or the
    /// network, so none runs on the main thread; one serial queue keeps the calls in
    /// order, as the store expects.
    private let queue: DispatchQueue

    init(
        store: LaowuStore,
        location: LocationProvider,
        wifi: WifiScanner,
        biometric: BiometricPrompt,
        permission: LocationPermission,
        clock: PhoneClock,
        server: String?,
        syncOptions: SyncOptions = SyncOptions(),
        queue: DispatchQueue
    ) {
        self.store = store
        self.location = location
        self.wifi = wifi
        self.biometric = biometric
        self.permission = permission
        self.clock = clock
        self.server = server
        self.syncOptions = syncOptions
        self.queue = queue
    }

    /// Runs `work` on the core's queue; `done` draws the answer on the main thread.
    /// An error becomes the message, unless `quiet` (a screen's first read, where
    /// "nothing yet" is not news).
    func call<T>(quiet: Bool = false, _ work: @escaping (AppCore) throws -> T, done: @escaping (T) -> Void) {
        queue.async {
            let result = Result { try work(self) }
            DispatchQueue.main.async {
                switch result {
                case .success(let value):
                    done(value)
                case .failure(let error):
                    if !quiet {
                        self.message = describe(error)
                    }
                }
            }
        }
    }

    /// Runs `then` on the main thread once every call queued so far has answered,
    /// successfully or not (the queue is serial): to clear a spinner.
    func afterQueued(_ then: @escaping () -> Void) {
        queue.async {
            DispatchQueue.main.async(execute: then)
        }
    }

    /// Re-reads the consent gate; the root view shows the screen it calls for.
    func refreshConsent() {
        call({ $0.store.consent() }) { self.consent = $0 }
    }
}

/// Opens the store off the main thread, and again after the account is deleted.
final class Launcher: ObservableObject {
    enum State {
        case opening
        case ready(AppCore)
        case failed(String)
    }

    @Published private(set) var state = State.opening
    private var started = false
    private let queue = DispatchQueue(label: "cn.laowu.core", qos: .userInitiated)

    func start() {
        if !started {
            open()
        }
    }

    func open() {
        started = true
        state = .opening
        let clock = SystemClock()
        // Both made here, on the main thread: their CLLocationManagers deliver there.
        let location = CoreLocationProvider(clock: clock)
        let permission = LocationPermission()
        queue.async {
            let result = Result { try Self.openStore() }
            DispatchQueue.main.async {
                switch result {
                case .success(let store):
                    self.state = .ready(AppCore(
                        store: store,
                        location: location,
                        wifi: ConnectedWifi(),
                        biometric: LocalAuthBiometric(),
                        permission: permission,
                        clock: clock,
                        server: Self.server(),
                        queue: self.queue
                    ))
                case .failure(let error):
                    // Typically KeyUnavailable: launched before the first unlock.
                    self.state = .failed(describe(error))
                }
            }
        }
    }

    private static func openStore() throws -> LaowuStore {
        let dir = try storeDirectory()
        let store = try LaowuStore.open(dir: dir.path, vault: KeychainVault())
        // The files the core just created, explicitly (the system's default class for
        // app files is the same, so a failure here is no reason not to start).
        try? protect(dir)
        return store
    }

    /// Application Support/laowu: not Caches (the system may purge it), not
    /// Documents (the Files app shows it).
    private static func storeDirectory() throws -> URL {
        let files = FileManager.default
        let support = try files.url(
            for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true
        )
        var dir = support.appendingPathComponent("laowu", isDirectory: true)
        try files.createDirectory(at: dir, withIntermediateDirectories: true, attributes: protection)
        try protect(dir)
        // Out of iCloud and computer backups: the store opens only with this phone's
        // ThisDeviceOnly Keychain keys, so a restored copy could never be read.
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try dir.setResourceValues(values)
        return dir
    }

    /// completeUntilFirstUserAuthentication, not complete: the store must stay
    /// writable while the phone is locked (a check-in as the screen locks, a sync),
    /// and what it holds is sealed under the Keychain keys anyway.
    private static let protection: [FileAttributeKey: Any] = [
        .protectionKey: FileProtectionType.completeUntilFirstUserAuthentication,
    ]

    private static func protect(_ dir: URL) throws {
        let files = FileManager.default
        try files.setAttributes(protection, ofItemAtPath: dir.path)
        for name in try files.contentsOfDirectory(atPath: dir.path) {
            try files.setAttributes(protection, ofItemAtPath: dir.appendingPathComponent(name).path)
        }
    }

    /// Info.plist LaowuServer, from the LAOWU_SERVER build setting (project.yml).
    private static func server() -> String? {
        let value = Bundle.main.object(forInfoDictionaryKey: "LaowuServer") as? String
        return value?.isEmpty == false ? value : nil
    }
}

/// What the worker is told about a failure: the core's field and reason, never data.
func describe(_ error: Error) -> String {
    guard let error = error as? LaowuError else {
        return tr("error.failed")
    }
    switch error {
    case .InvalidInput(let field, let reason):
        return tr("error.invalid_input", field, reason)
    case .ConsentRequired:
        return tr("error.consent_required")
    case .WrongKey, .KeyUnavailable:
        return tr("error.key_unavailable")
    case .StorageFull:
        return tr("error.storage_full")
    case .Offline:
        return tr("error.offline")
    case .NotSignedIn:
        return tr("error.not_signed_in")
    case .ServerRefused(_, let code, let field, _, _):
        switch code {
        case "unauthorised":
            return tr("error.unauthorised")
        case "forbidden":
            return tr("error.forbidden")
        case "rate_limited":
            return tr("error.rate_limited")
        default:
            return tr("error.server_refused", field.map { "\(code) (\($0))" } ?? code)
        }
    case .Server, .BadServerAnswer:
        return tr("error.server")
    case .ServerUntrusted:
        return tr("error.server_untrusted")
    default:
        // The variant's name only: a reason is for logs, not for the screen.
        return tr("error.failed_kind", String(String(describing: error).prefix { $0 != "(" }))
    }
}

extension DataCategory {
    /// The category's name as the core spells it (ledger, Keychain item names).
    var name: String {
        switch self {
        case .identity: return "identity"
        case .location: return "location"
        case .face: return "face"
        case .financial: return "financial"
        case .consent: return "consent"
        case .ledger: return "ledger"
        case .device: return "device"
        case .support: return "support"
        }
    }
}
