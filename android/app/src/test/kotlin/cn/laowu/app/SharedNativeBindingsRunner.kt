package cn.laowu.app

import org.junit.runners.model.FrameworkMethod
import org.robolectric.RobolectricTestRunner
import org.robolectric.internal.bytecode.InstrumentationConfiguration

/**
 * RobolectricTestRunner that loads the uniffi-generated bindings (and the Kotlin standard
 * library their signatures use) once, through the application class loader, instead of once
 * per sandbox. The Rust side keeps a single callback vtable per process; with one copy of the
 * bindings per sandbox, the last sandbox to load them receives every callback and the others
 * fail with "UniffiHandleMap.get: Invalid handle". Every Robolectric test that touches the
 * bindings must use this runner.
 */
class SharedNativeBindingsRunner(testClass: Class<*>) : RobolectricTestRunner(testClass) {
    override fun createClassLoaderConfig(method: FrameworkMethod): InstrumentationConfiguration =
        InstrumentationConfiguration.Builder(super.createClassLoaderConfig(method))
            .apply { SHARED_PACKAGES.forEach { doNotAcquirePackage(it) } }
            // Robolectric caches sandboxes by InstrumentationConfiguration, whose equals()
            // ignores packagesToNotAcquire but not classesToNotAcquire: naming a class here keeps
            // this configuration from reusing a sandbox that a plain RobolectricTestRunner made.
            .doNotAcquireClass(SharedNativeBindingsRunner::class.java.name)
            .build()

    companion object {
        /** Package prefixes (with the trailing dot) loaded outside the sandbox. */
        val SHARED_PACKAGES = listOf("cn.laowu.core.", "kotlin.")
    }
}
