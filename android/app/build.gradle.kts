import java.util.Properties
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

// The 劳务 app: framework views only (no AndroidX, no Compose) over the Rust core in :bindings.

plugins {
    alias(libs.plugins.android.application)
}

// Set in the root build.gradle.kts.
val cargoWorkspace: File by rootProject.extra
val cargo: String by rootProject.extra
val cargoDebugDir: File by rootProject.extra

// The supervisor screen's test starts the real laowu-server on loopback.
val buildTestServer = tasks.register<Exec>("buildTestServer") {
    group = "verification"
    description = "Builds laowu-server for this computer, for the app's JVM unit tests."
    workingDir = cargoWorkspace
    commandLine(cargo, "build", "-p", "laowu-server", "--locked")
}
val onWindows = providers.systemProperty("os.name").get().startsWith("Windows")
val testServer: File = cargoDebugDir.resolve(if (onWindows) "laowu-server.exe" else "laowu-server")
tasks.withType<Test>().configureEach { dependsOn(buildTestServer) }

// The company's Amap key stays out of version control: amap.apiKey in local.properties, or
// -Pamap.apiKey=... on a build machine. Unused unless the Amap AAR is in app/libs.
val amapApiKey: String = providers.gradleProperty("amap.apiKey").orNull
    ?: Properties().apply {
        rootDir.resolve("local.properties").takeIf { it.isFile }?.reader()?.use { load(it) }
    }.getProperty("amap.apiKey", "")

android {
    namespace = "cn.laowu.app"
    compileSdk = 35

    defaultConfig {
        applicationId = "cn.laowu.app"
        // 26 = Android 8.0: the vast majority of the phones construction workers in China
        // use. It gives Keystore AES-GCM with non-exportable keys (23+) and
        // Location.isFromMockProvider (18+; isMock from 31). BiometricPrompt (28+) and
        // StrongBox (28+) are used where present, with a fallback below 28.
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"

        ndk {
            // arm64-v8a: nearly every phone in use; armeabi-v7a: older 32-bit phones;
            // x86_64: the emulator. The ABIs scripts/build-android-libs.sh builds.
            abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64")
        }

        // For the manifest's com.amap.api.v2.apikey meta-data, once the Amap AAR is added.
        manifestPlaceholders["amapApiKey"] = amapApiKey
    }

    sourceSets {
        getByName("main") {
            kotlin.directories.add("src/main/kotlin")
        }
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(
                getDefaultProguardFile("proguard-android-optimize.txt"),
                "proguard-rules.pro",
            )
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    testOptions {
        unitTests {
            // Robolectric runs the screens against the merged manifest and resources.
            isIncludeAndroidResources = true
            all { test ->
                // The tests load the real core through JNA from the library :bindings
                // builds for this computer (its compile tasks run first).
                test.systemProperty("jna.library.path", cargoDebugDir.path)
                test.systemProperty("laowu.server.bin", testServer.path)
            }
        }
    }
}

kotlin {
    compilerOptions {
        jvmTarget.set(JvmTarget.JVM_17)
    }
}

dependencies {
    implementation(project(":bindings"))
    implementation(libs.kotlinx.coroutines.android)
    // The Amap location SDK when the company adds its AAR here (it is not on Maven Central);
    // platform/AmapLocation.kt reaches it by reflection, so the app builds without it.
    implementation(fileTree("libs") { include("*.aar", "*.jar") })

    testImplementation(libs.junit4)
    testImplementation(libs.robolectric)
    // JNA's jar next to the AAR from :bindings: it has the libjnidispatch for the developer's
    // computer, which the JVM tests need to load the host liblaowu_ffi.
    testImplementation(libs.jna)
}
