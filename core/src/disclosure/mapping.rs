//! The vocabularies of the two app stores and the one table that maps the
//! policy's [`DataKind`]s onto them, plus the two facts the policy schema does
//! not hold in a field: which store purposes each of our purposes serves, and
//! whether an SDK sends data to its vendor.
//!
//! Choices follow the stores' own definitions: Google Play Console's Data safety
//! form and Apple's "Describing data use in privacy manifests". Where a store has
//! no exact type, the closest official one is used and the arm says why. When a
//! choice is doubtful the broader disclosure wins: declaring a type a store does
//! not strictly require costs nothing, leaving one out misleads the user.

use serde::Serialize;

use crate::consent::{DataKind, Purpose, Sdk};

/// The data types of Google Play's Data safety form that this app's kinds map
/// to, in the form's order (categories, then types within a category).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlayDataType {
    ApproximateLocation,
    PreciseLocation,
    Name,
    Address,
    PhoneNumber,
    OtherPersonalInfo,
    UserPaymentInfo,
    OtherInAppMessages,
    Photos,
    VoiceOrSoundRecordings,
    AppInteractions,
    InAppSearchHistory,
    OtherActions,
    CrashLogs,
    Diagnostics,
    DeviceOrOtherIds,
}

impl PlayDataType {
    /// The form's data category, as Play Console spells it.
    pub const fn category(self) -> &'static str {
        use PlayDataType::*;
        match self {
            ApproximateLocation | PreciseLocation => "Location",
            Name | Address | PhoneNumber | OtherPersonalInfo => "Personal info",
            UserPaymentInfo => "Financial info",
            OtherInAppMessages => "Messages",
            Photos => "Photos and videos",
            VoiceOrSoundRecordings => "Audio",
            AppInteractions | InAppSearchHistory | OtherActions => "App activity",
            CrashLogs | Diagnostics => "App info and performance",
            DeviceOrOtherIds => "Device or other IDs",
        }
    }

    /// The form's data type, as Play Console spells it.
    pub const fn name(self) -> &'static str {
        use PlayDataType::*;
        match self {
            ApproximateLocation => "Approximate location",
            PreciseLocation => "Precise location",
            Name => "Name",
            Address => "Address",
            PhoneNumber => "Phone number",
            OtherPersonalInfo => "Other info",
            UserPaymentInfo => "User payment info",
            OtherInAppMessages => "Other in-app messages",
            Photos => "Photos",
            VoiceOrSoundRecordings => "Voice or sound recordings",
            AppInteractions => "App interactions",
            InAppSearchHistory => "In-app search history",
            OtherActions => "Other actions",
            CrashLogs => "Crash logs",
            Diagnostics => "Diagnostics",
            DeviceOrOtherIds => "Device or other IDs",
        }
    }
}

/// The purposes of Google Play's Data safety form, in the form's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum PlayPurpose {
    #[serde(rename = "App functionality")]
    AppFunctionality,
    #[serde(rename = "Analytics")]
    Analytics,
    #[serde(rename = "Developer communications")]
    DeveloperCommunications,
    #[serde(rename = "Advertising or marketing")]
    AdvertisingOrMarketing,
    #[serde(rename = "Fraud prevention, security, and compliance")]
    FraudPreventionSecurityCompliance,
    #[serde(rename = "Personalization")]
    Personalization,
    #[serde(rename = "Account management")]
    AccountManagement,
}

impl PlayPurpose {
    /// The purpose as Play Console spells it.
    pub const fn label(self) -> &'static str {
        use PlayPurpose::*;
        match self {
            AppFunctionality => "App functionality",
            Analytics => "Analytics",
            DeveloperCommunications => "Developer communications",
            AdvertisingOrMarketing => "Advertising or marketing",
            FraudPreventionSecurityCompliance => "Fraud prevention, security, and compliance",
            Personalization => "Personalization",
            AccountManagement => "Account management",
        }
    }
}

