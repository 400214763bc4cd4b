import org.jetbrains.kotlin.gradle.dsl.JvmTarget

// The core, as the app sees it: the uniffi-generated Kotlin bindings of laowu-ffi (package
// cn.laowu.core), JNA, which they call through, and liblaowu_ffi.so for each phone ABI in
// src/main/jniLibs (AGP's default jniLibs directory), put there by
// scripts/build-android-libs.sh.

plugins {
    alias(libs.plugins.android.library)
}

// Set in the root build.gradle.kts.
val cargoWorkspace: File by rootProject.extra
val cargo: String by rootProject.extra
val cargoDebugDir: File by rootProject.extra

// uniffi-bindgen reads the API from laowu-ffi built for this computer: the bindings are the
// same for every phone ABI. Same library as scripts/test-kotlin.sh.
val hostLibrary: File = cargoDebugDir.resolve(
    providers.systemProperty("os.name").get().lowercase().let { os ->
        when {
            os.startsWith("mac") -> "liblaowu_ffi.dylib"
            os.startsWith("windows") -> "laowu_ffi.dll"
            else -> "liblaowu_ffi.so"
        }
    },
)

val uniffiOutDir: Provider<Directory> = layout.buildDirectory.dir("generated/uniffi/kotlin")

// No declared outputs, so it runs on every build and cargo decides what is stale.
val buildHostLibrary = tasks.register<Exec>("buildHostLibrary") {
    group = "uniffi"
    description = "Builds laowu-ffi for this computer, for uniffi-bindgen and the JVM unit tests."
    workingDir = cargoWorkspace
    commandLine(cargo, "build", "-p", "laowu-ffi")
}

val generateUniffiBindings = tasks.register<Exec>("generateUniffiBindings") {
    group = "uniffi"
    description = "Generates the Kotlin bindings of laowu-ffi into build/generated/uniffi."
    dependsOn(buildHostLibrary)
    val outDir = uniffiOutDir.get().asFile
    inputs.files(
        hostLibrary,
        // Read by uniffi-bindgen through `cargo metadata` (package name, omit_checksums).
        cargoWorkspace.resolve("bindings/ffi/uniffi.toml"),
        // Pins the uniffi-bindgen release, which must match the library's scaffolding.
        cargoWorkspace.resolve("Cargo.lock"),
    ).withPathSensitivity(PathSensitivity.NONE)
    outputs.dir(outDir)
    // From the workspace root, as scripts/test-kotlin.sh: uniffi-bindgen finds the crate's
    // uniffi.toml itself (its --config flag now means a global override file).
    workingDir = cargoWorkspace
    commandLine(
        cargo, "run", "-q", "-p", "uniffi-bindgen", "--",
        "generate", hostLibrary.path,
        "--language", "kotlin",
        "--out-dir", outDir.path,
        "--no-format",
    )
    // Start empty, so no file left from an older API is compiled.
    doFirst { outDir.deleteRecursively() }
}

// Before compiling, and before the IDE's source generation (which runs the preBuild chain).
tasks.named { it == "preBuild" || (it.startsWith("compile") && it.endsWith("Kotlin")) }
    .configureEach { dependsOn(generateUniffiBindings) }

// Without these libraries the app installs and then dies at start-up in JNA; fail the
// packaging instead, with the fix. Same ABIs as the app's abiFilters and the script.
val jniLibsDir: Directory = layout.projectDirectory.dir("src/main/jniLibs")
val checkPhoneLibraries = tasks.register("checkPhoneLibraries") {
    group = "uniffi"
    description = "Checks that src/main/jniLibs has liblaowu_ffi.so for every ABI the app ships."
    val expected = listOf("arm64-v8a", "armeabi-v7a", "x86_64")
        .map { abi -> jniLibsDir.file("$abi/liblaowu_ffi.so").asFile }
    doLast {
        val missing = expected.filterNot { it.isFile }.map { it.parentFile.name }
        if (missing.isNotEmpty()) {
            throw GradleException(
                "android/bindings/src/main/jniLibs has no liblaowu_ffi.so for " +
                    missing.joinToString() + ": run scripts/build-android-libs.sh first.",
            )
        }
    }
}
// Only packaging merges native libraries: unit tests and IDE sync work without them.
tasks.named { it.startsWith("merge") && it.endsWith("JniLibFolders") }
    .configureEach { dependsOn(checkPhoneLibraries) }

android {
    namespace = "cn.laowu.core"
    compileSdk = 35

    defaultConfig {
        minSdk = 26
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets {
        getByName("main") {
            kotlin.directories.add(uniffiOutDir.get().asFile.path)
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    lint {
        // Every source here is generated. UniffiCleaner touches java.lang.ref.Cleaner (API 33)
        // only once Class.forName has found it, and uses JNA's cleaner on older phones.
        disable += "NewApi"
    }
}

kotlin {
    compilerOptions {
        jvmTarget.set(JvmTarget.JVM_17)
    }
}

dependencies {
    // The AAR carries libjnidispatch.so for the Android ABIs (the jar only desktop ones). api:
    // the bindings' public classes expose JNA types (Pointer) to the app.
    api(libs.jna) { artifact { type = "aar" } }
}
