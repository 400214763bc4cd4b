import SwiftUI
import UIKit

// Controls sized for a construction site: gloves, glare, one hand. Text uses the
// system text styles only, so Dynamic Type scales all of it; touch targets are at
// least 56 points tall (Apple asks for 44) and grow with the text.

struct TouchTarget: ViewModifier {
    @ScaledMetric(relativeTo: .title3) var minHeight: CGFloat = 56

    func body(content: Content) -> some View {
        content.frame(minHeight: minHeight)
    }
}

extension View {
    func touchTarget() -> some View {
        modifier(TouchTarget())
    }
}

/// A screen's or a section's title, announced as a heading by VoiceOver.
struct Heading: View {
    let key: LocalizedStringKey

    init(_ key: LocalizedStringKey) {
        self.key = key
    }

    var body: some View {
        Text(key)
            .font(.title2.weight(.bold))
            .frame(maxWidth: .infinity, alignment: .leading)
            .accessibilityAddTraits(.isHeader)
    }
}

/// A full-width button. `label` is what VoiceOver says when the visible title is
/// not enough on its own (e.g. "Approve" says whose check-in).
struct ActionButton: View {
    enum Kind {
        case primary
        case secondary
        case destructive
    }

    let key: LocalizedStringKey
    let kind: Kind
    let label: String?
    let action: () -> Void

    init(_ key: LocalizedStringKey, kind: Kind = .primary, label: String? = nil, action: @escaping () -> Void) {
        self.key = key
        self.kind = kind
        self.label = label
        self.action = action
    }

    var body: some View {
        let button = Button(role: kind == .destructive ? .destructive : nil, action: action) {
            Text(key)
                .font(.title3)
                .multilineTextAlignment(.center)
                .frame(maxWidth: .infinity)
                .touchTarget()
        }
        .accessibilityLabel(label.map { Text(verbatim: $0) } ?? Text(key))
        if kind == .primary {
            button.buttonStyle(.borderedProminent)
        } else {
            button.buttonStyle(.bordered)
        }
    }
}

/// A labelled text field; the label stays visible above it (placeholders vanish
/// as soon as one types) and is the field's VoiceOver label.
struct Field: View {
    let key: LocalizedStringKey
    @Binding var text: String
    let keyboard: UIKeyboardType
    let content: UITextContentType?
    let secure: Bool

    init(
        _ key: LocalizedStringKey,
        text: Binding<String>,
        keyboard: UIKeyboardType = .default,
        content: UITextContentType? = nil,
        secure: Bool = false
    ) {
        self.key = key
        _text = text
        self.keyboard = keyboard
        self.content = content
        self.secure = secure
    }

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(key)
                .font(.headline)
                .accessibilityHidden(true)
            input
                .font(.title3)
                .keyboardType(keyboard)
                .textContentType(content)
                .textInputAutocapitalization(.never)
                .autocorrectionDisabled(true)
                .padding(.horizontal, 12)
                .touchTarget()
                .overlay(RoundedRectangle(cornerRadius: 8).stroke(Color.secondary))
                .accessibilityLabel(Text(key))
        }
    }

    @ViewBuilder private var input: some View {
        if secure {
            SecureField(key, text: $text)
        } else {
            TextField(key, text: $text)
        }
    }
}

/// A line of the core's text or the shell's, in a box that stands out.
struct Notice: View {
    let text: Text

    init(_ key: LocalizedStringKey) {
        text = Text(key)
    }

    init(verbatim: String) {
        text = Text(verbatim: verbatim)
    }

    var body: some View {
        text
            .font(.body)
            .frame(maxWidth: .infinity, alignment: .leading)
            .padding()
            .background(Color.secondary.opacity(0.15))
            .cornerRadius(8)
    }
}

/// A reason from the core in both languages: the app's language first.
struct BilingualText: View {
    let zh: String
    let en: String

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            Text(verbatim: showsChinese ? zh : en)
                .font(.body)
            Text(verbatim: showsChinese ? en : zh)
                .font(.footnote)
                .foregroundColor(.secondary)
        }
        .frame(maxWidth: .infinity, alignment: .leading)
        .accessibilityElement(children: .combine)
    }
}

/// Trims what the worker typed; the core checks every field itself.
func trimmed(_ text: String) -> String {
    text.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Nil for an empty field: the core's "not given".
func optional(_ text: String) -> String? {
    let value = trimmed(text)
    return value.isEmpty ? nil : value
}
