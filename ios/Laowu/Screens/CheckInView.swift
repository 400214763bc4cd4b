import Laowu
import SwiftUI

/// Check-in: the site, then one large button. The core evaluates the fix and the
/// connected WiFi and says inside, uncertain or outside, the distance, whether the
/// site's WiFi was seen, and every reason the check-in would be flagged; the screen
/// only draws that. "Check my position" shows the same without recording anything.
struct CheckInView: View {
    @EnvironmentObject private var core: AppCore
    @State private var sites: [SiteSummary]?
    @State private var reason = ""
    @State private var result: CheckInResult?
    @State private var working = false
    @State private var askingLocation = false
    @State private var recordNext = true

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 16) {
                Heading("checkin.title")
                siteList
                Field("checkin.field_reason", text: $reason)
                ActionButton("checkin.check_in") { start(record: true) }
                    .disabled(working)
                ActionButton("checkin.preview", kind: .secondary) { start(record: false) }
                    .disabled(working)
                ActionButton("checkin.sync", kind: .secondary) { sync() }
                    .disabled(working)
                if working {
                    ProgressView()
                        .frame(maxWidth: .infinity)
                        .accessibilityLabel(Text("checkin.working"))
                }
                if let result = result {
                    CheckInResultView(result: result)
                }
            }
            .padding()
        }
        .navigationTitle(Text("checkin.title"))
        .onAppear(perform: loadSites)
        // The reason first, in the app's words; then the system's own prompt.
        .alert(Text("permission.title"), isPresented: $askingLocation) {
            Button("permission.continue") { askSystem() }
            Button("permission.not_now", role: .cancel) {
                core.message = tr("checkin.permission_refused")
            }
        } message: {
            Text("checkin.location_reason")
        }
    }

    @ViewBuilder private var siteList: some View {
        if let sites = sites {
            if sites.isEmpty {
                Notice("checkin.no_site")
            } else {
                ForEach(sites, id: \.id) { site in
                    Text(verbatim: tr("checkin.site", site.name))
                        .font(.headline)
                }
            }
        }
    }

    private func loadSites() {
        core.call(quiet: true, { try $0.store.sites() }) { sites = $0 }
    }

    private func start(record: Bool) {
        recordNext = record
        if core.permission.needsAsking {
            askingLocation = true
        } else {
            askSystem()
        }
    }

    private func askSystem() {
        core.permission.request { granted in
            if granted {
                run(record: recordNext)
            } else {
                core.message = tr("checkin.permission_refused")
            }
        }
    }

    private func run(record: Bool) {
        let why = optional(reason)
        working = true
        core.call({ app -> CheckInResult in
            let (now, elapsed) = (app.clock.nowMs(), app.clock.elapsedMs())
            if record {
                return try app.store.checkIn(
                    site: nil, reason: why, location: app.location, wifi: app.wifi, deviceMs: now, elapsedMs: elapsed
                )
            }
            return try app.store.previewCheckIn(
                site: nil, reason: why, location: app.location, wifi: app.wifi, deviceMs: now, elapsedMs: elapsed
            )
        }) { answer in
            result = answer
        }
        core.afterQueued { working = false }
    }

    private func sync() {
        working = true
        core.call({ try $0.store.sync(options: $0.syncOptions, deviceMs: $0.clock.nowMs(), elapsedMs: $0.clock.elapsedMs()) }) { report in
            core.message = tr("checkin.synced", String(report.accepted), String(report.outbox))
            loadSites()
            // A new policy version may have arrived: the gate says whether to ask again.
            core.refreshConsent()
        }
        core.afterQueued { working = false }
    }
}

/// What the core answered, drawn: place, distance, WiFi, verdict, reasons.
struct CheckInResultView: View {
    let result: CheckInResult

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            Text(verbatim: result.siteName)
                .font(.title2.weight(.bold))
                .accessibilityAddTraits(.isHeader)
            Text(verdict(result.verdict))
                .font(.title3)
            Text(place(result.inside))
                .font(.body)
            Text(verbatim: tr("checkin.distance", String(Int(result.distanceM.rounded()))))
                .font(.body)
            Text(result.wifiMatched ? LocalizedStringKey("checkin.wifi_matched") : LocalizedStringKey("checkin.wifi_not_matched"))
                .font(.body)
            ForEach(Array(result.reasons.enumerated()), id: \.offset) { _, reason in
                BilingualText(zh: reason.zh, en: reason.en)
            }
            if result.needsReview {
                Notice("checkin.waiting_review")
            }
            if result.recordId != nil {
                Text("checkin.recorded")
                    .font(.body)
            } else {
                Text("checkin.not_recorded")
                    .font(.footnote)
                    .foregroundColor(.secondary)
            }
        }
        .padding()
        .frame(maxWidth: .infinity, alignment: .leading)
        .overlay(RoundedRectangle(cornerRadius: 8).stroke(Color.secondary))
    }

    private func place(_ inside: String) -> LocalizedStringKey {
        switch inside {
        case "inside":
            return "checkin.inside"
        case "outside":
            return "checkin.outside"
        default:
            return "checkin.uncertain"
        }
    }
}

/// The core's verdict codes in the worker's words; an unknown one as the core wrote it.
func verdict(_ code: String) -> LocalizedStringKey {
    switch code {
    case "normal":
        return "verdict.normal"
    case "late":
        return "verdict.late"
    case "early_leave":
        return "verdict.early_leave"
    case "field":
        return "verdict.field"
    case "rejected":
        return "verdict.rejected"
    default:
        return LocalizedStringKey(code)
    }
}
