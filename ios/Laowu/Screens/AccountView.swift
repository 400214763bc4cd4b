import Laowu
import SwiftUI

/// Register with the SMS code, log in, reset the password; then the real-name data
/// and biometric quick login. The core checks every field (mobile number, code,
/// password rules) and says which one is wrong; the screen shows what it says.
struct AccountView: View {
    @EnvironmentObject private var core: AppCore
    @State private var phone = ""
    @State private var code = ""
    @State private var password = ""
    @State private var signedIn: String?
    @State private var name = ""
    @State private var identity: IdentityInfo?
    @State private var askingBiometric = false

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 16) {
                Heading("account.title")
                Field("account.phone", text: $phone, keyboard: .phonePad, content: .telephoneNumber)
                ActionButton("account.send_code", kind: .secondary) { sendCode(.register) }
                Field("account.code", text: $code, keyboard: .numberPad, content: .oneTimeCode)
                Field("account.password", text: $password, content: .password, secure: true)
                ActionButton("account.register") { register() }
                ActionButton("account.login", kind: .secondary) { login() }
                ActionButton("account.reset_password", kind: .secondary) { reset() }
                if let signedIn = signedIn {
                    Notice(verbatim: signedIn)
                }

                Heading("account.real_name")
                Field("account.name", text: $name, content: .name)
                ActionButton("account.save") { saveIdentity() }
                // The core hands the data back masked (张*, 138****8000).
                if let registration = identity?.registration {
                    Notice(verbatim: "\(registration.name) \(registration.mobile)")
                }

                Heading("account.quick_login")
                if identity?.quickLogin == true {
                    ActionButton("account.quick_login_use") { quickLogin() }
                    ActionButton("account.quick_login_disable", kind: .secondary) { disableQuickLogin() }
                } else {
                    ActionButton("account.quick_login_enable", kind: .secondary) { askingBiometric = true }
                }
            }
            .padding()
        }
        .navigationTitle(Text("account.title"))
        .onAppear(perform: loadIdentity)
        // The reason first, in the app's words; then the system's own prompt.
        .alert(Text("permission.title"), isPresented: $askingBiometric) {
            Button("permission.continue") { enableQuickLogin() }
            Button("permission.not_now", role: .cancel) {}
        } message: {
            Text("account.biometric_reason")
        }
    }

    private func loadIdentity() {
        core.call(quiet: true, { try $0.store.identity() }) { identity = $0 }
    }

    private func sendCode(_ purpose: CodePurpose) {
        let mobile = trimmed(phone)
        core.call({ try $0.store.requestCode(server: $0.server, mobile: mobile, purpose: purpose, atMs: $0.clock.nowMs()) }) { _ in
            core.message = tr("account.code_sent")
        }
    }

    private func register() {
        let (mobile, code, password) = (trimmed(phone), trimmed(self.code), self.password)
        core.call({
            try $0.store.registerAccount(server: $0.server, mobile: mobile, code: code, password: password, atMs: $0.clock.nowMs())
        }) { account in
            signedIn = tr("account.signed_in", role(account.role))
        }
    }

    private func login() {
        let (mobile, password) = (trimmed(phone), self.password)
        core.call({ try $0.store.login(server: $0.server, mobile: mobile, password: password, atMs: $0.clock.nowMs()) }) { account in
            signedIn = tr("account.signed_in", role(account.role))
        }
    }

    /// Without a code: text one. With it: set the new password.
    private func reset() {
        let (mobile, code, password) = (trimmed(phone), trimmed(self.code), self.password)
        if code.isEmpty {
            sendCode(.reset)
            return
        }
        core.call({
            try $0.store.resetPassword(server: $0.server, mobile: mobile, code: code, newPassword: password, atMs: $0.clock.nowMs())
        }) { _ in
            core.message = tr("account.password_reset")
        }
    }

    private func saveIdentity() {
        let (name, mobile) = (trimmed(self.name), trimmed(phone))
        core.call({ try $0.store.register(name: name, mobile: mobile, atMs: $0.clock.nowMs()) }) { identity = $0 }
    }

    /// The core records the grant and asks the platform's prompt for one success.
    private func enableQuickLogin() {
        core.call({ try $0.store.enableQuickLogin(prompt: $0.biometric, atMs: $0.clock.nowMs()) }) { on in
            core.message = on ? tr("account.quick_login_on") : tr("account.quick_login_unavailable")
            loadIdentity()
        }
    }

    private func quickLogin() {
        core.call({ try $0.store.quickLogin(prompt: $0.biometric, atMs: $0.clock.nowMs()) }) { passed in
            core.message = passed ? tr("account.quick_login_passed") : tr("account.quick_login_failed")
        }
    }

    private func disableQuickLogin() {
        core.call({ try $0.store.disableQuickLogin() }) { _ in
            loadIdentity()
        }
    }

    private func role(_ role: String) -> String {
        switch role {
        case "worker":
            return tr("role.worker")
        case "supervisor":
            return tr("role.supervisor")
        case "admin":
            return tr("role.admin")
        default:
            return role
        }
    }
}
