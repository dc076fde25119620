import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

// PijarMahir's adapter: the shared buyer protocol spoken in its dialect.
extension PijarMahir {
    public static func makeAdapter(_ transport: AdapterTransport) -> any PlatformAdapter { Adapter(transport: transport) }

    struct Adapter: PlatformAdapter {
        let transport: AdapterTransport
        var platformID: String { PijarMahir.platformID }

        func signIn(username: String, cardNumber: String) async throws(BuyerError) -> BuyerAccount {
            let a: Account = try await call(.POST, "\(base)/account/bind", BindRequest(username: username, cardNumber: cardNumber))
            return BuyerAccount(id: a.accountId, username: a.username, cardNumber: a.cardNumber)
        }

        func courses(type: CourseType?, limit: Int) async throws(BuyerError) -> [BuyerCourse] {
            let list: [Course] = try await call(.GET, "\(base)/courses?limit=\(limit)&type=\(type?.rawValue ?? "")")
            return try list.map { c throws(BuyerError) in
                guard let type = CourseType(rawValue: c.courseType) else { throw BuyerError(.platformError, "unknown course_type \(c.courseType)") }
                return BuyerCourse(id: c.courseCode, title: c.courseName, providerID: c.providerId, type: type, price: c.price)
            }
        }

        func placeOrder(account: BuyerAccount, courseID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, "\(base)/orders", OrderRequest(accountId: account.id, courseCode: courseID)))
        }

        func requestOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, "\(base)/orders/\(Path.escape(orderID))/otp/request", AccountRef(accountId: account.id)))
        }

        func resendOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, "\(base)/orders/\(Path.escape(orderID))/otp/resend", AccountRef(accountId: account.id)))
        }

        func confirmOTP(account: BuyerAccount, orderID: String, otp: String, idempotencyKey: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, "\(base)/orders/\(Path.escape(orderID))/otp/confirm", ConfirmRequest(accountId: account.id, otp: otp, requestId: idempotencyKey)))
        }

        func order(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.GET, "\(base)/orders/\(Path.escape(orderID))?account_id=\(Path.escape(account.id))"))
        }

        func voucher(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerVoucher {
            let v: WireVoucher = try await call(.GET, "\(base)/orders/\(Path.escape(orderID))/voucher?account_id=\(Path.escape(account.id))")
            return try shared(v)
        }

        private func shared(_ o: Order) throws(BuyerError) -> BuyerOrder {
            guard let status = statuses.first(where: { $0.value == o.status })?.key else { throw BuyerError(.platformError, "unknown status \(o.status)") }
            return BuyerOrder(
                id: o.orderNumber, accountID: o.accountId, courseID: o.courseCode, amount: o.price, status: status,
                otpExpiresAt: o.otpExpiredAt.map { Date(timeIntervalSince1970: TimeInterval($0)) },
                voucher: try o.voucher.map { v throws(BuyerError) in try shared(v) }
            )
        }

        private func shared(_ v: WireVoucher) throws(BuyerError) -> BuyerVoucher {
            guard let code = canonicalVoucher(v.voucherCode) else { throw BuyerError(.platformError, "voucher code \(v.voucherCode) is not in Pijar Mahir's format") }
            return BuyerVoucher(code: code, displayCode: v.voucherCode, redeemCode: v.redeemCode, invoiceCode: v.invoiceCode, courseID: v.courseCode, providerID: v.providerId)
        }

        private func call<T: Codable>(_ method: HTTPMethod, _ target: String, _ input: (some Encodable)? = Optional<Int>.none) async throws(BuyerError) -> T {
            let body = input.map { Wire.encode($0, encoder) } ?? []
            let timestamp = String(Int64(transport.wallClock.now().timeIntervalSince1970))
            let credentials = transport.credentials
            let signature = RedeemSignature.sign(key: credentials.clientSecret, clientCode: credentials.clientID, timestamp: timestamp, method: method.rawValue, path: target, body: body)
            let response = try await transport.send(
                method, target, headers: [("client_code", credentials.clientID), ("timestamp", timestamp), ("signature", signature)], body: input == nil ? nil : body
            )
            let envelope = try? decoder.decode(Envelope<T>.self, from: Data(response.body))
            guard response.status == 200, let envelope, envelope.success, let data = envelope.data else {
                let message = (try? decoder.decode(Envelope<Order>.self, from: Data(response.body)))?.message
                throw AdapterTransport.refusal(code: message, message: message, status: response.status, table: errors)
            }
            return data
        }
    }
}
