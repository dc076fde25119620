import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

// Bukalapak's adapter: the shared buyer protocol spoken in its dialect.
extension Bukalapak {
    public static func makeAdapter(_ transport: AdapterTransport) -> any PlatformAdapter { Adapter(transport: transport) }

    struct Adapter: PlatformAdapter {
        let transport: AdapterTransport
        let tokens: TokenCache
        var platformID: String { Bukalapak.platformID }

        init(transport: AdapterTransport) {
            self.transport = transport
            self.tokens = TokenCache(clock: transport.wallClock)
        }

        func signIn(username: String, cardNumber: String) async throws(BuyerError) -> BuyerAccount {
            let a: Account = try await call(.POST, "/v4/prakerja/accounts", AccountRequest(username: username, cardNumber: cardNumber))
            return BuyerAccount(id: a.id, username: a.username, cardNumber: a.cardNumber)
        }

        func courses(type: CourseType?, limit: Int) async throws(BuyerError) -> [BuyerCourse] {
            let products: [Product] = try await call(.GET, "/v4/prakerja/products?type=\(type?.rawValue ?? "")&limit=\(limit)")
            return try products.map { p throws(BuyerError) in
                guard let type = CourseType(rawValue: p.type) else { throw BuyerError(.platformError, "unknown product type \(p.type)") }
                return BuyerCourse(id: p.id, title: p.name, providerID: p.store.id, type: type, price: p.price)
            }
        }

        func placeOrder(account: BuyerAccount, courseID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, "/v4/prakerja/accounts/\(Path.escape(account.id))/transactions", TransactionRequest(productId: courseID)))
        }

        func requestOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, path(account, orderID, "/otp")))
        }

        func resendOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.PUT, path(account, orderID, "/otp")))
        }

        func confirmOTP(account: BuyerAccount, orderID: String, otp: String, idempotencyKey: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, path(account, orderID, "/pay"), PayRequest(otp: otp), headers: [("Idempotency-Key", idempotencyKey)]))
        }

        func order(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.GET, path(account, orderID, "")))
        }

        func voucher(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerVoucher {
            return try shared(try await call(.GET, path(account, orderID, "/voucher")) as WireVoucher)
        }

        private func path(_ account: BuyerAccount, _ orderID: String, _ suffix: String) -> String {
            "/v4/prakerja/accounts/\(Path.escape(account.id))/transactions/\(Path.escape(orderID))\(suffix)"
        }

        private func shared(_ t: Transaction) throws(BuyerError) -> BuyerOrder {
            guard let status = states.first(where: { $0.value == t.state })?.key else { throw BuyerError(.platformError, "unknown state \(t.state)") }
            return BuyerOrder(
                id: t.id, accountID: t.accountId, courseID: t.productId, amount: t.amount, status: status, otpExpiresAt: t.otpExpiredAt.flatMap(Timestamps.parse),
                voucher: try t.voucher.map { v throws(BuyerError) in try shared(v) }
            )
        }

        private func shared(_ v: WireVoucher) throws(BuyerError) -> BuyerVoucher {
            guard let code = canonicalVoucher(v.code) else { throw BuyerError(.platformError, "voucher code \(v.code) is not in Bukalapak's format") }
            return BuyerVoucher(code: code, displayCode: v.code, redeemCode: v.redeemCode, invoiceCode: v.invoiceNumber, courseID: v.productId, providerID: v.storeId)
        }

        private func call<T: Codable>(_ method: HTTPMethod, _ target: String, _ body: (some Encodable)? = Optional<Int>.none, headers: [(String, String)] = []) async throws(BuyerError) -> T {
            let transport = transport
            let token = try await tokens.token { () throws(BuyerError) in
                let form = "grant_type=client_credentials&client_id=\(Path.escape(transport.credentials.clientID))&client_secret=\(Path.escape(transport.credentials.clientSecret))"
                let response = try await transport.send(.POST, "/oauth/token", body: Array(form.utf8), contentType: "application/x-www-form-urlencoded")
                guard response.status == 200 else { throw refusal(response) }
                let token = try transport.decode(Token.self, response, decoder)
                return (token.accessToken, TimeInterval(token.expiresIn))
            }
            let response = try await transport.send(method, target, headers: [("Authorization", "Bearer \(token)")] + headers, body: body.map { Wire.encode($0, encoder) })
            guard (200...201).contains(response.status) else {
                if response.status == 401 { await tokens.forget() }
                throw refusal(response)
            }
            return try transport.decode(Success<T>.self, response, decoder).data
        }

        private func refusal(_ response: AdapterTransport.Response) -> BuyerError {
            let first = (try? decoder.decode(Failure.self, from: Data(response.body)))?.errors.first
            return AdapterTransport.refusal(code: first.map { String($0.code) }, message: first?.message, status: response.status, table: errors)
        }
    }
}
