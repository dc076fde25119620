import AsyncHTTPClient
import Foundation
import PrakerjaClient
import PrakerjaCore
import PrakerjaHTTP
import PrakerjaPlatforms
import PrakerjaTesting
import Testing

/// The one conformance suite: every scenario runs through each platform's adapter and storefront over
/// HTTP and must end in the same outcome, in the shared taxonomy, on all seven.
@Suite struct PlatformConformanceTests {
    static let platforms = PlatformRegistry.platformIDs

    @Test(arguments: platforms) func fullPurchaseAndRedemption(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            let (participant, account) = try await h.buyer()
            #expect(account.cardNumber == participant.cardNumber)
            let again = try await h.adapter.signIn(username: account.username, cardNumber: participant.cardNumber)
            #expect(again == account, "signing in again is harmless")

            let courses = try await h.adapter.courses(type: .selfPaced, limit: 20)
            #expect(!courses.isEmpty && courses.count <= 20)
            #expect(courses.allSatisfy { h.world.catalog.course($0.id)?.platforms.contains(platform) == true && $0.type == .selfPaced })
            #expect(courses.map(\.price) == courses.map(\.price).sorted())
            let course = courses[0]

            let placed = try await h.adapter.placeOrder(account: account, courseID: course.id)
            #expect(placed.status == .created && placed.amount == course.price && placed.courseID == course.id && placed.voucher == nil)
            await expectRefusal(.voucherNotReady) { try await h.adapter.voucher(account: account, orderID: placed.id) }

            let awaiting = try await h.adapter.requestOTP(account: account, orderID: placed.id)
            #expect(awaiting.status == .awaitingOTP && awaiting.otpExpiresAt != nil)
            let repeated = try await h.adapter.requestOTP(account: account, orderID: placed.id)
            #expect(repeated.status == .awaitingOTP, "asking again while an OTP is out changes nothing")
            let texts = try await h.gateway.store.outbox(channel: .sms, recipient: participant.phone, afterID: 0, limit: 100)
            #expect(texts.count == 1, "one OTP texted, not two")

            let confirmed = try await h.adapter.confirmOTP(account: account, orderID: placed.id, otp: try await h.otp(participant), idempotencyKey: "k1")
            #expect(confirmed.status == .paid)
            #expect((confirmed.voucher != nil) == (h.dialect.delivery == .synchronous))

            let voucher = try await h.voucher(account, placed.id)
            let stored = try #require(try await h.gateway.store.vouchers(participantID: participant.id).first)
            #expect(voucher.code == stored.code && voucher.redeemCode == stored.redeemCode && voucher.invoiceCode == stored.invoiceCode)
            #expect(voucher.providerID == course.providerID && voucher.courseID == course.id)
            #expect(voucher.displayCode != voucher.code, "each platform prints the code its own way")
            let page = try await h.adapter.order(account: account, orderID: placed.id)
            #expect(page.status == .paid && page.voucher == voucher && page.otpExpiresAt == nil)

            let after = try await h.gateway.participant(card: participant.cardNumber)
            #expect(after.balance == participant.balance - course.price)
            try await h.finishTraining(voucher)
            let audit = try await h.gateway.store.audit()
            #expect(audit.problems.isEmpty)
        }
    }

    @Test(arguments: platforms) func wrongOTPThenRightOne(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            let (participant, account) = try await h.buyer()
            let order = try await h.awaitingOTP(account)
            let otp = try await h.otp(participant)
            let wrong = otp == "000000" ? "111111" : "000000"
            await expectRefusal(.otpInvalid) { try await h.adapter.confirmOTP(account: account, orderID: order.id, otp: wrong, idempotencyKey: "a") }
            await expectRefusal(.invalidRequest, "not six digits") { try await h.adapter.confirmOTP(account: account, orderID: order.id, otp: "12ab56", idempotencyKey: "b") }
            let paid = try await h.adapter.confirmOTP(account: account, orderID: order.id, otp: otp, idempotencyKey: "c")
            #expect(paid.status == .paid)
        }
    }

    @Test(arguments: platforms) func threeWrongOTPsLockThePayment(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            let (participant, account) = try await h.buyer()
            let order = try await h.awaitingOTP(account)
            let wrong = try await h.otp(participant) == "000000" ? "111111" : "000000"
            await expectRefusal(.otpInvalid) { try await h.adapter.confirmOTP(account: account, orderID: order.id, otp: wrong, idempotencyKey: "w1") }
            await expectRefusal(.otpInvalid) { try await h.adapter.confirmOTP(account: account, orderID: order.id, otp: wrong, idempotencyKey: "w2") }
            await expectRefusal(.otpLocked) { try await h.adapter.confirmOTP(account: account, orderID: order.id, otp: wrong, idempotencyKey: "w3") }
            await expectRefusal(.otpLocked) { try await h.adapter.confirmOTP(account: account, orderID: order.id, otp: try await h.otp(participant), idempotencyKey: "w4") }
            #expect(try await h.adapter.order(account: account, orderID: order.id).status == .locked)
            #expect(try await h.gateway.participant(card: participant.cardNumber).balance == participant.balance)
        }
    }

    @Test(arguments: platforms) func expiredOTPThenResend(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            let (participant, account) = try await h.buyer()
            let order = try await h.awaitingOTP(account)
            let first = try await h.otp(participant)
            await expectRefusal(.otpResendTooSoon) { try await h.adapter.resendOTP(account: account, orderID: order.id) }
            h.world.base.advance(by: 6 * 60)
            await expectRefusal(.otpExpired) { try await h.adapter.confirmOTP(account: account, orderID: order.id, otp: first, idempotencyKey: "late") }
            let resent = try await h.adapter.resendOTP(account: account, orderID: order.id)
            #expect(resent.status == .awaitingOTP)
            let second = try await h.otp(participant)
            let paid = try await h.adapter.confirmOTP(account: account, orderID: order.id, otp: second, idempotencyKey: "fresh")
            #expect(paid.status == .paid)
        }
    }

    @Test(arguments: platforms) func unpaidOrderExpires(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            let (participant, account) = try await h.buyer()
            let order = try await h.awaitingOTP(account)
            let otp = try await h.otp(participant)
            h.world.base.advance(by: 16 * 60)
            await expectRefusal(.orderExpired) { try await h.adapter.confirmOTP(account: account, orderID: order.id, otp: otp, idempotencyKey: "x") }
            #expect(try await h.adapter.order(account: account, orderID: order.id).status == .expired)
            await expectRefusal(.orderExpired) { try await h.adapter.requestOTP(account: account, orderID: order.id) }
        }
    }

    @Test(arguments: platforms) func retriedConfirmWithSameKeyDebitsOnce(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            let (participant, account) = try await h.buyer()
            let order = try await h.awaitingOTP(account)
            let otp = try await h.otp(participant)
            // A platform timing out and retrying: the same key, several times, some at once.
            let outcomes = try await withThrowingTaskGroup(of: BuyerOrder.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await h.adapter.confirmOTP(account: account, orderID: order.id, otp: otp, idempotencyKey: "retry-me") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let again = try await h.adapter.confirmOTP(account: account, orderID: order.id, otp: otp, idempotencyKey: "retry-me")
            let issued = try await h.gateway.store.vouchers(participantID: participant.id)
            #expect(issued.count == 1, "one voucher for one order")
            let code = try #require(issued.first?.code)
            for answer in outcomes + [again] {
                #expect(answer.status == .paid && answer.id == order.id)
                // A platform that shows the voucher on payment shows the one voucher on every retry; one that
                // learns it later shows none yet, never another.
                if h.dialect.delivery == .synchronous {
                    #expect(answer.voucher?.code == code, "a retry lost or changed the voucher: \(String(describing: answer.voucher))")
                } else {
                    #expect(answer.voucher == nil || answer.voucher?.code == code)
                }
            }
            #expect(try await h.voucher(account, order.id).code == code)
            #expect(try await h.adapter.order(account: account, orderID: order.id).voucher?.code == code)
            let ledger = try await h.gateway.store.ledger(participantID: participant.id)
            #expect(ledger.filter { $0.kind == .debit }.count == 1)
            #expect(try await h.gateway.participant(card: participant.cardNumber).balance == participant.balance - order.amount)
        }
    }

    @Test(arguments: platforms) func insufficientBalance(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            let (participant, account) = try await h.buyer()
            let courses = try await h.adapter.courses(type: nil, limit: 1000)
            // The dearest course first, then one dearer than what is left.
            let dear = try #require(courses.last { $0.price <= participant.balance && $0.type == .selfPaced })
            let left = participant.balance - dear.price
            let tooDear = try #require(courses.first { $0.price > left }, "a course dearer than Rp \(left)")
            let (_, voucher) = try await h.buy(participant, account, course: dear)
            try await h.finishTraining(voucher)
            let order = try await h.adapter.placeOrder(account: account, courseID: tooDear.id)
            await expectRefusal(.insufficientBalance) { try await h.adapter.requestOTP(account: account, orderID: order.id) }
            #expect(try await h.adapter.order(account: account, orderID: order.id).status == .created, "the order stays unpaid")
            #expect(try await h.gateway.participant(card: participant.cardNumber).balance == left)
        }
    }

    @Test(arguments: platforms) func previousTrainingUnfinished(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            let (participant, account) = try await h.buyer()
            let (_, voucher) = try await h.buy(participant, account)
            let second = try await h.adapter.placeOrder(account: account, courseID: try await h.course().id)
            await expectRefusal(.previousTrainingUnfinished) { try await h.adapter.requestOTP(account: account, orderID: second.id) }
            // Once the first training is done, the same order can be paid: the refusal was not stored for good.
            try await h.finishTraining(voucher)
            let awaiting = try await h.adapter.requestOTP(account: account, orderID: second.id)
            #expect(awaiting.status == .awaitingOTP)
        }
    }

    @Test(arguments: platforms) func cardAndAccountBindings(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            let (participant, account) = try await h.buyer("first-owner")
            let other = try await h.world.participant()
            await expectRefusal(.cardBoundToOtherAccount) { try await h.adapter.signIn(username: "second-owner", cardNumber: participant.cardNumber) }
            await expectRefusal(.accountBoundToOtherCard) { try await h.adapter.signIn(username: account.username, cardNumber: other.cardNumber) }
            await expectRefusal(.invalidRequest) { try await h.adapter.signIn(username: "someone", cardNumber: "1234") }
            await expectRefusal(.invalidRequest) { try await h.adapter.signIn(username: "", cardNumber: other.cardNumber) }
        }
    }

    @Test(arguments: platforms) func revokedParticipant(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            let (participant, account) = try await h.buyer()
            _ = try await h.gateway.revoke(card: participant.cardNumber)
            let order = try await h.adapter.placeOrder(account: account, courseID: try await h.course().id)
            await expectRefusal(.participantRevoked) { try await h.adapter.requestOTP(account: account, orderID: order.id) }
        }
    }

    @Test(arguments: platforms) func guidanceVideosAndUnknownCard(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            let (_, account) = try await h.buyer(videos: 1)
            let order = try await h.adapter.placeOrder(account: account, courseID: try await h.course().id)
            await expectRefusal(.videosNotWatched) { try await h.adapter.requestOTP(account: account, orderID: order.id) }
            let stranger = try await h.adapter.signIn(username: "stranger", cardNumber: "5999000000000001")
            let strangerOrder = try await h.adapter.placeOrder(account: stranger, courseID: try await h.course().id)
            await expectRefusal(.unknownCard) { try await h.adapter.requestOTP(account: stranger, orderID: strangerOrder.id) }
        }
    }

    @Test(arguments: platforms) func courseNotSoldHere(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            let (_, account) = try await h.buyer()
            let elsewhere = try #require(h.world.catalog.courses(platform: nil, type: nil).first { !$0.platforms.contains(platform) })
            await expectRefusal(.courseNotSoldOnPlatform) { try await h.adapter.placeOrder(account: account, courseID: elsewhere.id) }
            await expectRefusal(.unknownCourse) { try await h.adapter.placeOrder(account: account, courseID: "crs-does-not-exist") }
        }
    }

    @Test(arguments: platforms) func ordersBelongToTheirAccount(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            let (_, owner) = try await h.buyer()
            let (_, other) = try await h.buyer()
            let order = try await h.adapter.placeOrder(account: owner, courseID: try await h.course().id)
            await expectRefusal(.unknownOrder) { try await h.adapter.order(account: other, orderID: order.id) }
            await expectRefusal(.unknownOrder) { try await h.adapter.requestOTP(account: other, orderID: order.id) }
            await expectRefusal(.unknownOrder) { try await h.adapter.order(account: owner, orderID: h.dialect.orderID(999_999)) }
            await expectRefusal(.orderNotPayable, "no OTP requested yet") {
                try await h.adapter.confirmOTP(account: owner, orderID: order.id, otp: "123456", idempotencyKey: "early")
            }
        }
    }

    @Test(arguments: platforms) func badCredentialsAreRefusedInTheDialect(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            let participant = try await h.world.participant()
            let wrong = StorefrontCredentials(clientID: h.storefront.credentials.clientID, clientSecret: "not-the-secret")
            await expectRefusal(.badCredentials) { try await h.otherAdapter(credentials: wrong).signIn(username: "mallory", cardNumber: participant.cardNumber) }
            let stranger = StorefrontCredentials(clientID: "someone-else", clientSecret: "also-not-the-secret")
            await expectRefusal(.badCredentials) { try await h.otherAdapter(credentials: stranger).courses(type: nil, limit: 5) }
            // Nothing was bound: the real owner can still sign in with the card.
            _ = try await h.adapter.signIn(username: "owner", cardNumber: participant.cardNumber)
        }
    }

    @Test(arguments: platforms) func platformAndGatewayDown(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            await expectRefusal(.platformUnavailable) { try await h.otherAdapter(baseURL: "http://127.0.0.1:9").courses(type: nil, limit: 5) }
        }
        try await PlatformHarness.with(platform, storefrontGateway: "http://127.0.0.1:9") { h in
            let (_, account) = try await h.buyer()
            let order = try await h.adapter.placeOrder(account: account, courseID: try await h.course().id)
            await expectRefusal(.gatewayUnavailable) { try await h.adapter.requestOTP(account: account, orderID: order.id) }
            #expect(try await h.adapter.order(account: account, orderID: order.id).status == .created)
        }
    }

    /// Past capacity a storefront refuses at once in its dialect (503 with Retry-After), and passes the
    /// gateway's own `OVERLOADED` on the same way; the adapter reads both as `overloaded`, and the order is
    /// still there to pay once there is room.
    @Test(arguments: platforms) func overloadIsRefusedAtOnceAndReadAsOverloaded(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            let (_, account) = try await h.buyer()
            let course = try await h.course()
            let storefront = try #require(h.running.storefrontAdmissions[platform])
            let gateway = try #require(h.running.gatewayAdmission)
            func fill(_ admission: Admission) -> Int {
                var taken = 0
                while admission.enter() { taken += 1 }
                return taken
            }
            let taken = fill(storefront)
            await expectRefusal(.overloaded, "from the storefront") { try await h.adapter.placeOrder(account: account, courseID: course.id) }
            for _ in 0..<taken { storefront.leave() }

            let order = try await h.adapter.placeOrder(account: account, courseID: course.id)
            let gatewayTaken = fill(gateway)
            await expectRefusal(.overloaded, "from the gateway, passed on") { try await h.adapter.requestOTP(account: account, orderID: order.id) }
            for _ in 0..<gatewayTaken { gateway.leave() }

            // Half the storefront's room taken: no new order, but the one under way goes on.
            for _ in 0..<storefront.newWorkLimit { #expect(storefront.enter()) }
            await expectRefusal(.overloaded, "a new order past half the room") { try await h.adapter.placeOrder(account: account, courseID: course.id) }
            #expect(try await h.adapter.requestOTP(account: account, orderID: order.id).status == .awaitingOTP)
            for _ in 0..<storefront.newWorkLimit { storefront.leave() }
            #expect(storefront.current == 0)
            #expect(try await h.gateway.store.audit().ok)
        }
    }
}

