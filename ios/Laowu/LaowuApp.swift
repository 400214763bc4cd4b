import SwiftUI

@main
struct LaowuApp: App {
    @StateObject private var launcher = Launcher()

    var body: some Scene {
        WindowGroup {
            LaunchView(launcher: launcher)
        }
    }
}

/// While the store opens (Keychain, Secure Enclave, SQLite: off the main thread),
/// a spinner; if it cannot open, why, and a way to try again.
struct LaunchView: View {
    @ObservedObject var launcher: Launcher

    var body: some View {
        switch launcher.state {
        case .opening:
            ProgressView()
                .accessibilityLabel(Text("launch.opening"))
                .onAppear { launcher.start() }
        case .ready(let core):
            RootView(restart: launcher.open)
                .environmentObject(core)
        case .failed(let reason):
            VStack(spacing: 16) {
                Text("launch.failed")
                    .font(.title2)
                Text(verbatim: reason)
                    .font(.body)
                ActionButton("launch.retry") { launcher.open() }
            }
            .padding()
        }
    }
}
