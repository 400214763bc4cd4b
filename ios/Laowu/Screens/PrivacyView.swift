import Laowu
import SwiftUI
import UIKit

/// The privacy centre: each optional grant with a withdraw button, every access in
/// the tamper-evident ledger (who, what, why, when, allowed or not), an export of
/// everything held, and account deletion with the date by which the server must
/// have finished it.
struct PrivacyView: View {
    @EnvironmentObject private var core: AppCore
    @State private var ledger: [LedgerRow] = []
    @State private var withdrawing: PurposeGrant?
    @State private var confirmingDeletion = false
    @State private var export: ExportFile?
    /// The file on disk, remembered apart: the sheet clears `export` before `onDismiss`.
    @State private var exportedURL: URL?

    /// The newest entries; the whole ledger is in the export.
    private static let maxRows = 200

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 16) {
                Heading("privacy.title")

                Heading("privacy.grants")
                ForEach(core.consent?.purposes ?? [], id: \.id) { purpose in
                    grant(purpose)
                }

                Heading("privacy.access_log")
                if ledger.isEmpty {
                    Text("privacy.access_log_empty")
                        .font(.body)
                }
                ForEach(ledger, id: \.seq) { row in
                    LedgerEntryView(row: row)
                }

                Heading("privacy.your_data")
                ActionButton("privacy.export", kind: .secondary) { exportData() }
                ActionButton("privacy.delete_account", kind: .destructive) { confirmingDeletion = true }
            }
            .padding()
        }
        .navigationTitle(Text("privacy.title"))
        .onAppear(perform: load)
        .confirmationDialog(
            Text("privacy.withdraw_confirm"),
            isPresented: Binding(get: { withdrawing != nil }, set: { if !$0 { withdrawing = nil } }),
            titleVisibility: .visible,
            presenting: withdrawing
        ) { purpose in
            Button("privacy.withdraw", role: .destructive) { withdraw(purpose.id) }
            Button("common.cancel", role: .cancel) {}
        } message: { purpose in
            Text(verbatim: purpose.name)
        }
        .alert(Text("privacy.delete_account"), isPresented: $confirmingDeletion) {
            Button("privacy.delete_account", role: .destructive) { deleteAccount() }
            Button("common.cancel", role: .cancel) {}
        } message: {
            Text("privacy.delete_confirm")
        }
        .sheet(item: $export, onDismiss: removeExport) { file in
            ShareSheet(items: [file.url])
        }
    }

    @ViewBuilder private func grant(_ purpose: PurposeGrant) -> some View {
        HStack {
            Image(systemName: purpose.granted ? "checkmark.circle.fill" : "xmark.circle")
                .font(.title3)
            Text(verbatim: purpose.name)
                .font(.body)
        }
        .accessibilityElement(children: .ignore)
        .accessibilityLabel(Text(verbatim: purpose.granted
                ? tr("privacy.granted", purpose.name)
                : tr("privacy.not_granted", purpose.name)))
        if purpose.granted && !purpose.essential {
            ActionButton("privacy.withdraw", kind: .destructive, label: tr("privacy.withdraw_named", purpose.name)) {
                withdrawing = purpose
            }
        }
    }

    private func load() {
        core.refreshConsent()
        core.call(quiet: true, { try $0.store.ledger() }) { rows in
            ledger = Array(rows.reversed().prefix(Self.maxRows))
        }
    }

    /// Collection stops at once; the categories only this purpose used are shredded.
    private func withdraw(_ purpose: String) {
        core.call({ try $0.store.withdraw(purpose: purpose, atMs: $0.clock.nowMs()) }) { _ in
            core.message = tr("privacy.withdrawn")
            load()
        }
    }

    /// Everything the phone holds about the worker, as one JSON file for the share
    /// sheet (save to Files, send): deleted again when the sheet closes.
    private func exportData() {
        core.call({ app -> URL in
            let json = try app.store.export(atMs: app.clock.nowMs())
            let url = FileManager.default.temporaryDirectory
                .appendingPathComponent("laowu-export-\(Formats.today(nowMs: app.clock.nowMs())).json")
            try Data(json.utf8).write(to: url, options: [.atomic, .completeFileProtection])
            return url
        }) { url in
            exportedURL = url
            export = ExportFile(url: url)
        }
    }

    private func removeExport() {
        if let url = exportedURL {
            try? FileManager.default.removeItem(at: url)
        }
        exportedURL = nil
    }

    /// Shreds every key and removes the store; the signed request goes to the server,
    /// which must finish within 15 working days. The store is unusable after.
    private func deleteAccount() {
        core.call({ try $0.store.deleteAccount(atMs: $0.clock.nowMs()) }) { deletion in
            core.deletion = deletion
        }
    }
}

struct LedgerEntryView: View {
    let row: LedgerRow

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            Text(verbatim: "\(Formats.dateTime(row.atMs)) · \(row.accessor)")
                .font(.headline)
            Text(verbatim: "\(row.category.name) · \(row.purpose)")
                .font(.body)
            Text(row.allowed ? LocalizedStringKey("privacy.allowed") : LocalizedStringKey("privacy.denied"))
                .font(.body)
                .foregroundColor(row.allowed ? .primary : .red)
        }
        .frame(maxWidth: .infinity, alignment: .leading)
        .accessibilityElement(children: .combine)
    }
}

struct ExportFile: Identifiable {
    let url: URL
    var id: URL { url }
}

/// UIKit's share sheet, which SwiftUI on iOS 15 does not offer.
struct ShareSheet: UIViewControllerRepresentable {
    let items: [Any]

    func makeUIViewController(context: Context) -> UIActivityViewController {
        UIActivityViewController(activityItems: items, applicationActivities: nil)
    }

    func updateUIViewController(_ controller: UIActivityViewController, context: Context) {}
}
