import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore
import PrakerjaHTTP

// Pintaria's storefront routes: its dialect in front of the shared storefront engine.
extension Pintaria {
    public static func errorReply(_ error: BuyerError, status: Int) -> Reply {
        let entry = errors[error.kind]
        let statusCode = status == entry.httpStatus ? entry.httpStatus : status
        let body = Status(statusCode: String(statusCode), statusMessage: error.message, channelResponseCode: entry.code, channelResponseMessage: error.kind.defaultMessage)
        return Reply(status: statusCode == 201 || statusCode == 202 ? 200 : statusCode, body: Wire.encode(body, encoder))
    }

    static func ok<T: Codable>(_ value: T, http: HTTPResponse.Status = .ok) -> Reply { Reply(status: http, body: Wire.encode(value, encoder)) }

    public static func registerRoutes(on router: Router<BasicRequestContext>, storefront: Storefront) {
        let engine = storefront.engine
        let serverKey = storefront.credentials.clientSecret
        @Sendable func auth(_ request: Request) throws(BuyerError) { try storefront.checkBasic(request, user: serverKey, password: "") }
        @Sendable func customer(_ request: Request) throws(BuyerError) -> String {
            guard let id = request.uri.queryParameters["customer_id"], !id.isEmpty else { throw BuyerError(.invalidRequest, "customer_id is required") }
            return String(id)
        }
        router.post("v2/customers") { request, _ in
            try auth(request)
            let input = try Wire.decode(CustomerRequest.self, from: try await Wire.body(request), decoder)
            let a = try await engine.signIn(username: input.username, cardNumber: input.cardNumber)
            return ok(Customer(statusCode: "200", customerId: a.id, username: a.username, cardNumber: a.cardNumber))
        }
        router.get("v2/items") { request, _ in
            try auth(request)
            let courses = try engine.courses(type: try Wire.courseType(request.uri.queryParameters["category"], name: "category"), limit: try Wire.int(request, "limit", default: 50, 1...1000))
            return ok(Items(statusCode: "200", items: courses.map { Item(id: $0.id, name: $0.title, merchantName: $0.providerID, category: $0.type.rawValue, price: amount($0.price)) }))
        }
        router.post("v2/orders") { request, _ in
            try auth(request)
            let input = try Wire.decode(OrderRequest.self, from: try await Wire.body(request), decoder)
            guard input.itemDetails.count == 1, let item = input.itemDetails.first, item.quantity == 1 else {
                throw BuyerError(.invalidRequest, "item_details must hold exactly one course with quantity 1")
            }
            let placed = try await engine.placeOrder(accountID: input.customerId, courseID: item.id)
            return ok(transaction(placed, serverKey: serverKey, message: "Order is created"), http: .created)
        }
        router.post("v2/charge") { request, _ in
            try auth(request)
            let input = try Wire.decode(ChargeRequest.self, from: try await Wire.body(request), decoder)
            guard input.paymentType == "prakerja_card" else { throw BuyerError(.invalidRequest, "payment_type must be prakerja_card") }
            let current = try await engine.transaction(accountID: input.customerId, orderID: input.transactionDetails.orderId)
            guard input.transactionDetails.grossAmount == amount(current.amount) else { throw BuyerError(.invalidRequest, "gross_amount does not match the order") }
            // Midtrans semantics: an order id is charged once; a second charge is refused with 406.
            guard current.status == .created else {
                let body = Status(statusCode: "406", statusMessage: "The request could not be completed due to a conflict with the current state of the target resource, order_id has already been utilized", channelResponseCode: nil, channelResponseMessage: nil)
                return Reply(status: 406, body: Wire.encode(body, encoder))
            }
            let charged = try await engine.requestOTP(accountID: input.customerId, orderID: current.id)
            return ok(transaction(charged, serverKey: serverKey, message: "OTP is sent to the card holder"))
        }
        router.post("v2/:order/otp") { request, context in
            try auth(request)
            let input = try Wire.decode(CustomerRef.self, from: try await Wire.body(request), decoder)
            return ok(transaction(try await engine.resendOTP(accountID: input.customerId, orderID: try context.parameters.require("order")), serverKey: serverKey, message: "OTP is sent to the card holder"))
        }
        router.post("v2/:order/confirm") { request, context in
            try auth(request)
            let input = try Wire.decode(ConfirmRequest.self, from: try await Wire.body(request), decoder)
            let order = try context.parameters.require("order")
            let paid = try await engine.confirm(accountID: input.customerId, orderID: order, otp: input.otp, idempotencyKey: nil)
            return ok(transaction(paid, serverKey: serverKey, message: "Payment is being processed"))
        }
        router.get("v2/:order/status") { request, context in
            try auth(request)
            let order = try await engine.transaction(accountID: try customer(request), orderID: try context.parameters.require("order"))
            return ok(transaction(order, serverKey: serverKey, message: "Success, transaction is found"))
        }
        router.get("v2/:order/voucher") { request, context in
            try auth(request)
            return ok(voucher(try await engine.voucher(accountID: try customer(request), orderID: try context.parameters.require("order")), statusCode: "200"))
        }
    }
}
