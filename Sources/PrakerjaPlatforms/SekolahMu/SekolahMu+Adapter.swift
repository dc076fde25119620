import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

// SekolahMu's adapter: the shared buyer protocol spoken in its dialect.
extension SekolahMu {
    public static func makeAdapter(_ transport: AdapterTransport) -> any PlatformAdapter { Adapter(transport: transport) }

    struct Adapter: PlatformAdapter {
        let transport: AdapterTransport
        var platformID: String { SekolahMu.platformID }

        func signIn(username: String, cardNumber: String) async throws(BuyerError) -> BuyerAccount {
            let c: Customer = try await call(.POST, "/prakerja/customers", CustomerRequest(referenceId: username, cardNumber: cardNumber))
            return BuyerAccount(id: c.id, username: c.referenceId, cardNumber: c.cardNumber)
        }

        func courses(type: CourseType?, limit: Int) async throws(BuyerError) -> [BuyerCourse] {
            let list: List<Course> = try await call(.GET, "/prakerja/courses?type=\(type?.rawValue ?? "")&limit=\(limit)")
            return try list.data.map { c throws(BuyerError) in
                guard let type = CourseType(rawValue: c.type), c.currency == "IDR" else { throw BuyerError(.platformError, "bad course \(c.id)") }
                return BuyerCourse(id: c.id, title: c.name, providerID: c.providerId, type: type, price: c.amount)
            }
        }

        func placeOrder(account: BuyerAccount, courseID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, "/prakerja/orders", OrderRequest(courseId: courseID), user: account))
        }

        func requestOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, "/prakerja/orders/\(Path.escape(orderID))/payment_requests", user: account))
        }

        func resendOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, "/prakerja/orders/\(Path.escape(orderID))/payment_requests/auth/resend", user: account))
        }

        func confirmOTP(account: BuyerAccount, orderID: String, otp: String, idempotencyKey: String) async throws(BuyerError) -> BuyerOrder {
            try shared(
                try await call(.POST, "/prakerja/orders/\(Path.escape(orderID))/payment_requests/auth", AuthRequest(authCode: otp), user: account, headers: [("x-idempotency-key", idempotencyKey)])
            )
        }

        func order(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.GET, "/prakerja/orders/\(Path.escape(orderID))", user: account))
        }

        func voucher(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerVoucher {
            let v: WireVoucher = try await call(.GET, "/prakerja/orders/\(Path.escape(orderID))/voucher", user: account)
            return try shared(v)
        }

        private func shared(_ o: Order) throws(BuyerError) -> BuyerOrder {
            guard let status = statuses.first(where: { $0.value == o.status })?.key, o.currency == "IDR" else { throw BuyerError(.platformError, "unexpected order \(o.id)") }
            return BuyerOrder(
                id: o.id, accountID: o.customerId, courseID: o.courseId, amount: o.amount, status: status, otpExpiresAt: o.otpExpiresAt.flatMap(Timestamps.parse),
                voucher: try o.voucher.map { v throws(BuyerError) in try shared(v) }
            )
        }

        private func shared(_ v: WireVoucher) throws(BuyerError) -> BuyerVoucher {
            guard let code = canonicalVoucher(v.code) else { throw BuyerError(.platformError, "voucher code \(v.code) is not in Sekolah.mu's format") }
            return BuyerVoucher(code: code, displayCode: v.code, redeemCode: v.redeemCode, invoiceCode: v.invoiceId, courseID: v.courseId, providerID: v.providerId)
        }

        private func call<T: Codable>(
            _ method: HTTPMethod, _ target: String, _ input: (some Encodable)? = Optional<Int>.none, user: BuyerAccount? = nil, headers: [(String, String)] = []
        ) async throws(BuyerError) -> T {
            var all = [("x-callback-token", transport.credentials.clientSecret)] + headers
            if let user { all.append(("for-user-id", user.id)) }
            let response = try await transport.send(method, target, headers: all, body: input.map { Wire.encode($0, encoder) })
            guard (200...201).contains(response.status) else {
                let failure = try? decoder.decode(Failure.self, from: Data(response.body))
                throw AdapterTransport.refusal(code: failure?.errorCode, message: failure?.message, status: response.status, table: errors)
            }
            return try transport.decode(T.self, response, decoder)
        }
    }
}
