import Hummingbird
import PrakerjaCore
import PrakerjaHTTP

/// `GET /catalog…`: the programme's platforms, providers and courses (public, unsigned).
struct CatalogRoutes {
    let catalog: Catalog

    func register(on router: Router<some RequestContext>) {
        let group = router.group("catalog")
        group.get { _, _ in try Reply(encoding: catalog.summary()) }
        group.get("platforms") { _, _ in
            try Reply(
                encoding: catalog.platforms.map {
                    PlatformView(id: $0.id, name: $0.name, customerService: $0.customerService, courses: catalog.courses(platform: $0.id).count)
                }
            )
        }
        group.get("providers") { request, _ in
            let (offset, limit) = try Paging.read(request)
            let items = catalog.providers.dropFirst(offset).prefix(limit).map {
                ProviderView(id: $0.id, name: $0.name, city: $0.city, clientCode: $0.clientCode, courses: catalog.courses(provider: $0.id).count)
            }
            return try Reply(encoding: Page(total: catalog.providers.count, offset: offset, limit: limit, items: Array(items)))
        }
        group.get("courses") { request, _ in
            let (offset, limit) = try Paging.read(request)
            let q = request.uri.queryParameters
            let platform = q["platform"].map(String.init)
            let provider = q["provider"].map(String.init)
            if let platform, catalog.platform(platform) == nil { throw GatewayError.field("platform", "unknown platform \(platform)") }
            if let provider, catalog.provider(provider) == nil { throw GatewayError.field("provider", "unknown provider \(provider)") }
            var type: CourseType?
            if let raw = q["type"] {
                guard let t = CourseType(rawValue: String(raw)) else {
                    throw GatewayError.field("type", "must be webinar, self_paced or offline")
                }
                type = t
            }
            let all = catalog.courses(platform: platform, provider: provider, type: type)
            return try Reply(encoding: Page(total: all.count, offset: offset, limit: limit, items: Array(all.dropFirst(offset).prefix(limit))))
        }
        group.get("courses/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let course = catalog.course(id) else { throw GatewayError(.unknownCourse) }
            return try Reply(encoding: course)
        }
    }
}