/// Apple's collected data types (`NSPrivacyCollectedDataType` values) that this
/// app's kinds map to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AppleDataType {
    Name,
    PhoneNumber,
    PhysicalAddress,
    PaymentInfo,
    PreciseLocation,
    CoarseLocation,
    SensitiveInfo,
    PhotosOrVideos,
    AudioData,
    CustomerSupport,
    SearchHistory,
    DeviceId,
    ProductInteraction,
    OtherUsageData,
    CrashData,
    OtherDiagnosticData,
    OtherDataTypes,
}

impl AppleDataType {
    /// Apple's constant, spelt exactly as documented (note `PhotosorVideos`,
    /// lower-case "or", and `DeviceID`).
    pub const fn key(self) -> &'static str {
        use AppleDataType::*;
        match self {
            Name => "NSPrivacyCollectedDataTypeName",
            PhoneNumber => "NSPrivacyCollectedDataTypePhoneNumber",
            PhysicalAddress => "NSPrivacyCollectedDataTypePhysicalAddress",
            PaymentInfo => "NSPrivacyCollectedDataTypePaymentInfo",
            PreciseLocation => "NSPrivacyCollectedDataTypePreciseLocation",
            CoarseLocation => "NSPrivacyCollectedDataTypeCoarseLocation",
            SensitiveInfo => "NSPrivacyCollectedDataTypeSensitiveInfo",
            PhotosOrVideos => "NSPrivacyCollectedDataTypePhotosorVideos",
            AudioData => "NSPrivacyCollectedDataTypeAudioData",
            CustomerSupport => "NSPrivacyCollectedDataTypeCustomerSupport",
            SearchHistory => "NSPrivacyCollectedDataTypeSearchHistory",
            DeviceId => "NSPrivacyCollectedDataTypeDeviceID",
            ProductInteraction => "NSPrivacyCollectedDataTypeProductInteraction",
            OtherUsageData => "NSPrivacyCollectedDataTypeOtherUsageData",
            CrashData => "NSPrivacyCollectedDataTypeCrashData",
            OtherDiagnosticData => "NSPrivacyCollectedDataTypeOtherDiagnosticData",
            OtherDataTypes => "NSPrivacyCollectedDataTypeOtherDataTypes",
        }
    }
}

/// Apple's collection purposes (`NSPrivacyCollectedDataTypePurposes` values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApplePurpose {
    AppFunctionality,
    Analytics,
    ProductPersonalization,
    DeveloperAdvertising,
    ThirdPartyAdvertising,
    Other,
}

impl ApplePurpose {
    pub const fn key(self) -> &'static str {
        use ApplePurpose::*;
        match self {
            AppFunctionality => "NSPrivacyCollectedDataTypePurposeAppFunctionality",
            Analytics => "NSPrivacyCollectedDataTypePurposeAnalytics",
            ProductPersonalization => "NSPrivacyCollectedDataTypePurposeProductPersonalization",
            DeveloperAdvertising => "NSPrivacyCollectedDataTypePurposeDeveloperAdvertising",
            ThirdPartyAdvertising => "NSPrivacyCollectedDataTypePurposeThirdPartyAdvertising",
            Other => "NSPrivacyCollectedDataTypePurposeOther",
        }
    }
}

/// Where a data kind goes in each store's vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindMapping {
    pub play: &'static [PlayDataType],
    pub apple: &'static [AppleDataType],
}

const fn to(play: &'static [PlayDataType], apple: &'static [AppleDataType]) -> KindMapping {
    KindMapping { play, apple }
}

