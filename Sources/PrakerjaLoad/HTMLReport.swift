import Foundation

/// The report as one HTML file that opens without network access: styles inline, charts as inline SVG
/// (latency over time and throughput per second, for each step), no script.
public enum HTMLReport {
    public static func render(_ r: LoadReport) -> String {
        let steps = LoadOutput.ordered(r.steps.keys)
        var html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>PrakerjaSim load report</title><style>
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1c2430;background:#f6f7f9;margin:0;padding:20px}
            main{max-width:1200px;margin:0 auto}h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
            .muted{color:#5f6b7a}.ok{color:#137333;font-weight:600}.bad{color:#b3261e;font-weight:600}
            table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #dde2e8;border-radius:8px}
            th,td{padding:5px 9px;border-bottom:1px solid #dde2e8;text-align:right;font-variant-numeric:tabular-nums}th{font-size:12px;color:#5f6b7a}
            td:first-child,th:first-child{text-align:left}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:12px}
            figure{margin:0;background:#fff;border:1px solid #dde2e8;border-radius:8px;padding:8px}figcaption{font-size:13px;font-weight:600;margin-bottom:4px}
            .legend span{margin-right:12px;font-size:12px}.facts{display:flex;flex-wrap:wrap;gap:6px 20px;margin:8px 0}
            </style></head><body><main>
            <h1>Load report — \(esc(r.mode == "url" ? "one URL" : "purchase flows"))</h1>
            <p class="muted">\(esc(r.configuration.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: " · ")))\(r.shards.isEmpty ? "" : " · shards " + esc(r.shards.joined(separator: ", "))) · seed \(r.seed)</p>
            <div class="facts">\(facts(r))</div>
            """
        if let audit = r.audit {
            html += audit.ok
                ? "<p class=\"ok\">Audit clean: every debit has exactly one voucher or one refund; balances add up.</p>"
                : "<p class=\"bad\">Audit: \(audit.problems.count) problems</p><ul>" + audit.problems.prefix(50).map { "<li>\(esc($0))</li>" }.joined() + "</ul>"
        }
        if !r.thresholds.isEmpty {
            html += "<h2>Thresholds</h2><table><tr><th>threshold</th><th>actual</th><th>result</th></tr>"
            for t in r.thresholds {
                html += "<tr><td>\(esc(t.expr))</td><td>\(t.actual.map { String(format: "%.4g", $0) } ?? "—")</td><td class=\"\(t.ok ? "ok" : "bad")\">\(t.ok ? "passed" : "FAILED")</td></tr>"
            }
            html += "</table>"
        }
        html += "<h2>Steps</h2>" + table(r.steps, steps)
        if !r.platforms.isEmpty { html += "<h2>Flows by platform</h2>" + table(r.platforms, r.platforms.keys.sorted()) }
        html += "<h2>Over time</h2><p class=\"muted\">Per second of the run: corrected latency (p50, p99) and completions.</p><div class=\"grid\">"
        for name in steps {
            let points = r.intervals.map { ($0.second, $0.steps[name]) }
            html += chart("\(name): latency (ms)", points.map { ($0.0, $0.1?.p50Ms ?? 0) }, points.map { ($0.0, $0.1?.p99Ms ?? 0) }, labels: ("p50", "p99"))
            html += chart("\(name): completions per second", points.map { ($0.0, Double($0.1?.count ?? 0)) }, nil, labels: ("count", ""))
        }
        html += "</div></main></body></html>\n"
        return html
    }

    static func facts(_ r: LoadReport) -> String {
        let f = r.flows
        let items = [
            ("target", String(format: "%.1f/s", r.targetRate)), ("achieved", String(format: "%.1f/s", r.achievedRate)),
            ("duration", String(format: "%.0f s", r.durationSeconds)), ("started", "\(f.started)"), ("completed", "\(f.completed)"),
            ("failed", "\(f.failed)"), ("dropped", "\(f.dropped)"), ("late", "\(f.late)"),
        ]
        return items.map { "<span><span class=\"muted\">\($0.0)</span> <b>\($0.1)</b></span>" }.joined()
    }

    static func table(_ series: [String: LoadReport.Series], _ names: [String]) -> String {
        var out = "<table><tr><th>name</th><th>count</th><th>per s</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>p99 uncorrected</th><th>errors</th></tr>"
        for name in names {
            let s = series[name]!
            let l = s.latencyMs
            let errors = s.errorsByKind.isEmpty ? "0" : s.errorsByKind.sorted { $0.key < $1.key }.map { "\(esc($0.key)) \($0.value)" }.joined(separator: ", ")
            out += "<tr><td>\(esc(name))</td><td>\(s.count)</td><td>\(String(format: "%.1f", s.throughput))</td>"
                + [l.p50, l.p90, l.p99, l.p999, l.max, s.uncorrectedLatencyMs.p99].map { "<td>\(String(format: "%.2f", $0)) ms</td>" }.joined()
                + "<td>\(errors)</td></tr>"
        }
        return out + "</table>"
    }

    /// A line chart: one or two series over the run's seconds.
    static func chart(_ title: String, _ a: [(Int, Double)], _ b: [(Int, Double)]?, labels: (String, String)) -> String {
        let (w, h, left, bottom) = (360.0, 150.0, 44.0, 20.0)
        let xs = a.map(\.0) + (b?.map(\.0) ?? [])
        let maxX = Double(max(xs.max() ?? 1, 1))
        let maxY = max((a.map(\.1) + (b?.map(\.1) ?? [])).max() ?? 1, 1e-9) * 1.1
        func path(_ points: [(Int, Double)]) -> String {
            points.enumerated().map { i, p in
                let x = left + Double(p.0) / maxX * (w - left - 8)
                let y = (h - bottom) - p.1 / maxY * (h - bottom - 8)
                return (i == 0 ? "M" : "L") + String(format: "%.1f,%.1f", x, y)
            }.joined(separator: " ")
        }
        var svg = "<svg viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"100%\" role=\"img\" aria-label=\"\(esc(title))\">"
        svg += "<line x1=\"\(left)\" y1=\"\(h - bottom)\" x2=\"\(w - 4)\" y2=\"\(h - bottom)\" stroke=\"#dde2e8\"/><line x1=\"\(left)\" y1=\"4\" x2=\"\(left)\" y2=\"\(h - bottom)\" stroke=\"#dde2e8\"/>"
        svg += "<text x=\"\(left - 4)\" y=\"12\" font-size=\"10\" text-anchor=\"end\" fill=\"#5f6b7a\">\(String(format: "%.3g", maxY))</text>"
        svg += "<text x=\"\(left - 4)\" y=\"\(h - bottom)\" font-size=\"10\" text-anchor=\"end\" fill=\"#5f6b7a\">0</text>"
        svg += "<text x=\"\(w - 4)\" y=\"\(h - 4)\" font-size=\"10\" text-anchor=\"end\" fill=\"#5f6b7a\">\(Int(maxX)) s</text>"
        svg += "<path d=\"\(path(a))\" fill=\"none\" stroke=\"#0b63ce\" stroke-width=\"1.5\"/>"
        if let b { svg += "<path d=\"\(path(b))\" fill=\"none\" stroke=\"#b3261e\" stroke-width=\"1.5\"/>" }
        svg += "</svg>"
        let legend = "<div class=\"legend\"><span style=\"color:#0b63ce\">— \(labels.0)</span>" + (b == nil ? "" : "<span style=\"color:#b3261e\">— \(labels.1)</span>") + "</div>"
        return "<figure><figcaption>\(esc(title))</figcaption>\(svg)\(legend)</figure>"
    }

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
