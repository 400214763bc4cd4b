package android.net.wifi

/**
 * Stand-in for the SDK 36 class that Robolectric 4.17's ShadowWifiManager names in its
 * signatures (robolectric/robolectric#11520, fixed after 4.17). Without it, WifiManager's
 * static initialiser fails on SDK < 36 unless a compile SDK >= 36 is on the test classpath.
 * Never used at run time.
 */
class BlockingOption private constructor()