/// The table: every [`DataKind`] and the store data types that disclose it.
/// The match is exhaustive, so a new kind does not compile until it is mapped.
pub const fn kind_mapping(kind: DataKind) -> KindMapping {
    use AppleDataType as A;
    use PlayDataType as P;
    match kind {
        DataKind::Name => to(&[P::Name], &[A::Name]),
        DataKind::PhoneNumber => to(&[P::PhoneNumber], &[A::PhoneNumber]),
        // Neither store has a government-ID type. Play: "Other info" ("any
        // other personal info"); "User IDs" means account identifiers, which a
        // citizen ID number is not. Apple: "Sensitive Info", whose list is
        // open-ended ("such as"); PIPL Art. 28 makes ID numbers sensitive, and
        // the label should say so rather than hide them under "Other Data".
        DataKind::GovernmentId => to(&[P::OtherPersonalInfo], &[A::SensitiveInfo]),
        // Photos of the ID card, taken in the app: Play "Photos", Apple
        // "Photos or Videos". The ID number they show is disclosed under
        // `GovernmentId`, which the same purpose always collects.
        DataKind::IdCardPhoto => to(&[P::Photos], &[A::PhotosOrVideos]),
        DataKind::Address => to(&[P::Address], &[A::PhysicalAddress]),
        // Apple has no occupation type: "Other Data Types". Play: "Other info".
        DataKind::Occupation => to(&[P::OtherPersonalInfo], &[A::OtherDataTypes]),
        // Face liveness: the image stays on the phone (offline SDK); the
        // verdict is kept. Play has no biometric type in any version of the
        // form; "Other info" ("any other personal info") is the closest
        // official one (not "Photos": the captured frames are not kept).
        // Apple lists biometric data under "Sensitive Info".
        DataKind::Face => to(&[P::OtherPersonalInfo], &[A::SensitiveInfo]),
        // A bank card number: Play "User payment info" ("financial accounts"),
        // Apple "Payment Info" ("bank account number"). It is used only to
        // verify identity, never to pay, but that is the type both name.
        DataKind::BankAccount => to(&[P::UserPaymentInfo], &[A::PaymentInfo]),
        DataKind::PreciseLocation => to(&[P::PreciseLocation], &[A::PreciseLocation]),
        // SSID and BSSID locate the phone at the site to within metres (that is
        // why attendance reads them): precise location in both stores.
        DataKind::WifiInfo => to(&[P::PreciseLocation], &[A::PreciseLocation]),
        // MAC address, IMEI, serial number: "Device or other IDs" / "Device ID".
        DataKind::DeviceId => to(&[P::DeviceOrOtherIds], &[A::DeviceId]),
        // Model and OS version, kept for troubleshooting and security:
        // Play "Diagnostics", Apple "Other Diagnostic Data".
        DataKind::DeviceInfo => to(&[P::Diagnostics], &[A::OtherDiagnosticData]),
        DataKind::CrashLog => to(&[P::CrashLogs], &[A::CrashData]),
        // Neither store has an IP-address type. An IP address reveals where
        // the phone is to about city level, so it is declared as the coarse
        // location type of each store (Play "Approximate location", Apple
        // "Coarse Location"), the conservative reading, although we never
        // compute a location from it.
        DataKind::IpAddress => to(&[P::ApproximateLocation], &[A::CoarseLocation]),
        // Pages visited, search keywords, times: interactions and search
        // history in both stores.
        DataKind::OperationLog => to(
            &[P::AppInteractions, P::InAppSearchHistory],
            &[A::ProductInteraction, A::SearchHistory],
        ),
        // The OS's "passed / failed" for fingerprint login and whether it is
        // on. No fingerprint is ever read, so this is not biometric data: it
        // is an in-app action. Play "Other actions", Apple "Other Usage Data".
        DataKind::BiometricVerdict => to(&[P::OtherActions], &[A::OtherUsageData]),
        // Recommendation preferences derived from browsing: Play "Other
        // actions", Apple "Other Usage Data".
        DataKind::Preferences => to(&[P::OtherActions], &[A::OtherUsageData]),
        // Customer-service calls may be recorded: Play "Voice or sound
        // recordings"; Apple both "Audio Data" and "Customer Support" (data the
        // user generates during a support request).
        DataKind::CallRecord => to(
            &[P::VoiceOrSoundRecordings],
            &[A::AudioData, A::CustomerSupport],
        ),
        // Messages with customer service: Play "Other in-app messages", Apple
        // "Customer Support" (exact; not "Other User Content").
        DataKind::SupportMessage => to(&[P::OtherInAppMessages], &[A::CustomerSupport]),
    }
}

