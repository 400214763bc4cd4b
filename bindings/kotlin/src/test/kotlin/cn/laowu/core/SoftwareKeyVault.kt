package cn.laowu.core

import java.security.SecureRandom
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicInteger
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.SecretKeySpec

/**
 * A [KeyVault] in plain JCA, standing in for Android Keystore / the iOS Keychain in tests.
 *
 * A data key is sealed with AES-256-GCM under a master key held in memory: a random
 * 12-byte IV, then the ciphertext and its 16-byte tag; the category's name is the
 * associated data, so a key wrapped for one category does not unwrap for another.
 * A failed tag check (another master key, another category, tampering) is
 * [VaultException.Rejected]. [destroy] forgets the category's platform key: until a
 * new key is wrapped for it, unwrapping fails with [VaultException.Unavailable].
 *
 * Every call is counted so tests can check what the core asked of the vault.
 */
class SoftwareKeyVault(private val masterKey: ByteArray = randomBytes(32)) : KeyVault {
    init {
        require(masterKey.size == 32) { "the master key must be 256 bits" }
    }

    val wrapCalls = AtomicInteger()
    val unwrapCalls = AtomicInteger()
    val destroyCalls = AtomicInteger()
    /** Categories passed to [destroy], in call order. */
    val destroyed = ConcurrentLinkedQueue<DataCategory>()
    /** Length of every key the core asked to wrap. */
    val wrappedKeySizes = ConcurrentLinkedQueue<Int>()

    private val forgotten = ConcurrentHashMap.newKeySet<DataCategory>()

    override fun wrap(category: DataCategory, key: ByteArray): ByteArray {
        wrapCalls.incrementAndGet()
        wrappedKeySizes.add(key.size)
        forgotten.remove(category)
        val iv = randomBytes(IV_BYTES)
        val cipher = cipher(Cipher.ENCRYPT_MODE, category, iv)
        return iv + cipher.doFinal(key)
    }

    override fun unwrap(category: DataCategory, wrapped: ByteArray): ByteArray {
        unwrapCalls.incrementAndGet()
        if (category in forgotten) {
            throw VaultException.Unavailable("the ${category.name} key was destroyed")
        }
        if (wrapped.size < IV_BYTES + TAG_BITS / 8) {
            throw VaultException.Rejected("wrapped key too short")
        }
        val cipher = cipher(Cipher.DECRYPT_MODE, category, wrapped.copyOfRange(0, IV_BYTES))
        return try {
            cipher.doFinal(wrapped, IV_BYTES, wrapped.size - IV_BYTES)
        } catch (e: AEADBadTagException) {
            throw VaultException.Rejected("authentication failed")
        }
    }

    override fun destroy(category: DataCategory) {
        destroyCalls.incrementAndGet()
        destroyed.add(category)
        forgotten.add(category)
    }

    private fun cipher(mode: Int, category: DataCategory, iv: ByteArray): Cipher =
        Cipher.getInstance("AES/GCM/NoPadding").apply {
            init(mode, SecretKeySpec(masterKey, "AES"), GCMParameterSpec(TAG_BITS, iv))
            updateAAD(category.name.toByteArray(Charsets.UTF_8))
        }

    companion object {
        private const val IV_BYTES = 12
        private const val TAG_BITS = 128
        private val random = SecureRandom()

        fun randomBytes(n: Int): ByteArray = ByteArray(n).also { random.nextBytes(it) }
    }
}
