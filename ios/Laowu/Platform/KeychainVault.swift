import CryptoKit
import Foundation
import Laowu
import Security

/// The core's `KeyVault` on the Keychain. Each data category has its own 256-bit
/// AES-GCM key that wraps the core's data keys. That key is a generic-password item
/// readable after the first unlock and on this device only: never in a backup or in
/// iCloud Keychain. Where the phone has a Secure Enclave, the item holds the key only
/// wrapped by a P-256 key that never leaves the Enclave, so even a copy of the
/// Keychain opens nothing elsewhere. Destroying a category's items crypto-shreds
/// everything sealed under them.
final class KeychainVault: KeyVault, @unchecked Sendable {
    private let service: String
    private let useSecureEnclave: Bool
    /// Creating a key is read-then-add; one caller at a time keeps it from racing.
    private let lock = NSLock()

    /// First byte of what `wrap` returns, so a future format can be told apart.
    private static let wrappedFormat: UInt8 = 1
    /// First byte of a category key item: the key in the clear (no Secure Enclave:
    /// the Simulator) or sealed to the Enclave key.
    private static let plainKey: UInt8 = 1
    private static let enclaveSealedKey: UInt8 = 2
    /// An uncompressed P-256 point (X9.63), the ephemeral key of an Enclave-sealed item.
    private static let pointBytes = 65
    /// AES-GCM's nonce and tag around a 32-byte key.
    private static let sealedKeyBytes = 12 + 32 + 16

    init(service: String = "cn.laowu.vault", useSecureEnclave: Bool = SecureEnclave.isAvailable) {
        self.service = service
        self.useSecureEnclave = useSecureEnclave
    }

    func wrap(category: DataCategory, key: Data) throws -> Data {
        let categoryKey = try locked { try existingKey(category) ?? createKey(category) }
        do {
            let box = try AES.GCM.seal(key, using: categoryKey, authenticating: Self.aad(category))
            guard let combined = box.combined else {
                throw VaultError.Unavailable(reason: "AES-GCM produced no sealed box")
            }
            return Data([Self.wrappedFormat]) + combined
        } catch let error as VaultError {
            throw error
        } catch {
            throw VaultError.Unavailable(reason: "cannot seal a key for \(category.name)")
        }
    }

