import Foundation

/// A string from Localizable.xcstrings, for text built in code (messages,
/// VoiceOver labels); views use the keys directly as LocalizedStringKey.
func tr(_ key: String.LocalizationValue) -> String {
    String(localized: key)
}

/// A catalog string whose `%@` placeholders take text the shell already formatted
/// (numbers, dates, the core's own words).
func tr(_ key: String.LocalizationValue, _ arguments: String...) -> String {
    String(format: String(localized: key), arguments: arguments)
}

/// Whether the app is running in Chinese. The core gives its reasons in both
/// languages: the worker's comes first, the other under it.
var showsChinese: Bool {
    Bundle.main.preferredLocalizations.first?.hasPrefix("zh") ?? true
}

enum Formats {
    /// The day the core and the server speak of (YYYY-MM-DD), in China's time zone.
    static func today(nowMs: Int64) -> String {
        dayFormatter.string(from: date(nowMs))
    }

    static func dateTime(_ ms: Int64) -> String {
        dateTimeFormatter.string(from: date(ms))
    }

    static func time(_ ms: Int64) -> String {
        timeFormatter.string(from: date(ms))
    }

    private static func date(_ ms: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(ms) / 1000)
    }

    private static let dayFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter
    }()

    private static let dateTimeFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateStyle = .short
        formatter.timeStyle = .short
        return formatter
    }()

    private static let timeFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateStyle = .none
        formatter.timeStyle = .short
        return formatter
    }()
}
