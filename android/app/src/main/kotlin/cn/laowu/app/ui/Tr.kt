package cn.laowu.app.ui

/**
 * A piece of UI text in Simplified Chinese with English alongside. Workers read
 * either; both are shown, Chinese first. Everything the core says (reasons, purpose
 * names, the policy) comes from the core already bilingual or in Chinese.
 */
data class Tr(val zh: String, val en: String) {
    fun both(): String = "$zh  $en"
    fun stacked(): String = "$zh\n$en"
}

/** The shell's own words: labels, buttons, titles. */
object T {
    val appName = Tr("劳务", "Laowu")
    val consentTitle = Tr("隐私政策", "Privacy policy")
    val consentIntro = Tr(
        "请阅读隐私政策。每一项用途单独选择，默认均未勾选。",
        "Please read the privacy policy. Choose each purpose separately; nothing is ticked for you.",
    )
    val essential = Tr("必要", "essential")
    val sensitive = Tr("敏感个人信息", "sensitive")
    val sdkList = Tr("第三方 SDK 清单", "Third-party SDKs")
    val accept = Tr("同意所选项", "Accept my choices")
    val refuse = Tr("不同意，仅浏览", "Refuse, browse only")
    val browseOnly = Tr(
        "您未同意必要条款，仅可浏览。可随时重新选择。",
        "You refused the essential terms: browse only. You can choose again at any time.",
    )
    val chooseAgain = Tr("重新选择", "Choose again")

    val register = Tr("注册", "Register")
    val login = Tr("登录", "Log in")
    val resetPassword = Tr("重置密码", "Reset password")
    val phone = Tr("手机号", "Mobile number")
    val code = Tr("短信验证码", "SMS code")
    val sendCode = Tr("获取验证码", "Send code")
    val password = Tr("密码", "Password")
    val codeSent = Tr("验证码已发送", "Code sent")
    val signedIn = Tr("已登录", "Signed in")

    val quickLogin = Tr("开启指纹登录", "Turn on fingerprint login")
    val quickLoginOn = Tr("指纹登录已开启", "Fingerprint login is on")
    val quickLoginUnavailable = Tr("本机无法使用指纹登录", "Fingerprint login is not available on this phone")
    val realName = Tr("实名信息", "Real-name data")
    val name = Tr("姓名", "Name")
    val save = Tr("保存", "Save")

    val checkIn = Tr("打卡", "Check in")
    val preview = Tr("检查位置", "Check my position")
    val fieldReason = Tr("外勤原因（不在工地时填写）", "Reason for a field check-in (when away from the site)")
    val noSite = Tr("还没有工地，请先同步", "No site yet: sync first")
    val locationReason = Tr(
        "打卡需要读取您当前的位置和附近的 WiFi，仅用于判断是否在工地范围内。",
        "Checking in reads your current position and nearby WiFi, only to tell whether you are at the site.",
    )
    val permissionRefused = Tr("未获得位置权限，无法打卡", "No location permission: cannot check in")
    val inside = Tr("在工地范围内", "inside the site")
    val uncertain = Tr("位置不确定", "position uncertain")
    val outside = Tr("不在工地范围内", "outside the site")
    val wifiMatched = Tr("已匹配工地 WiFi", "site WiFi matched")
    val wifiNotMatched = Tr("未匹配工地 WiFi", "site WiFi not matched")
    val metres = Tr("米", "m")
    val waitingReview = Tr("等待主管审核", "waiting for the supervisor's review")
    val sync = Tr("同步", "Sync")

    val history = Tr("考勤记录", "History")
    val makeup = Tr("补卡申请", "Make-up request")
    val makeupDate = Tr("日期 (YYYY-MM-DD)", "Date (YYYY-MM-DD)")
    val makeupReason = Tr("原因", "Reason")

    val privacy = Tr("隐私中心", "Privacy centre")
    val accessLog = Tr("谁在何时访问了我的数据", "Who accessed my data, and when")
    val grants = Tr("我的授权", "My grants")
    val withdraw = Tr("撤回", "Withdraw")
    val export = Tr("导出我的数据", "Export my data")
    val deleteAccount = Tr("注销账号", "Delete my account")
    val deleteConfirm = Tr(
        "注销后您的个人信息将被删除，考勤记录匿名保留用于工资核算。确定注销吗？",
        "Your personal data will be deleted; attendance is kept anonymised for wage records. Delete the account?",
    )
    val deadline = Tr("最迟完成日期", "To be completed by")
    val allowed = Tr("允许", "allowed")
    val denied = Tr("拒绝", "denied")

    val supervisor = Tr("主管审核", "Supervisor review")
    val site = Tr("工地", "Site")
    val date = Tr("日期", "Date")
    val load = Tr("查看", "Show")
    val approve = Tr("批准", "Approve")
    val reject = Tr("驳回", "Reject")
    val note = Tr("备注", "Note")
    val pending = Tr("待审核", "pending")
    val failed = Tr("操作失败", "Failed")
}