    func unwrap(category: DataCategory, wrapped: Data) throws -> Data {
        guard wrapped.first == Self.wrappedFormat, wrapped.count > 1 + 12 + 16 else {
            throw VaultError.Rejected(reason: "the wrapped key is malformed")
        }
        guard let categoryKey = try locked({ try existingKey(category) }) else {
            throw VaultError.Unavailable(reason: "no Keychain key for \(category.name)")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: Data(wrapped.dropFirst()))
            return try AES.GCM.open(box, using: categoryKey, authenticating: Self.aad(category))
        } catch {
            throw VaultError.Rejected(reason: "the wrapped key does not authenticate")
        }
    }

    func destroy(category: DataCategory) throws {
        try locked {
            try delete(Self.keyAccount(category))
            try delete(Self.enclaveAccount(category))
        }
    }

    // MARK: - The category key

    private func existingKey(_ category: DataCategory) throws -> SymmetricKey? {
        guard let item = try read(Self.keyAccount(category)) else { return nil }
        switch item.first ?? 0 {
        case Self.plainKey where item.count == 33:
            return SymmetricKey(data: item.dropFirst())
        case Self.enclaveSealedKey:
            return try openFromEnclave(item, category)
        default:
            throw VaultError.Rejected(reason: "the Keychain item for \(category.name) is malformed")
        }
    }

    private func createKey(_ category: DataCategory) throws -> SymmetricKey {
        let key = SymmetricKey(size: .bits256)
        // A leftover Enclave key from an interrupted creation would block the add.
        try delete(Self.enclaveAccount(category))
        let item: Data
        if useSecureEnclave {
            let enclaveKey = try makeEnclaveKey()
            try add(Self.enclaveAccount(category), enclaveKey.dataRepresentation)
            item = try Self.sealToEnclave(key, enclaveKey.publicKey, category)
        } else {
            item = Data([Self.plainKey]) + key.withUnsafeBytes { Data($0) }
        }
        do {
            try add(Self.keyAccount(category), item)
        } catch {
            try? delete(Self.enclaveAccount(category))
            throw error
        }
        return key
    }

    // MARK: - Secure Enclave wrapping (ECIES: ephemeral ECDH, HKDF-SHA256, AES-GCM)

    private func makeEnclaveKey() throws -> SecureEnclave.P256.KeyAgreement.PrivateKey {
        // No user presence: the store opens at launch without a prompt. Biometric
        // quick login is the core's own grant, behind LocalAuthBiometric.
        guard let access = SecAccessControlCreateWithFlags(
            nil, kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly, .privateKeyUsage, nil
        ) else {
            throw VaultError.Unavailable(reason: "no access control for a Secure Enclave key")
        }
        do {
            return try SecureEnclave.P256.KeyAgreement.PrivateKey(accessControl: access)
        } catch {
            throw VaultError.Unavailable(reason: "the Secure Enclave cannot make a key")
        }
    }

    private static func sealToEnclave(
        _ key: SymmetricKey,
        _ enclavePublic: P256.KeyAgreement.PublicKey,
        _ category: DataCategory
    ) throws -> Data {
        do {
            let ephemeral = P256.KeyAgreement.PrivateKey()
            let point = ephemeral.publicKey.x963Representation
            let secret = try ephemeral.sharedSecretFromKeyAgreement(with: enclavePublic)
            let kek = keyEncryptionKey(secret, point, category)
            let box = try AES.GCM.seal(key.withUnsafeBytes { Data($0) }, using: kek, authenticating: aad(category))
            guard let combined = box.combined else {
                throw VaultError.Unavailable(reason: "AES-GCM produced no sealed box")
            }
            return Data([enclaveSealedKey]) + point + combined
        } catch let error as VaultError {
            throw error
        } catch {
            throw VaultError.Unavailable(reason: "cannot seal the key for \(category.name) to the Secure Enclave")
        }
    }

    private func openFromEnclave(_ item: Data, _ category: DataCategory) throws -> SymmetricKey {
        let body = Data(item.dropFirst())
        guard body.count == Self.pointBytes + Self.sealedKeyBytes else {
            throw VaultError.Rejected(reason: "the Keychain item for \(category.name) is malformed")
        }
        guard let blob = try read(Self.enclaveAccount(category)) else {
            throw VaultError.Unavailable(reason: "no Secure Enclave key for \(category.name)")
        }
        let enclaveKey: SecureEnclave.P256.KeyAgreement.PrivateKey
        let secret: SharedSecret
        let point = Data(body.prefix(Self.pointBytes))
        do {
            // The blob is the Enclave's own encryption of the key: usable on this phone only.
            enclaveKey = try SecureEnclave.P256.KeyAgreement.PrivateKey(dataRepresentation: blob)
            let ephemeral = try P256.KeyAgreement.PublicKey(x963Representation: point)
            secret = try enclaveKey.sharedSecretFromKeyAgreement(with: ephemeral)
        } catch {
            throw VaultError.Unavailable(reason: "the Secure Enclave cannot open the key for \(category.name)")
        }
        do {
            let kek = Self.keyEncryptionKey(secret, point, category)
            let box = try AES.GCM.SealedBox(combined: Data(body.dropFirst(Self.pointBytes)))
            return SymmetricKey(data: try AES.GCM.open(box, using: kek, authenticating: Self.aad(category)))
        } catch {
            throw VaultError.Rejected(reason: "the Keychain key for \(category.name) does not authenticate")
        }
    }

    /// The ephemeral point as salt binds the derived key to this one exchange; the
    /// category as info keeps one category's item from opening as another's.
    private static func keyEncryptionKey(_ secret: SharedSecret, _ point: Data, _ category: DataCategory) -> SymmetricKey {
        secret.hkdfDerivedSymmetricKey(
            using: SHA256.self,
            salt: point,
            sharedInfo: Data("laowu.vault.v1 \(category.name)".utf8),
            outputByteCount: 32
        )
    }

    /// The category name as associated data: a key wrapped for one category does
    /// not open as another's, as on Android.
    private static func aad(_ category: DataCategory) -> Data {
        Data(category.name.utf8)
    }

    private static func keyAccount(_ category: DataCategory) -> String { "\(category.name).key" }
    private static func enclaveAccount(_ category: DataCategory) -> String { "\(category.name).enclave" }

    // MARK: - Keychain

    private func query(_ account: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: account,
        ]
    }

    private func read(_ account: String) throws -> Data? {
        var search = query(account)
        search[kSecReturnData as String] = true
        search[kSecMatchLimit as String] = kSecMatchLimitOne
        var found: CFTypeRef?
        let status = SecItemCopyMatching(search as CFDictionary, &found)
        switch status {
        case errSecSuccess:
            guard let data = found as? Data else {
                throw VaultError.Unavailable(reason: "the Keychain returned no data")
            }
            return data
        case errSecItemNotFound:
            return nil
        default:
            throw VaultError.Unavailable(reason: Self.describe(status))
        }
    }

    private func add(_ account: String, _ data: Data) throws {
        var item = query(account)
        item[kSecValueData as String] = data
        // Readable in the background once the phone has been unlocked after boot
        // (a sync, a check-in as the screen locks); never migrated to another device.
        item[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        item[kSecAttrSynchronizable as String] = false
        let status = SecItemAdd(item as CFDictionary, nil)
        guard status == errSecSuccess else {
            throw VaultError.Unavailable(reason: Self.describe(status))
        }
    }

    private func delete(_ account: String) throws {
        let status = SecItemDelete(query(account) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw VaultError.Unavailable(reason: Self.describe(status))
        }
    }

    private static func describe(_ status: OSStatus) -> String {
        if status == errSecInteractionNotAllowed {
            return "the Keychain is locked until the phone is first unlocked"
        }
        return "Keychain error \(status)"
    }

    private func locked<T>(_ work: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try work()
    }
}
