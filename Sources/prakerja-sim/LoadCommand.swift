import ArgumentParser
import AsyncHTTPClient
import Foundation
import PrakerjaClient
import PrakerjaCore
import PrakerjaLoad
import PrakerjaPlatforms
import PrakerjaSimulator
import Synchronization

struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Generate load: full purchase flows (or one URL) at a target arrival rate, with honest percentiles and a money audit.",
        subcommands: [LoadRun.self, LoadMerge.self],
        defaultSubcommand: LoadRun.self
    )
}

struct LoadRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Start flows at --rate (or --stages) for --duration, however fast earlier ones finish; report and audit."
    )

    @Option(help: "Base URL of a running gateway (its storefronts are found at /sim/storefronts); without it one starts in-process.")
    var gateway: String?
    @Option(help: "Target arrival rate, flows per second (open model).") var rate: Double?
    @Option(help: "Ramping stages instead of --rate: '30s:100,60s:2000' ramps 0→100/s over 30 s, then →2000/s over 60 s.") var stages: String?
    @Option(help: "How long to start flows at --rate, or to run --closed (default 60s; --stages set their own length).") var duration: String?
    @Option(help: "Closed model instead: this many virtual participants, each starting its next flow when the last ends, for --duration.")
    var closed: Int?
    @Option(help: "Platform id, or all (equal weights); a --workload file sets weights.") var platform = "all"
    @Option(help: "Workload file (JSON): platforms, course_types, error_paths, redeem, seed.") var workload: String?
    @Option(help: "Share of flows that enter a wrong OTP first (refused as otp_invalid), 0–1.") var wrongOtp: Double?
    @Option(help: "Share of flows that order an unknown course first (refused as unknown_course), 0–1.") var unknownCourse: Double?
    @Option(help: "Share of flows that redeem the voucher at the provider (self-paced courses), 0–1.") var redeem: Double?
    @Option(help: "Workload seed (which platform, course and path each flow takes).") var seed: UInt64?
    @Option(name: .customLong("storefront"), help: "PLATFORM=URL: drive that platform's storefront at URL (repeatable).") var storefronts: [String] = []
    @Option(help: "Drive one plain HTTP GET endpoint instead of purchase flows.") var url: String?
    @Option(help: "Write the report as JSON.") var json: String?
    @Option(help: "Write a self-contained HTML report.") var html: String?
    @Option(name: .customLong("threshold"), help: "Fail the run unless this holds, e.g. 'confirm.p99<50ms', 'errors<0.1%' (repeatable).")
    var thresholds: [String] = []
    @Option(help: "Fail the run when the achieved rate is below this share of the target (e.g. 0.95).") var minRateRatio: Double?
    @Option(help: "I/N: run shard I of N — 1/N of the rate, its own participants and order ids (merge the JSON reports with `load merge`).")
    var shard: String?
    @Option(help: "Flows in flight at most; a start that cannot begin within --max-delay is dropped.") var maxInFlight = 10_000
    @Option(help: "How late a start may begin before it is dropped (1s, 500ms).") var maxDelay = "1s"
    @Option(help: "Participants to create for the run (default: enough for every scheduled flow).") var participants: Int?
    @Flag(help: "No progress line.") var quiet = false
    @Option(help: "HTTP client for this process's own calls: lean (SwiftNIO HTTP/1 keep-alive for plain http://, AsyncHTTPClient for TLS) or async-http-client.")
    var httpClient: HTTPClientChoice = .lean

    func validate() throws {
        guard (rate == nil) != (stages == nil) || closed != nil else { throw ValidationError("give --rate or --stages (or --closed N)") }
        if let rate { guard rate > 0, rate.isFinite, rate <= 1_000_000 else { throw ValidationError("--rate must be a positive number of flows per second") } }
        if stages != nil, duration != nil { throw ValidationError("--stages set the run's length; leave out --duration") }
        if let stages { do { _ = try ArrivalProfile.parse(stages: stages) } catch { throw ValidationError(error.description) } }
        guard let d = ArrivalProfile.seconds(duration ?? "60s"), d > 0, d <= 86_400 else { throw ValidationError("--duration must be like 60s, 2m or 1h (at most a day)") }
        guard let delay = ArrivalProfile.seconds(maxDelay), delay >= 0, delay <= 3600 else { throw ValidationError("--max-delay must be like 1s or 500ms (at most an hour)") }
        if closed != nil, minRateRatio != nil { throw ValidationError("--min-rate-ratio needs a target rate; a --closed run has none") }
        let platformsGiven = storefronts.compactMap { $0.split(separator: "=").first.map(String.init) }
        guard Set(platformsGiven).count == platformsGiven.count else { throw ValidationError("--storefront names a platform twice") }
        guard maxInFlight > 0 else { throw ValidationError("--max-in-flight must be positive") }
        if let closed { guard closed > 0, closed <= 100_000 else { throw ValidationError("--closed must be from 1 to 100000") } }
        if let shard { _ = try Self.parseShard(shard) }
        for share in [wrongOtp, unknownCourse, redeem, minRateRatio].compactMap({ $0 }) {
            guard (0...1).contains(share) else { throw ValidationError("shares (--wrong-otp, --unknown-course, --redeem, --min-rate-ratio) are from 0 to 1") }
        }
        for pair in storefronts {
            guard let eq = pair.firstIndex(of: "="), PlatformRegistry.dialect(String(pair[..<eq])) != nil, pair[pair.index(after: eq)...].hasPrefix("http") else {
                throw ValidationError("--storefront takes PLATFORM=URL with a known platform, not '\(pair)'")
            }
        }
        if let url { guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw ValidationError("--url must be an http(s) URL") } }
        // Thresholds name their metric correctly before anything starts.
        let steps = Set(url == nil ? PurchaseLoad.steps : URLLoad.steps)
        for t in thresholds { do { _ = try Threshold(t, steps: steps) } catch { throw ValidationError(error.description) } }
    }

    static func parseShard(_ text: String) throws -> (index: Int, count: Int) {
        let parts = text.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[1] >= 1, (1...parts[1]).contains(parts[0]) else { throw ValidationError("--shard takes I/N with 1 ≤ I ≤ N, not '\(text)'") }
        return (parts[0], parts[1])
    }

    func run() async throws {
        let catalog = try CatalogLocator.load(nil)
        let shardInfo = try shard.map(Self.parseShard)
        let share = 1.0 / Double(shardInfo?.count ?? 1)
        var profile: ArrivalProfile
        do {
            profile = try stages.map(ArrivalProfile.parse(stages:)) ?? .constant(rate: rate ?? 1, duration: ArrivalProfile.seconds(duration ?? "60s")!)
        } catch { throw ValidationError(error.description) }
        let runLength = stages != nil ? profile.duration : ArrivalProfile.seconds(duration ?? "60s")!
        let duration = stages != nil ? "\(Int(runLength))s" : (self.duration ?? "60s")
        profile.startRate *= share
        for i in profile.stages.indices { profile.stages[i].target *= share }
        let closedFlows = closed.map { max(1, $0 / (shardInfo?.count ?? 1)) }
        let poolSize = participants ?? (closed != nil ? 50_000 : Int((profile.expectedCount * 1.02).rounded(.up)) + 50)
        // A closed run stops starting flows when its participants are used up (one per flow), rather than spin.
        let model: OpenModelRunner.Model = closedFlows.map { .closed(flows: $0, duration: runLength, limit: url == nil ? poolSize : nil) } ?? .open(profile)
        let runner = OpenModelRunner(model: model, maxInFlight: maxInFlight, maxDelay: .milliseconds(Int64(ArrivalProfile.seconds(maxDelay)! * 1000)))
        let thresholds = try thresholds.map { try Threshold($0, steps: Set(url == nil ? PurchaseLoad.steps : URLLoad.steps)) }
            + (minRateRatio.map { [try Threshold("rate_ratio>=\($0)", steps: [])] } ?? [])
        var configuration: [String: String] = ["model": closed.map { "closed \($0)" } ?? (stages.map { "stages \($0)" } ?? "rate \(rate ?? 0)"), "duration": duration,
            "max_in_flight": "\(maxInFlight)", "max_delay": maxDelay]
        if let shard { configuration["shard"] = shard }
        let targetRate = closed == nil ? profile.meanRate : 0
        let recorder = LatencyRecorder()
        let progress = Progress(quiet: quiet, target: targetRate, step: url == nil ? "confirm" : "request", recorder: recorder)

        if let url {
            configuration["url"] = url
            let report = try await withHTTPClient(httpClient) { http in
                let load = URLLoad(http: http, url: url, recorder: recorder)
                let counts = await runner.run(flow: { await load.run($0) }, tick: progress.tick)
                return LoadReport(
                    mode: "url", seed: 0, configuration: configuration, shard: shard, targetRate: targetRate, durationSeconds: runLength,
                    flows: Self.flows(counts, recorder), recorder: recorder
                )
            }
            try finish(report, thresholds: thresholds)
            return
        }

        var work: Workload
        if let workload {
            do { work = try JSONDecoder().decode(Workload.self, from: Data(contentsOf: URL(fileURLWithPath: workload))) } catch {
                throw ValidationError("--workload \(workload): \(error)")
            }
        } else {
            let ids = platform == "all" ? PlatformRegistry.platformIDs : [platform]
            work = Workload(platforms: Dictionary(uniqueKeysWithValues: ids.map { ($0, 1.0) }))
        }
        if let wrongOtp { work.errorPaths["wrong_otp_first"] = wrongOtp }
        if let unknownCourse { work.errorPaths["unknown_course"] = unknownCourse }
        if let redeem { work.redeem = redeem }
        if let seed { work.seed = seed }
        do { try work.validate(catalog: catalog) } catch { throw ValidationError(error.description) }
        configuration["platforms"] = work.platforms.keys.sorted().joined(separator: ",")
        let needed = poolSize
        let (finalWork, finalConfiguration, external) = (work, configuration, Dictionary(uniqueKeysWithValues: storefronts.map { pair in
            let eq = pair.firstIndex(of: "=")!
            return (String(pair[..<eq]), String(pair[pair.index(after: eq)...]))
        }))
        let shardTag = shardInfo.map { "s\($0.index)of\($0.count)" } ?? "s1of1"

        let report: LoadReport = try await withHTTPClient(httpClient) { http in
            @Sendable func drive(gatewayURL: String, listed: [String: (String, StorefrontCredentials?)]) async throws -> LoadReport {
                let client = GatewayClient(http: http, baseURL: gatewayURL)
                var endpoints = listed
                for (id, url) in external { endpoints[id] = (url, nil) }
                var adapters: [String: any PlatformAdapter] = [:]
                for id in finalWork.platforms.keys {
                    guard let (base, credentials) = endpoints[id] else {
                        throw ValidationError("no storefront for \(id): the gateway lists none (GET /sim/storefronts); give --storefront \(id)=URL")
                    }
                    adapters[id] = try PlatformRegistry.adapter(id, http: http, baseURL: base, catalog: catalog, credentials: credentials)
                }
                if !quiet { print("creating \(needed) participants for the run…") }
                let people = try await Self.createParticipants(needed, client: client)
                let credentials: GatewayAPI.Credentials = try await client.get("/sim/credentials").decode()
                let load: PurchaseLoad
                do {
                    load = try PurchaseLoad(
                        workload: finalWork, adapters: adapters, gateway: client, participants: people, catalog: catalog, providers: credentials.providers,
                        // The run's first card is new to this gateway (participants are made for the run), so usernames and
                        // idempotency keys built on it never meet an earlier run's, nor another shard's.
                        runID: "\(people.first?.cardNumber ?? "none")-\(shardTag)", recorder: recorder
                    )
                } catch { throw ValidationError(error.description) }
                if !quiet { print("running: \(finalConfiguration["model"]!) for \(duration) on \(finalConfiguration["platforms"]!)") }
                let counts = await runner.run(flow: { await load.run($0) }, tick: progress.tick)
                progress.end()
                var report = LoadReport(
                    mode: "purchase", seed: finalWork.seed, configuration: finalConfiguration, shard: shard, targetRate: targetRate,
                    durationSeconds: runLength, flows: Self.flows(counts, recorder), recorder: recorder
                )
                let audit: AuditReport = try JSONDecoder().decode(AuditReport.self, from: Data(try await client.get("/sim/audit").body))
                report.audit = .init(ok: audit.ok, problems: audit.problems)
                return report
            }
            if let gateway {
                let listing: [StorefrontListingEntry] = try await GatewayClient(http: http, baseURL: gateway).get("/sim/storefronts").decode()
                return try await drive(
                    gatewayURL: gateway,
                    listed: Dictionary(uniqueKeysWithValues: listing.map { ($0.platformId, ($0.baseUrl, StorefrontCredentials(clientID: $0.clientId, clientSecret: $0.clientSecret))) })
                )
            }
            var gatewayConfig = Gateway.Configuration(seed: finalWork.seed, participants: 0)
            gatewayConfig.deliveryParallelism = 16
            let box = ReportBox()
            try await TemporarySimulation.with(
                catalog: catalog, configuration: gatewayConfig, platforms: Array(finalWork.platforms.keys), http: http,
                logger: makeLogger(label: "prakerja-sim", level: .error)
            ) { running in
                if !quiet { print("started an in-process gateway at \(running.gatewayURL) and \(running.storefronts.count) storefronts") }
                let listed = Dictionary(uniqueKeysWithValues: running.storefronts.map { ($0.platformID, ($0.baseURL, Optional($0.credentials))) })
                box.set(try await drive(gatewayURL: running.gatewayURL, listed: listed))
            }
            guard let report = box.report else { throw ValidationError("the run produced no report") }
            return report
        }
        try finish(report, thresholds: thresholds)
    }

    static func flows(_ counts: OpenModelRunner.Counts, _ recorder: LatencyRecorder) -> LoadReport.Flows {
        let flow = recorder.snapshot().series["flow"]
        let failed = flow?.errors.values.reduce(0, +) ?? 0
        let finished = Int(flow?.corrected.totalCount ?? 0)
        return .init(
            scheduled: counts.scheduled, started: counts.started, completed: finished - failed, failed: failed, dropped: counts.dropped, late: counts.late,
            startSpanSeconds: counts.lastStart
        )
    }

    /// Fresh participants who have watched the guidance videos, made in batches.
    static func createParticipants(_ count: Int, client: GatewayClient) async throws -> [LoadParticipant] {
        struct Batch: Decodable { var participants: [LoadParticipant] }
        var made: [LoadParticipant] = []
        while made.count < count {
            let n = min(10_000, count - made.count)
            let response = try await client.post("/sim/participants/batch", json: ["count": n, "videos_watched": 3])
            guard response.status == 201 else { throw ValidationError("creating participants failed: HTTP \(response.status) \(response.text)") }
            made += try response.decode(Batch.self).participants
        }
        return made
    }

    func finish(_ report: LoadReport, thresholds: [Threshold]) throws {
        var report = report
        report.thresholds = thresholds.map { $0.evaluate(report) }
        try LoadOutput.write(report, json: json, html: html)
        print(LoadOutput.table(report))
        if report.audit?.ok == false || report.thresholds.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }
}

