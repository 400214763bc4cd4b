// Versions are in gradle/libs.versions.toml; the modules apply the plugins they need.
plugins {
    alias(libs.plugins.android.application) apply false
    alias(libs.plugins.android.library) apply false
    // AGP 9 compiles Kotlin itself (built-in Kotlin) with the Kotlin Gradle plugin found on
    // the build classpath. Declaring the plugin here, never applied, puts Kotlin 2.4.21 there
    // (the compiler the JVM bindings build uses) in place of the older one AGP depends on.
    // Applying it in a module would fail: AGP 9 refuses the separate Kotlin plugin.
    alias(libs.plugins.kotlin.android) apply false
}

// The Rust side, shared by :bindings (laowu-ffi built for this computer: uniffi-bindgen
// reads its API, the JVM tests load it) and :app (laowu-server, which one test starts).

// The Gradle build lives in android/; the Cargo workspace is the repository root above it.
val cargoWorkspace: File = rootDir.parentFile
extra["cargoWorkspace"] = cargoWorkspace

// Android Studio started from a desktop launcher may not have ~/.cargo/bin on its PATH, so
// look there too; laowu.cargo (e.g. in ~/.gradle/gradle.properties) names cargo explicitly.
extra["cargo"] = providers.gradleProperty("laowu.cargo").orNull
    ?: File(providers.systemProperty("user.home").get(), ".cargo/bin/cargo")
        .takeIf { it.canExecute() }?.path
    ?: "cargo"

// cargo's debug output: target/debug, or $CARGO_TARGET_DIR/debug, as in scripts/test-kotlin.sh
// (an absolute CARGO_TARGET_DIR is kept as it is).
extra["cargoDebugDir"] = (
    providers.environmentVariable("CARGO_TARGET_DIR").orNull?.let { cargoWorkspace.resolve(it) }
        ?: cargoWorkspace.resolve("target")
    ).resolve("debug")
