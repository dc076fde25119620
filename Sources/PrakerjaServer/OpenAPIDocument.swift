import Foundation
import Hummingbird
import Logging
import PrakerjaCore
import PrakerjaHTTP

/// The OpenAPI 3.1 document for every HTTP API, shipped as a resource.
public enum OpenAPIDocument {
    public static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"), let data = try? Data(contentsOf: url) else {
            fatalError("the OpenAPI document is missing from the PrakerjaServer bundle")
        }
        return Array(data)
    }()
}
