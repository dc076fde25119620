import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

// Pintaria's adapter: the shared buyer protocol spoken in its dialect.
extension Pintaria {
    public static func makeAdapter(_ transport: AdapterTransport) -> any PlatformAdapter { Adapter(transport: transport) }

    struct Adapter: PlatformAdapter {
        let transport: AdapterTransport
        var platformID: String { Pintaria.platformID }

        func signIn(username: String, cardNumber: String) async throws(BuyerError) -> BuyerAccount {
            let c: Customer = try await call(.POST, "/v2/customers", CustomerRequest(username: username, cardNumber: cardNumber))
            return BuyerAccount(id: c.customerId, username: c.username, cardNumber: c.cardNumber)
        }

        func courses(type: CourseType?, limit: Int) async throws(BuyerError) -> [BuyerCourse] {
            let items: Items = try await call(.GET, "/v2/items?category=\(type?.rawValue ?? "")&limit=\(limit)")
            return try items.items.map { i throws(BuyerError) in
                guard let type = CourseType(rawValue: i.category), let price = rupiah(i.price) else { throw BuyerError(.platformError, "bad item \(i.id)") }
                return BuyerCourse(id: i.id, title: i.name, providerID: i.merchantName, type: type, price: price)
            }
        }

        func placeOrder(account: BuyerAccount, courseID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, "/v2/orders", OrderRequest(customerId: account.id, itemDetails: [.init(id: courseID, quantity: 1)])))
        }

        func requestOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            let order = try await order(account: account, orderID: orderID)
            let request = ChargeRequest(paymentType: "prakerja_card", transactionDetails: .init(orderId: orderID, grossAmount: amount(order.amount)), customerId: account.id)
            do {
                return try shared(try await call(.POST, "/v2/charge", request))
            } catch let error where error.httpStatus == 406 && error.platformCode == nil {
                // The order id was charged already: the shared protocol answers with the order as it stands.
                let current = try await self.order(account: account, orderID: orderID)
                switch current.status {
                case .awaitingOTP, .created: return current
                case .paid, .refunded: throw BuyerError(.orderNotPayable, "order \(orderID) is already paid", httpStatus: 406)
                case .locked: throw BuyerError(.otpLocked, httpStatus: 406)
                case .expired: throw BuyerError(.orderExpired, httpStatus: 406)
                }
            }
        }

        func resendOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, "/v2/\(Path.escape(orderID))/otp", CustomerRef(customerId: account.id)))
        }

        /// Pintaria has no wire slot for the caller's idempotency key: a repeated confirmation with the right OTP
    /// returns the same voucher (the gateway's promise), a repeated wrong OTP counts again.
        func confirmOTP(account: BuyerAccount, orderID: String, otp: String, idempotencyKey: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, "/v2/\(Path.escape(orderID))/confirm", ConfirmRequest(customerId: account.id, otp: otp)))
        }

        func order(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.GET, "/v2/\(Path.escape(orderID))/status?customer_id=\(Path.escape(account.id))"))
        }

        func voucher(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerVoucher {
            let v: WireVoucher = try await call(.GET, "/v2/\(Path.escape(orderID))/voucher?customer_id=\(Path.escape(account.id))")
            return try shared(v)
        }

        private func shared(_ t: Transaction) throws(BuyerError) -> BuyerOrder {
            let expected = signatureKey(orderID: t.orderId, statusCode: t.statusCode, grossAmount: t.grossAmount, serverKey: transport.credentials.clientSecret)
            guard ConstantTime.equal(Array(t.signatureKey.utf8), Array(expected.utf8)) else {
                throw BuyerError(.platformError, "signature_key of order \(t.orderId) does not match: the answer is not from Pintaria")
            }
            guard let status = statuses.first(where: { $0.value == t.transactionStatus })?.key, let amount = rupiah(t.grossAmount) else {
                throw BuyerError(.platformError, "unexpected transaction \(t.orderId)")
            }
            return BuyerOrder(
                id: t.orderId, accountID: t.customerId, courseID: t.itemId, amount: amount, status: status, otpExpiresAt: t.otpExpiryTime.flatMap(Jakarta.parse),
                voucher: try t.voucher.map { v throws(BuyerError) in try shared(v) }
            )
        }

        private func shared(_ v: WireVoucher) throws(BuyerError) -> BuyerVoucher {
            guard let code = canonicalVoucher(v.voucherCode) else { throw BuyerError(.platformError, "voucher code \(v.voucherCode) is not in Pintaria's format") }
            return BuyerVoucher(code: code, displayCode: v.voucherCode, redeemCode: v.redeemCode, invoiceCode: v.invoiceNumber, courseID: v.itemId, providerID: v.merchantId)
        }

        private func call<T: Codable>(_ method: HTTPMethod, _ target: String, _ input: (some Encodable)? = Optional<Int>.none) async throws(BuyerError) -> T {
            let response = try await transport.send(
                method, target, headers: [("Authorization", AdapterTransport.basic(transport.credentials.clientSecret, ""))], body: input.map { Wire.encode($0, encoder) }
            )
            let status = try? decoder.decode(Status.self, from: Data(response.body))
            // Denials arrive with HTTP 200 too: a channel response code marks a refusal, whatever the HTTP status.
            if let status, let channel = status.channelResponseCode {
                throw AdapterTransport.refusal(code: channel, message: status.statusMessage, status: Int(status.statusCode) ?? response.status, table: errors)
            }
            guard (200...201).contains(response.status), let value = try? decoder.decode(T.self, from: Data(response.body)) else {
                throw AdapterTransport.refusal(code: nil, message: status?.statusMessage ?? response.text, status: response.status, table: errors)
            }
            return value
        }
    }
}
