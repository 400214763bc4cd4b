package cn.laowu.app

import android.security.keystore.KeyGenParameterSpec
import java.io.InputStream
import java.io.OutputStream
import java.security.Key
import java.security.KeyStoreSpi
import java.security.Provider
import java.security.SecureRandom
import java.security.Security
import java.security.cert.Certificate
import java.security.spec.AlgorithmParameterSpec
import java.util.Collections
import java.util.Date
import java.util.Enumeration
import java.util.concurrent.ConcurrentHashMap
import javax.crypto.KeyGenerator
import javax.crypto.KeyGeneratorSpi
import javax.crypto.SecretKey

/**
 * A JCA provider named "AndroidKeyStore" for JVM tests: Robolectric installs no such provider.
 * Keys live in memory; KeyGenerator("AES", "AndroidKeyStore") accepts a KeyGenParameterSpec
 * and stores the key under its alias, as the real provider does.
 */
class FakeAndroidKeyStore : Provider(NAME, "1.0", "in-memory AndroidKeyStore for tests") {
    init {
        put("KeyStore.$NAME", Spi::class.java.name)
        put("KeyGenerator.AES", AesGenerator::class.java.name)
    }

    class Spi : KeyStoreSpi() {
        override fun engineGetKey(alias: String, password: CharArray?): Key? = keys[alias]
        override fun engineGetCertificateChain(alias: String): Array<Certificate>? = null
        override fun engineGetCertificate(alias: String): Certificate? = null
        override fun engineGetCreationDate(alias: String): Date? = if (keys.containsKey(alias)) Date() else null
        override fun engineSetKeyEntry(alias: String, key: Key, password: CharArray?, chain: Array<out Certificate>?) {
            keys[alias] = key
        }
        override fun engineSetKeyEntry(alias: String, key: ByteArray, chain: Array<out Certificate>?) =
            throw UnsupportedOperationException()
        override fun engineSetCertificateEntry(alias: String, cert: Certificate) = throw UnsupportedOperationException()
        override fun engineDeleteEntry(alias: String) { keys.remove(alias) }
        override fun engineAliases(): Enumeration<String> = Collections.enumeration(keys.keys.toList())
        override fun engineContainsAlias(alias: String): Boolean = keys.containsKey(alias)
        override fun engineSize(): Int = keys.size
        override fun engineIsKeyEntry(alias: String): Boolean = keys.containsKey(alias)
        override fun engineIsCertificateEntry(alias: String): Boolean = false
        override fun engineGetCertificateAlias(cert: Certificate): String? = null
        override fun engineStore(stream: OutputStream?, password: CharArray?) {}
        override fun engineLoad(stream: InputStream?, password: CharArray?) {}
    }

    class AesGenerator : KeyGeneratorSpi() {
        private var spec: KeyGenParameterSpec? = null

        override fun engineInit(random: SecureRandom?) =
            throw IllegalStateException("AndroidKeyStore needs a KeyGenParameterSpec")
        override fun engineInit(keysize: Int, random: SecureRandom?) = engineInit(random)
        override fun engineInit(params: AlgorithmParameterSpec?, random: SecureRandom?) {
            spec = params as? KeyGenParameterSpec
                ?: throw java.security.InvalidAlgorithmParameterException("expected KeyGenParameterSpec")
        }

        override fun engineGenerateKey(): SecretKey {
            val s = checkNotNull(spec) { "not initialised" }
            val software = KeyGenerator.getInstance("AES", "SunJCE")
            software.init(if (s.keySize > 0) s.keySize else 256)
            return software.generateKey().also { keys[s.keystoreAlias] = it }
        }
    }

    companion object {
        const val NAME = "AndroidKeyStore"
        private val keys = ConcurrentHashMap<String, Key>()

        fun install() {
            uninstall()
            keys.clear()
            Security.addProvider(FakeAndroidKeyStore())
        }

        fun uninstall() = Security.removeProvider(NAME)
    }
}
