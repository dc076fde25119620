@testable import PrakerjaServer
import Testing

@Suite struct InFlightKeysTests {
    @Test func aKeyIsClaimedOncePerPlatformUntilReleased() {
        let keys = InFlightKeys()
        #expect(keys.claim("tokopedia", "k1"))
        #expect(!keys.claim("tokopedia", "k1"), "a second request with a running key must be told 409")
        #expect(keys.claim("bukalapak", "k1"), "keys are per platform")
        #expect(keys.claim("tokopedia", "k2"))
        keys.release("tokopedia", "k1")
        #expect(keys.claim("tokopedia", "k1"), "released when the first request finished")
        // Platform and key are kept apart: ("a\\nb", "c") is not ("a", "b\\nc").
        #expect(keys.claim("a\nb", "c") && keys.claim("a", "b\nc"))
    }
}
