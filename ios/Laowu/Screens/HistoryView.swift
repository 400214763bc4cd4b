import Laowu
import SwiftUI

/// The worker's check-ins and make-up requests, newest first, with their review
/// state and the supervisor's note; and a make-up request (补卡) for a missed punch.
/// The core applies the site's quota and deadline and says why when it refuses.
struct HistoryView: View {
    @EnvironmentObject private var core: AppCore
    @State private var rows: [AttendanceRow] = []
    @State private var date = ""
    @State private var reason = ""

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 16) {
                Heading("history.title")
                if rows.isEmpty {
                    Text("history.empty")
                        .font(.body)
                }
                ForEach(rows, id: \.recordId) { row in
                    HistoryRow(row: row)
                }

                Heading("history.makeup")
                Field("history.makeup_date", text: $date, keyboard: .numbersAndPunctuation)
                Field("history.makeup_reason", text: $reason)
                ActionButton("history.makeup_submit") { requestMakeup() }
            }
            .padding()
        }
        .navigationTitle(Text("history.title"))
        .onAppear(perform: load)
    }

    private func load() {
        core.call(quiet: true, { try $0.store.attendanceHistory() }) { history in
            rows = history.reversed()
        }
    }

    private func requestMakeup() {
        let (day, why) = (trimmed(date), reason)
        core.call({
            try $0.store.requestMakeup(
                site: nil, date: day, punch: nil, reason: why, deviceMs: $0.clock.nowMs(), elapsedMs: $0.clock.elapsedMs()
            )
        }) { _ in
            reason = ""
            core.message = tr("history.makeup_sent")
            load()
        }
    }
}

struct HistoryRow: View {
    let row: AttendanceRow

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(verbatim: "\(row.date ?? Formats.dateTime(row.atMs)) · \(row.siteName ?? row.siteId)")
                .font(.headline)
            HStack {
                if let punch = row.punch {
                    Text(punchKey(punch))
                }
                // A make-up request has no verdict of its own (the core says "makeup").
                if row.kind == "makeup" {
                    Text("history.kind_makeup")
                } else {
                    Text(verdict(row.verdict))
                }
            }
            .font(.body)
            if row.review != "none" {
                Text(review(row.review))
                    .font(.body)
            }
            if let note = row.note {
                Text(verbatim: tr("history.note", note))
                    .font(.body)
            }
        }
        .frame(maxWidth: .infinity, alignment: .leading)
        .padding(.vertical, 4)
        .accessibilityElement(children: .combine)
    }
}

func punchKey(_ punch: String) -> LocalizedStringKey {
    switch punch {
    case "in":
        return "punch.in"
    case "out":
        return "punch.out"
    default:
        return LocalizedStringKey(punch)
    }
}

/// A review state in the worker's words: pending, approved, rejected.
func review(_ state: String) -> LocalizedStringKey {
    switch state {
    case "pending":
        return "review.pending"
    case "approved":
        return "review.approved"
    case "rejected":
        return "review.rejected"
    default:
        return LocalizedStringKey(state)
    }
}