/// `/sim/storefronts` as the client reads it.
struct StorefrontListingEntry: Decodable {
    var platformId: String
    var baseUrl: String
    var clientId: String
    var clientSecret: String
}

final class ReportBox: Sendable {
    private let state = Mutex<LoadReport?>(nil)
    var report: LoadReport? { state.withLock { $0 } }
    func set(_ report: LoadReport) { state.withLock { $0 = report } }
}

struct LoadMerge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Merge the JSON reports of several shards (processes or machines) into one, exactly; evaluate thresholds over the whole."
    )

    @Argument(help: "JSON reports written by `load --json`.") var reports: [String]
    @Option(help: "Write the merged report as JSON.") var json: String?
    @Option(help: "Write the merged report as HTML.") var html: String?
    @Option(name: .customLong("threshold"), help: "A condition over the merged run (repeatable).") var thresholds: [String] = []

    func run() async throws {
        guard !reports.isEmpty else { throw ValidationError("give the JSON reports to merge") }
        var loaded: [LoadReport] = []
        for path in reports {
            do { loaded.append(try LoadOutput.decoder.decode(LoadReport.self, from: Data(contentsOf: URL(fileURLWithPath: path)))) } catch {
                throw ValidationError("\(path) is not a load report: \(error)")
            }
        }
        var merged: LoadReport
        do { merged = try LoadReport.merge(loaded) } catch { throw ValidationError(error.description) }
        let steps = Set(merged.steps.keys)
        let checks: [Threshold]
        do { checks = try thresholds.map { try Threshold($0, steps: steps) } } catch { throw ValidationError("\(error)") }
        merged.thresholds = checks.map { $0.evaluate(merged) }
        try LoadOutput.write(merged, json: json, html: html)
        print(LoadOutput.table(merged))
        if merged.audit?.ok == false || merged.thresholds.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }
}