/// Which store purposes one of our purposes serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PurposeUses {
    pub play: &'static [PlayPurpose],
    pub apple: &'static [ApplePurpose],
}

const fn uses(play: &'static [PlayPurpose], apple: &'static [ApplePurpose]) -> PurposeUses {
    PurposeUses { play, apple }
}

/// Used for a purpose this table does not know yet: Apple's "Other" makes the
/// gap visible in the manifest; a test keeps the bundled policy fully mapped.
pub const UNMAPPED_PURPOSE: PurposeUses =
    uses(&[PlayPurpose::AppFunctionality], &[ApplePurpose::Other]);

/// The store purposes of each of our purposes, by purpose id (ids are stable
/// across policy versions and never reused). The policy schema says what each
/// purpose collects, not which store purpose it serves, so this is the one
/// place that says it. Apple's "App Functionality" covers authentication,
/// fraud prevention, security, crash minimisation and customer support;
/// Play splits those into its own purposes.
pub fn purpose_uses(purpose_id: &str) -> Option<PurposeUses> {
    use ApplePurpose as A;
    use PlayPurpose as P;
    Some(match purpose_id {
        // Sign-up and login with the phone number.
        "registration" => uses(
            &[P::AppFunctionality, P::AccountManagement],
            &[A::AppFunctionality],
        ),
        // Real-name verification: required by law before labour services,
        // and it stops one person working under another's name.
        "real_name_id" | "real_name_bank" => uses(
            &[P::AppFunctionality, P::FraudPreventionSecurityCompliance],
            &[A::AppFunctionality],
        ),
        "attendance" => uses(&[P::AppFunctionality], &[A::AppFunctionality]),
        "fingerprint_login" => uses(
            &[P::AppFunctionality, P::AccountManagement],
            &[A::AppFunctionality],
        ),
        // Play counts "how the app performs" as Analytics; Apple counts
        // "minimize app crashes" as App Functionality.
        "crash_reports" => uses(&[P::Analytics], &[A::AppFunctionality]),
        "customer_service" => uses(&[P::AppFunctionality], &[A::AppFunctionality]),
        // Account security, fraud prevention, troubleshooting, SDK audit.
        "logs" => uses(
            &[P::AppFunctionality, P::FraudPreventionSecurityCompliance],
            &[A::AppFunctionality],
        ),
        // Recommending jobs (personalisation) and our own activities
        // (marketing by us, never third-party advertising).
        "marketing" => uses(
            &[P::AdvertisingOrMarketing, P::Personalization],
            &[A::DeveloperAdvertising, A::ProductPersonalization],
        ),
        _ => return None,
    })
}

/// The store purposes of `purpose`, or [`UNMAPPED_PURPOSE`].
pub fn uses_of(purpose: &Purpose) -> PurposeUses {
    purpose_uses(purpose.id.as_str()).unwrap_or(UNMAPPED_PURPOSE)
}

/// What an SDK does with what it collects, as its `collection` text says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SdkTransfer {
    /// "不涉及数据共享": nothing goes to the vendor or anyone else.
    NotShared,
    /// "不与其他方共享": it reports to the vendor only for our use (Bugly's
    /// crash reports). Play's service-provider exemption: a transfer to a
    /// provider that processes the data on our behalf and on our instructions
    /// is collection, not sharing.
    ServiceProvider,
    /// Anything else, such as AMap sending WiFi and cell data to its servers
    /// to compute a position: the vendor's own privacy policy governs what it
    /// receives, so Play counts it as sharing. Unrecognised wording lands here
    /// too (fail closed).
    Shared,
}

/// Reads the SDK's own disclosure. The policy schema has no field for it, and
/// its `collection` text is what users are told, so the disclosures follow it.
pub fn sdk_transfer(sdk: &Sdk) -> SdkTransfer {
    if sdk.collection.contains("不涉及数据共享") {
        SdkTransfer::NotShared
    } else if sdk.collection.contains("不与其他方共享") {
        SdkTransfer::ServiceProvider
    } else {
        SdkTransfer::Shared
    }
}
