import Laowu
import SwiftUI

/// First run, and a new policy version: the policy, the third-party SDK list and
/// one switch per purpose, none switched on for the worker. Essential purposes are
/// marked as such; refusing them leaves browse-only mode, as the core decides.
struct ConsentView: View {
    @EnvironmentObject private var core: AppCore
    @State private var policy: PolicyView?
    @State private var chosen: Set<String> = []

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 16) {
                Heading("consent.title")
                Text("consent.intro")
                    .font(.body)
                if core.consent?.state == .browseOnly {
                    Notice("consent.browse_only")
                }
                if core.consent?.state == .reconsentRequired {
                    Notice("consent.reconsent")
                }
                if let policy = policy {
                    terms(policy)
                } else {
                    ProgressView()
                }
            }
            .padding()
        }
        .navigationTitle(Text("consent.title"))
        .onAppear {
            core.call({ $0.store.policy() }) { policy = $0 }
        }
    }

    @ViewBuilder private func terms(_ policy: PolicyView) -> some View {
        Text(verbatim: "\(policy.title) (v\(policy.version), \(policy.effective))")
            .font(.headline)
        Text(verbatim: policy.text)
            .font(.body)
        ForEach(policy.purposes, id: \.id) { purpose in
            Toggle(isOn: choice(purpose.id)) {
                PurposeLabel(purpose: purpose)
            }
            .touchTarget()
            .accessibilityLabel(Text(verbatim: PurposeLabel.spoken(purpose)))
            .accessibilityHint(Text(verbatim: purpose.description))
        }
        Heading("consent.sdk_list")
        ForEach(policy.sdks, id: \.id) { sdk in
            VStack(alignment: .leading, spacing: 4) {
                Text(verbatim: "\(sdk.name)（\(sdk.vendor)）")
                    .font(.headline)
                Text(verbatim: "\(sdk.purpose) · \(sdk.scenario)")
                Text(verbatim: sdk.dataTypes.joined(separator: "、"))
                Text(verbatim: sdk.collection)
                Text(verbatim: sdk.policyUrl)
                    .foregroundColor(.secondary)
            }
            .font(.body)
            .accessibilityElement(children: .combine)
        }
        ActionButton("consent.accept") { decide(Array(chosen)) }
        ActionButton("consent.refuse", kind: .secondary) { decide([]) }
    }

    private func choice(_ id: String) -> Binding<Bool> {
        Binding(
            get: { chosen.contains(id) },
            set: { on in
                if on {
                    chosen.insert(id)
                } else {
                    chosen.remove(id)
                }
            }
        )
    }

    private func decide(_ purposes: [String]) {
        core.call({ try $0.store.accept(purposes: purposes, atMs: $0.clock.nowMs()) }) { _ in
            core.refreshConsent()
        }
    }
}

/// A purpose as the policy words it: name, marks, what it does, its data and SDKs.
struct PurposeLabel: View {
    let purpose: PurposeTerms

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(verbatim: purpose.name)
                .font(.headline)
            if purpose.essential {
                Text("consent.essential")
                    .font(.subheadline)
            }
            if purpose.sensitive {
                Text("consent.sensitive")
                    .font(.subheadline)
            }
            Text(verbatim: purpose.description)
                .font(.body)
            Text(verbatim: purpose.data.joined(separator: "、"))
                .font(.footnote)
            if !purpose.sdks.isEmpty {
                Text(verbatim: "SDK: \(purpose.sdks.joined(separator: ", "))")
                    .font(.footnote)
            }
        }
    }

    /// The name and the marks, for VoiceOver (the description is the hint).
    static func spoken(_ purpose: PurposeTerms) -> String {
        var parts = [purpose.name]
        if purpose.essential {
            parts.append(tr("consent.essential"))
        }
        if purpose.sensitive {
            parts.append(tr("consent.sensitive"))
        }
        return parts.joined(separator: ", ")
    }
}
