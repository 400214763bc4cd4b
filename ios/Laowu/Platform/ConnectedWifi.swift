import Foundation
import Laowu
import NetworkExtension

/// iOS lets no app scan for WiFi, so the "scan" is the one network the phone is
/// connected to, from `NEHotspotNetwork.fetchCurrent`. That needs the Access WiFi
/// Information entitlement (Laowu.entitlements) and precise location permission,
/// asked at the moment of check-in. The core's rule works with this single entry:
/// a known BSSID is enough (core/src/attendance/wifi.rs tests the case).
final class ConnectedWifi: WifiScanner, @unchecked Sendable {
    /// `fetchCurrent` reports no signal strength (only hotspot helpers get one),
    /// and the core takes -127...0 dBm. With one access point the strength never
    /// decides anything (it only ranks several matches), so 0 stands for unknown.
    static let unknownRssiDbm: Int32 = 0
    /// 802.11 allows 32 bytes; a name decoded from another encoding can grow past it.
    private static let maxSsidBytes = 32

    private let timeout: TimeInterval

    init(timeout: TimeInterval = 5) {
        self.timeout = timeout
    }

    func scan() -> [WifiAccessPoint] {
        guard !Thread.isMainThread else { return [] }
        let done = DispatchSemaphore(value: 0)
        let current = Locked<NEHotspotNetwork?>(nil)
        NEHotspotNetwork.fetchCurrent { network in
            current.set(network)
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else { return [] }
        // Not connected, or not allowed (no entitlement, approximate location only).
        guard let connected = current.get(), let bssid = Self.normalised(connected.bssid) else { return [] }
        return [WifiAccessPoint(bssid: bssid, ssid: Self.checkedSsid(connected.ssid), rssiDbm: Self.unknownRssiDbm)]
    }

    /// iOS writes BSSIDs without leading zeros ("a8:6:68:d9:71:b"); the core takes
    /// six two-digit octets. Anything else is no usable address, the same as no WiFi.
    static func normalised(_ bssid: String) -> String? {
        let octets = bssid.split(separator: ":", omittingEmptySubsequences: false)
        guard octets.count == 6 else { return nil }
        var out: [String] = []
        for octet in octets {
            guard (1...2).contains(octet.count), octet.allSatisfy(\.isHexDigit),
                  let value = UInt8(octet, radix: 16)
            else { return nil }
            out.append(String(format: "%02x", value))
        }
        return out.joined(separator: ":")
    }

    /// Only the BSSID counts for the site; the name is a hint. A name the core would
    /// refuse (too long, control characters) goes as empty, as for a hidden network,
    /// rather than failing the whole check-in.
    static func checkedSsid(_ ssid: String) -> String {
        let usable = ssid.utf8.count <= maxSsidBytes
            && !ssid.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) }
        return usable ? ssid : ""
    }
}
