import Laowu
import SwiftUI

/// A supervisor's day view of a site, from the server: who checked in, verdicts,
/// anomalies, and each field check-in or make-up request with approve and reject
/// and a note. The server decides who may see which site; this screen only asks.
struct SupervisorView: View {
    @EnvironmentObject private var core: AppCore
    @State private var site = ""
    @State private var date = ""
    @State private var note = ""
    @State private var day: SupervisorDay?

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 16) {
                Heading("supervisor.title")
                Field("supervisor.site", text: $site)
                Field("supervisor.date", text: $date, keyboard: .numbersAndPunctuation)
                ActionButton("supervisor.load") { load(site: trimmed(site), date: trimmed(date)) }
                Field("supervisor.note", text: $note)
                if let day = day {
                    Notice(verbatim: tr("supervisor.summary", day.site, day.date, String(day.workers), String(day.pending)))
                    if day.entries.isEmpty {
                        Text("supervisor.no_entries")
                            .font(.body)
                    }
                    ForEach(day.entries, id: \.eventId) { entry in
                        entryView(entry, day)
                    }
                }
            }
            .padding()
        }
        .navigationTitle(Text("supervisor.title"))
        .onAppear {
            if date.isEmpty {
                date = Formats.today(nowMs: core.clock.nowMs())
            }
        }
    }

    @ViewBuilder private func entryView(_ entry: SupervisorEntry, _ day: SupervisorDay) -> some View {
        let who = entry.workerName ?? String(entry.worker.prefix(8))
        VStack(alignment: .leading, spacing: 4) {
            Text(verbatim: "\(Formats.time(entry.atMs)) \(who)")
                .font(.headline)
            HStack {
                if let punch = entry.punch {
                    Text(punchKey(punch))
                }
                if entry.kind == "makeup" {
                    Text("history.kind_makeup")
                } else if let code = entry.verdict {
                    Text(verdict(code))
                }
                Text(review(entry.review))
            }
            if let distance = entry.distanceM {
                Text(verbatim: tr("checkin.distance", String(distance)))
            }
            if entry.wifiMatched {
                Text("checkin.wifi_matched")
            }
            if !entry.anomalies.isEmpty {
                Text(verbatim: entry.anomalies.joined(separator: ", "))
            }
            if let reason = entry.reason {
                Text(verbatim: tr("supervisor.reason", reason))
            }
            if let note = entry.note {
                Text(verbatim: tr("history.note", note))
            }
        }
        .font(.body)
        .frame(maxWidth: .infinity, alignment: .leading)
        .accessibilityElement(children: .combine)
        if entry.review == "pending" {
            ActionButton("supervisor.approve", label: tr("supervisor.approve_named", who)) {
                decide(entry.eventId, approved: true, day)
            }
            ActionButton("supervisor.reject", kind: .destructive, label: tr("supervisor.reject_named", who)) {
                decide(entry.eventId, approved: false, day)
            }
        }
    }

    private func load(site: String, date: String) {
        core.call({ try $0.store.supervisorDay(site: site, date: date, atMs: $0.clock.nowMs()) }) { answer in
            day = answer
        }
    }

    private func decide(_ eventId: String, approved: Bool, _ day: SupervisorDay) {
        let text = optional(note)
        core.call({ try $0.store.supervisorDecide(eventId: eventId, approved: approved, note: text, atMs: $0.clock.nowMs()) }) { _ in
            note = ""
            load(site: day.site, date: day.date)
        }
    }
}
