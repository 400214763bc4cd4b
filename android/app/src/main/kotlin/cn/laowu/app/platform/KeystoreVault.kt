package cn.laowu.app.platform

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import cn.laowu.core.DataCategory
import cn.laowu.core.KeyVault
import cn.laowu.core.VaultException
import java.security.KeyStore
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The core's [KeyVault] on the Android Keystore: one non-exportable AES-256-GCM key
 * per data category (in StrongBox where the phone has one), which wraps the core's
 * data keys. Destroying a category's Keystore key crypto-shreds everything sealed
 * under it, even in a copy of the store file.
 */
class KeystoreVault(private val provider: String = PROVIDER) : KeyVault {
    override fun wrap(category: DataCategory, key: ByteArray): ByteArray {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        try {
            // The Keystore picks the IV (randomised encryption is enforced).
            cipher.init(Cipher.ENCRYPT_MODE, keyFor(category, create = true))
        } catch (e: Exception) {
            throw VaultException.Unavailable("the Keystore cannot seal: ${e.javaClass.simpleName}")
        }
        cipher.updateAAD(category.name.toByteArray())
        val iv = cipher.iv
        return byteArrayOf(iv.size.toByte()) + iv + cipher.doFinal(key)
    }

    override fun unwrap(category: DataCategory, wrapped: ByteArray): ByteArray {
        val ivLength = wrapped.firstOrNull()?.toInt() ?: throw VaultException.Rejected("empty")
        if (ivLength !in 12..16 || wrapped.size < 1 + ivLength + TAG_BYTES) {
            throw VaultException.Rejected("the wrapped key is malformed")
        }
        val key = keyFor(category, create = false)
            ?: throw VaultException.Unavailable("no Keystore key for ${category.name.lowercase()}")
        val cipher = Cipher.getInstance(TRANSFORMATION)
        return try {
            cipher.init(
                Cipher.DECRYPT_MODE,
                key,
                GCMParameterSpec(TAG_BYTES * 8, wrapped, 1, ivLength),
            )
            cipher.updateAAD(category.name.toByteArray())
            cipher.doFinal(wrapped, 1 + ivLength, wrapped.size - 1 - ivLength)
        } catch (e: AEADBadTagException) {
            throw VaultException.Rejected("the wrapped key does not authenticate")
        } catch (e: Exception) {
            // A key invalidated by a lock-screen change, or a locked keystore.
            throw VaultException.Unavailable("the Keystore cannot open: ${e.javaClass.simpleName}")
        }
    }

    override fun destroy(category: DataCategory) {
        try {
            keyStore().deleteEntry(alias(category))
        } catch (e: Exception) {
            throw VaultException.Unavailable("the Keystore cannot delete: ${e.javaClass.simpleName}")
        }
    }

    private fun keyStore(): KeyStore = KeyStore.getInstance(provider).apply { load(null) }

    private fun keyFor(category: DataCategory, create: Boolean): SecretKey? {
        val existing = keyStore().getKey(alias(category), null) as SecretKey?
        if (existing != null || !create) return existing
        return generate(alias(category), strongBox = Build.VERSION.SDK_INT >= 28)
    }

    private fun generate(alias: String, strongBox: Boolean): SecretKey {
        val spec = KeyGenParameterSpec.Builder(
            alias,
            KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT,
        )
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .apply { if (strongBox && Build.VERSION.SDK_INT >= 28) setIsStrongBoxBacked(true) }
            .build()
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, provider)
        return try {
            generator.init(spec)
            generator.generateKey()
        } catch (e: StrongBoxUnavailableException) {
            // Most phones have no StrongBox; the TEE-backed Keystore is the next best.
            generate(alias, strongBox = false)
        }
    }

    private fun alias(category: DataCategory) = "laowu.vault.${category.name.lowercase()}"

    companion object {
        const val PROVIDER = "AndroidKeyStore"
        private const val TRANSFORMATION = "AES/GCM/NoPadding"
        private const val TAG_BYTES = 16
    }
}
