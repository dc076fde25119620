import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

// Sisnaker's adapter: the shared buyer protocol spoken in its dialect.
extension Sisnaker {
    public static func makeAdapter(_ transport: AdapterTransport) -> any PlatformAdapter { Adapter(transport: transport) }

    struct Adapter: PlatformAdapter {
        let transport: AdapterTransport
        let tokens: TokenCache
        var platformID: String { Sisnaker.platformID }

        init(transport: AdapterTransport) {
            self.transport = transport
            self.tokens = TokenCache(clock: transport.wallClock)
        }

        func signIn(username: String, cardNumber: String) async throws(BuyerError) -> BuyerAccount {
            let b: Binding = try await call("/v1.0/registration-account-binding", BindingRequest(customerId: username, cardNo: cardNumber))
            return BuyerAccount(id: b.accountId, username: b.customerId, cardNumber: b.cardNo)
        }

        func courses(type: CourseType?, limit: Int) async throws(BuyerError) -> [BuyerCourse] {
            let list: CourseList = try await call("/v1.0/prakerja/course-inquiry", CourseInquiry(courseType: type?.rawValue, pageSize: limit))
            return try list.courseList.map { c throws(BuyerError) in
                guard let type = CourseType(rawValue: c.courseType), let price = c.price.rupiah else { throw BuyerError(.platformError, "bad course \(c.courseCode)") }
                return BuyerCourse(id: c.courseCode, title: c.courseName, providerID: c.providerCode, type: type, price: price)
            }
        }

        func placeOrder(account: BuyerAccount, courseID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call("/v1.0/prakerja/order", OrderRequest(accountId: account.id, courseCode: courseID)))
        }

        func requestOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call("/v1.0/debit/payment-host-to-host", OrderReference(originalPartnerReferenceNo: orderID, accountId: account.id)))
        }

        func resendOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call("/v1.0/otp", OrderReference(originalPartnerReferenceNo: orderID, accountId: account.id)))
        }

        func confirmOTP(account: BuyerAccount, orderID: String, otp: String, idempotencyKey: String) async throws(BuyerError) -> BuyerOrder {
            // X-EXTERNAL-ID holds at most 36 characters: longer keys are hashed, the same key always to the same id.
            let external = idempotencyKey.count <= 36 ? idempotencyKey : String(Hex.encode(SHA256.hash(data: Array(idempotencyKey.utf8))).prefix(32))
            return try shared(
                try await call("/v1.0/otp-verification", Verification(originalPartnerReferenceNo: orderID, accountId: account.id, otp: otp), externalID: external)
            )
        }

        func order(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call("/v1.0/debit/status", OrderReference(originalPartnerReferenceNo: orderID, accountId: account.id)))
        }

        func voucher(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerVoucher {
            let v: WireVoucher = try await call("/v1.0/prakerja/voucher-inquiry", OrderReference(originalPartnerReferenceNo: orderID, accountId: account.id))
            return try shared(v)
        }

        private func shared(_ o: Order) throws(BuyerError) -> BuyerOrder {
            guard let status = statuses.first(where: { $0.value == o.latestTransactionStatus })?.key, let amount = o.amount.rupiah else {
                throw BuyerError(.platformError, "unexpected order \(o.partnerReferenceNo)")
            }
            return BuyerOrder(
                id: o.partnerReferenceNo, accountID: o.accountId, courseID: o.courseCode, amount: amount, status: status,
                otpExpiresAt: o.otpExpiryTime.flatMap(Jakarta.parse), voucher: try o.voucher.map { v throws(BuyerError) in try shared(v) }
            )
        }

        private func shared(_ v: WireVoucher) throws(BuyerError) -> BuyerVoucher {
            guard let code = canonicalVoucher(v.voucherCode) else { throw BuyerError(.platformError, "voucher code \(v.voucherCode) is not in Sisnaker's format") }
            return BuyerVoucher(code: code, displayCode: v.voucherCode, redeemCode: v.redeemCode, invoiceCode: v.invoiceNo, courseID: v.courseCode, providerID: v.providerCode)
        }

        private func call<In: Encodable, Out: Codable>(_ path: String, _ input: In, externalID: String? = nil) async throws(BuyerError) -> Out {
            let transport = transport
            let credentials = transport.credentials
            let token = try await tokens.token { () throws(BuyerError) in
                let timestamp = Jakarta.iso8601(transport.wallClock.now())
                let response = try await transport.send(
                    .POST, "/v1.0/access-token/b2b",
                    headers: [
                        ("X-CLIENT-KEY", credentials.clientID), ("X-TIMESTAMP", timestamp),
                        ("X-SIGNATURE", tokenSignature(clientKey: credentials.clientID, timestamp: timestamp, secret: credentials.clientSecret)),
                    ],
                    body: Wire.encode(TokenRequest(grantType: "client_credentials"), encoder)
                )
                let snap = try transport.decode(Snap<Token>.self, response, decoder)
                guard response.status == 200, let token = snap.payload else { throw refusal(response, snap.responseCode, snap.responseMessage) }
                return (token.accessToken, TimeInterval(token.expiresIn) ?? 900)
            }
            let body = Wire.encode(input, encoder)
            let timestamp = Jakarta.iso8601(transport.wallClock.now())
            let signature = sign(stringToSign(method: "POST", path: path, token: token, body: body, timestamp: timestamp), secret: credentials.clientSecret)
            let response = try await transport.send(
                .POST, path,
                headers: [
                    ("Authorization", "Bearer \(token)"), ("X-TIMESTAMP", timestamp), ("X-SIGNATURE", signature), ("X-PARTNER-ID", credentials.clientID),
                    ("X-EXTERNAL-ID", externalID ?? UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()), ("CHANNEL-ID", channelID),
                ],
                body: body
            )
            guard let snap = try? decoder.decode(Snap<Out>.self, from: Data(response.body)) else {
                throw AdapterTransport.refusal(code: nil, message: "unexpected body: \(response.text.prefix(200))", status: response.status, table: errors)
            }
            guard response.status == 200, let payload = snap.payload else {
                if response.status == 401 { await tokens.forget() }
                throw refusal(response, snap.responseCode, snap.responseMessage)
            }
            return payload
        }

        /// The shared kind of a responseCode: its service digits are replaced by `xx` before the lookup.
        private func refusal(_ response: AdapterTransport.Response, _ code: String, _ message: String) -> BuyerError {
            var generic = code
            if code.count == 7 {
                let chars = Array(code)
                generic = String(chars[0..<3]) + "xx" + String(chars[5..<7])
            }
            let error = AdapterTransport.refusal(code: generic, message: message, status: response.status, table: errors)
            return BuyerError(error.kind, error.message, platformCode: code, httpStatus: response.status)
        }
    }
}