extension PlatformConformanceTests {
    @Test(arguments: platforms) func credentialsOutliveTokensAndClockSkew(platform: String) async throws {
        try await PlatformHarness.with(platform) { h in
            let (participant, account) = try await h.buyer()
            // Two hours of real time: any access token has expired; the adapter fetches a new one.
            h.wall.advance(by: 2 * 3600)
            let order = try await h.awaitingOTP(account)
            let paid = try await h.adapter.confirmOTP(account: account, orderID: order.id, otp: try await h.otp(participant), idempotencyKey: "after-2h")
            #expect(paid.status == .paid)
            // Clients whose clocks are off from the storefront's, within the dialect's tolerance (two minutes
            // for dialects that sign no timestamp): still served.
            let tolerance = h.dialect.timestampTolerance
            let skew = tolerance.map { $0 - 30 } ?? 120
            for offset in [skew, -skew] {
                let skewed = try h.otherAdapter(wallClock: ManualTimeSource(h.wall.now() + offset))
                #expect(try await skewed.order(account: account, orderID: order.id).status == .paid, "a client \(Int(offset)) s off was refused")
            }
            // Beyond it, a dialect that signs its timestamps refuses, in its own words.
            if let tolerance {
                for offset in [tolerance + 60, -(tolerance + 60)] {
                    let skewed = try h.otherAdapter(wallClock: ManualTimeSource(h.wall.now() + offset))
                    await expectRefusal(.badCredentials, "with a clock \(Int(offset)) s off") { try await skewed.order(account: account, orderID: order.id) }
                }
            }
        }
    }
}
