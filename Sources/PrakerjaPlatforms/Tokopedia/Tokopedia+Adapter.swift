import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

// Tokopedia's adapter: the shared buyer protocol spoken in its dialect.
extension Tokopedia {
    public static func makeAdapter(_ transport: AdapterTransport) -> any PlatformAdapter { Adapter(transport: transport) }

    struct Adapter: PlatformAdapter {
        let transport: AdapterTransport
        let tokens: TokenCache
        var platformID: String { Tokopedia.platformID }

        init(transport: AdapterTransport) {
            self.transport = transport
            self.tokens = TokenCache(clock: transport.wallClock)
        }

        func signIn(username: String, cardNumber: String) async throws(BuyerError) -> BuyerAccount {
            let user: User = try await call(.POST, "/v1/fs/\(fsID)/user/bind", BindRequest(username: username, prakerjaCardNumber: cardNumber))
            return BuyerAccount(id: String(user.userId), username: user.username, cardNumber: user.prakerjaCardNumber)
        }

        func courses(type: CourseType?, limit: Int) async throws(BuyerError) -> [BuyerCourse] {
            let products: [Product] = try await call(.GET, "/inventory/v1/fs/\(fsID)/product/list?product_type=\(type?.rawValue ?? "")&per_page=\(limit)")
            return try products.map { p throws(BuyerError) in
                guard let type = CourseType(rawValue: p.productType) else { throw BuyerError(.platformError, "unknown product_type \(p.productType)") }
                return BuyerCourse(id: p.productId, title: p.name, providerID: p.shopId, type: type, price: p.price)
            }
        }

        func placeOrder(account: BuyerAccount, courseID: String) async throws(BuyerError) -> BuyerOrder {
            guard let user = Int64(account.id) else { throw BuyerError(.unknownAccount, "Tokopedia user ids are numeric") }
            return try shared(try await call(.POST, "/v1/fs/\(fsID)/order", OrderRequest(userId: user, productId: courseID)))
        }

        func requestOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, orderPath(orderID, "/payment/otp", account)))
        }

        func resendOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, orderPath(orderID, "/payment/otp/resend", account)))
        }

        func confirmOTP(account: BuyerAccount, orderID: String, otp: String, idempotencyKey: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, orderPath(orderID, "/payment/confirm", account), ConfirmRequest(otp: otp), headers: [("X-Idempotency-Key", idempotencyKey)]))
        }

        func order(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.GET, orderPath(orderID, "", account)))
        }

        func voucher(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerVoucher {
            let v: WireVoucher = try await call(.GET, orderPath(orderID, "/voucher", account))
            return try shared(v)
        }

        private func orderPath(_ orderID: String, _ suffix: String, _ account: BuyerAccount) -> String {
            "/v1/order/\(Path.escape(orderID))/fs/\(fsID)\(suffix)?user_id=\(Path.escape(account.id))"
        }

        private func shared(_ o: Order) throws(BuyerError) -> BuyerOrder {
            guard let status = statusCodes.first(where: { $0.value == o.orderStatus })?.key else {
                throw BuyerError(.platformError, "unknown order_status \(o.orderStatus)")
            }
            return BuyerOrder(
                id: String(o.orderId), accountID: String(o.userId), courseID: o.productId, amount: o.totalPrice, status: status,
                otpExpiresAt: o.otpExpiredAt.map { Date(timeIntervalSince1970: TimeInterval($0)) }, voucher: try o.voucher.map { v throws(BuyerError) in try shared(v) }
            )
        }

        private func shared(_ v: WireVoucher) throws(BuyerError) -> BuyerVoucher {
            guard let code = canonicalVoucher(v.voucherCode) else { throw BuyerError(.platformError, "voucher code \(v.voucherCode) is not in Tokopedia's format") }
            return BuyerVoucher(code: code, displayCode: v.voucherCode, redeemCode: v.redeemCode, invoiceCode: v.invoiceRefNum, courseID: v.productId, providerID: v.shopId)
        }

        private func call<T: Codable>(_ method: HTTPMethod, _ target: String, _ body: (some Encodable)? = Optional<Int>.none, headers: [(String, String)] = []) async throws(BuyerError) -> T {
            let transport = transport
            let token = try await tokens.token { () throws(BuyerError) in
                let response = try await transport.send(.POST, "/token?grant_type=client_credentials", headers: [("Authorization", AdapterTransport.basic(transport.credentials.clientID, transport.credentials.clientSecret))])
                guard response.status == 200 else { throw refusal(response) }
                let token = try transport.decode(Token.self, response, decoder)
                return (token.accessToken, TimeInterval(token.expiresIn))
            }
            let response = try await transport.send(
                method, target, headers: [("Authorization", "Bearer \(token)")] + headers, body: body.map { Wire.encode($0, encoder) }
            )
            guard response.status == 200 else {
                if response.status == 401 { await tokens.forget() }
                throw refusal(response)
            }
            let envelope = try transport.decode(Envelope<T>.self, response, decoder)
            guard envelope.header.errorCode.isEmpty, let data = envelope.data else { throw refusal(response) }
            return data
        }

        private func refusal(_ response: AdapterTransport.Response) -> BuyerError {
            let header = try? decoder.decode(Envelope<Order>.self, from: Data(response.body)).header
            return AdapterTransport.refusal(code: header?.errorCode, message: header?.reason, status: response.status, table: errors)
        }
    }
}
