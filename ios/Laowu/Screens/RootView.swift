import Laowu
import SwiftUI

/// Which screens are reachable is the consent gate's answer: nothing personal is
/// asked for before the worker has decided on the policy, and browse-only keeps it so.
struct RootView: View {
    @EnvironmentObject private var core: AppCore
    /// Starts the app again on a fresh store (after the account is deleted).
    let restart: () -> Void

    // Explicit: the private environment object would make the memberwise one private.
    init(restart: @escaping () -> Void) {
        self.restart = restart
    }

    var body: some View {
        content
            .safeAreaInset(edge: .top) { MessageBar() }
            .onAppear { core.refreshConsent() }
    }

    @ViewBuilder private var content: some View {
        if let deletion = core.deletion {
            DeletedView(deletion: deletion, restart: restart)
        } else if let consent = core.consent {
            if consent.state == .open {
                tabs
            } else {
                NavigationView { ConsentView() }
                    .navigationViewStyle(.stack)
            }
        } else {
            ProgressView()
                .accessibilityLabel(Text("launch.opening"))
        }
    }

    private var tabs: some View {
        TabView {
            NavigationView { CheckInView() }
                .navigationViewStyle(.stack)
                .tabItem { Label("tab.check_in", systemImage: "mappin.and.ellipse") }
            NavigationView { HistoryView() }
                .navigationViewStyle(.stack)
                .tabItem { Label("tab.history", systemImage: "calendar") }
            NavigationView { AccountView() }
                .navigationViewStyle(.stack)
                .tabItem { Label("tab.account", systemImage: "person.crop.circle") }
            NavigationView { PrivacyView() }
                .navigationViewStyle(.stack)
                .tabItem { Label("tab.privacy", systemImage: "hand.raised") }
            NavigationView { SupervisorView() }
                .navigationViewStyle(.stack)
                .tabItem { Label("tab.supervisor", systemImage: "checkmark.seal") }
        }
    }
}

/// The last message (an error in the core's terms, or a confirmation), until dismissed.
struct MessageBar: View {
    @EnvironmentObject private var core: AppCore

    var body: some View {
        if let message = core.message {
            HStack(alignment: .top) {
                Text(verbatim: message)
                    .font(.body)
                    .frame(maxWidth: .infinity, alignment: .leading)
                Button {
                    core.message = nil
                } label: {
                    Image(systemName: "xmark.circle.fill")
                        .font(.title2)
                        .frame(minWidth: 44)
                        .touchTarget()
                }
                .accessibilityLabel(Text("message.dismiss"))
            }
            .padding(.horizontal)
            .background(.thinMaterial)
        }
    }
}

/// After deletion: the date by which the server must have finished, then a fresh start.
struct DeletedView: View {
    let deletion: AccountDeletion
    let restart: () -> Void

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 16) {
                Heading("deleted.title")
                Text("deleted.body")
                    .font(.body)
                Notice(verbatim: tr("privacy.deadline", deletion.deadline))
                ActionButton("deleted.start_again", action: restart)
            }
            .padding()
        }
    }
}
