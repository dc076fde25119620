import Foundation
import PrakerjaCore

/// What each flow does: on which platforms, which kinds of course, how many take an error path, whether the
/// voucher is redeemed at the provider afterwards. From the command line or a JSON file:
///
/// ```json
/// {"platforms": {"tokopedia": 2, "bukalapak": 1}, "course_types": {"self_paced": 1},
///  "error_paths": {"wrong_otp_first": 0.05, "unknown_course": 0.01}, "redeem": 1.0, "seed": 21}
/// ```
public struct Workload: Codable, Sendable, Equatable {
    /// Relative weights by platform id.
    public var platforms: [String: Double]
    /// Relative weights by course type (`self_paced`, `webinar`, `offline`).
    public var courseTypes: [String: Double]
    /// Shares of flows that take each error path first: `wrong_otp_first` (a wrong OTP, refused as
    /// `otp_invalid`, then the right one) and `unknown_course` (an order for a course the platform does not
    /// have, refused as `unknown_course`, then a real order).
    public var errorPaths: [String: Double]
    /// Share of flows that redeem their voucher at the provider (self-paced courses only: a webinar's code
    /// commits only around its session, offline courses are not redeemed online).
    public var redeem: Double
    public var seed: UInt64

    public static let errorPathNames = ["wrong_otp_first", "unknown_course"]

    public init(
        platforms: [String: Double], courseTypes: [String: Double] = ["self_paced": 1], errorPaths: [String: Double] = [:], redeem: Double = 1,
        seed: UInt64 = 21
    ) {
        self.platforms = platforms
        self.courseTypes = courseTypes
        self.errorPaths = errorPaths
        self.redeem = redeem
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey {
        case platforms, redeem, seed
        case courseTypes = "course_types"
        case errorPaths = "error_paths"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        platforms = try c.decodeIfPresent([String: Double].self, forKey: .platforms) ?? [:]
        courseTypes = try c.decodeIfPresent([String: Double].self, forKey: .courseTypes) ?? ["self_paced": 1]
        errorPaths = try c.decodeIfPresent([String: Double].self, forKey: .errorPaths) ?? [:]
        redeem = try c.decodeIfPresent(Double.self, forKey: .redeem) ?? 1
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 21
    }

    /// Checks names and numbers against the catalog.
    public func validate(catalog: Catalog) throws(LoadError) {
        guard !platforms.isEmpty else { throw LoadError("the workload names no platform") }
        for (id, w) in platforms {
            guard catalog.platform(id) != nil else { throw LoadError("unknown platform '\(id)'; known: \(catalog.platforms.map(\.id).joined(separator: ", "))") }
            guard w >= 0, w.isFinite else { throw LoadError("platform weight for \(id) must be ≥ 0") }
        }
        guard platforms.values.reduce(0, +) > 0 else { throw LoadError("platform weights add up to 0") }
        for (type, w) in courseTypes {
            guard CourseType(rawValue: type) != nil else { throw LoadError("unknown course type '\(type)'; known: \(CourseType.allCases.map(\.rawValue).joined(separator: ", "))") }
            guard w >= 0, w.isFinite else { throw LoadError("course type weight for \(type) must be ≥ 0") }
        }
        guard courseTypes.values.reduce(0, +) > 0 else { throw LoadError("course type weights add up to 0") }
        for (path, share) in errorPaths {
            guard Self.errorPathNames.contains(path) else { throw LoadError("unknown error path '\(path)'; known: \(Self.errorPathNames.joined(separator: ", "))") }
            guard (0...1).contains(share) else { throw LoadError("error path \(path) must be a share from 0 to 1") }
        }
        guard errorPaths.values.reduce(0, +) <= 1 else { throw LoadError("error path shares add up to more than 1") }
        guard (0...1).contains(redeem) else { throw LoadError("redeem must be a share from 0 to 1") }
    }

    /// A uniform number in [0, 1) for flow `index` and `purpose`: the same for the same seed, whatever the timing.
    func draw(_ index: Int, _ purpose: UInt64) -> Double {
        var g = SeededGenerator(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(index) &* 0xBF58_476D_1CE4_E5B9 ^ purpose)
        return Double(g.next() >> 11) / Double(1 << 53)
    }

    /// Picks a key by weight (keys sorted, so the choice depends only on the draw).
    func pick(_ weights: [String: Double], _ u: Double) -> String {
        let keys = weights.keys.sorted()
        let total = weights.values.reduce(0, +)
        var acc = 0.0
        for key in keys {
            acc += weights[key]! / total
            if u < acc { return key }
        }
        return keys.last!
    }

    /// What flow `index` does.
    public func plan(_ index: Int) -> FlowPlan {
        let platform = pick(platforms, draw(index, 1))
        let type = CourseType(rawValue: pick(courseTypes, draw(index, 2)))!
        var path: String?
        let u = draw(index, 3)
        var acc = 0.0
        for name in Self.errorPathNames {
            acc += errorPaths[name] ?? 0
            if u < acc {
                path = name
                break
            }
        }
        return FlowPlan(platformID: platform, courseType: type, errorPath: path, redeem: type == .selfPaced && draw(index, 4) < redeem, courseDraw: draw(index, 5))
    }
}

/// One flow's choices.
public struct FlowPlan: Sendable, Equatable {
    public var platformID: String
    public var courseType: CourseType
    public var errorPath: String?
    public var redeem: Bool
    /// Which of the platform's courses of that type (a uniform draw).
    public var courseDraw: Double
}
