import Foundation

/// Builds the catalog deterministically from a seed: the same seed writes byte-identical files.
/// `prakerja-sim catalog generate` runs it; the committed files under `mocks/` are its output.
public enum CatalogGenerator {
    public static let providerCount = 183
    public static let courseCount = 780

    /// The seven platforms, with the customer-service contacts printed in the seed article.
    static let platformSeeds: [(id: String, name: String, channel: String, contact: String)] = [
        ("bukalapak", "Bukalapak", "phone", "021-50813333"),
        ("sisnaker", "Sisnaker", "phone", "021-50816000"),
        ("maubelajarapa", "Mau Belajar Apa", "whatsapp", "08118807172"),
        ("pijarmahir", "Pijar Mahir", "whatsapp", "082111113630"),
        ("pintaria", "Pintaria", "web", "www.pintaria.com"),
        ("sekolahmu", "Sekolah.mu", "whatsapp", "081315792171"),
        ("tokopedia", "Tokopedia", "web", "www.tokopedia.com/help"),
    ]

    static let providerPrefixes = [
        "Lembaga Kursus", "Akademi", "Pusat Pelatihan", "Institut", "Sekolah", "LPK", "Rumah Belajar",
        "Balai Pelatihan", "Kursus", "Studio", "Kelas",
    ]
    static let providerNames = [
        "Nusantara", "Cendekia", "Mitra Karya", "Bina Insani", "Prima Kreasi", "Sinar Ilmu", "Gemilang", "Harapan Bangsa",
        "Karya Mandiri", "Cipta Digital", "Bintang Terampil", "Maju Bersama", "Tunas Muda", "Pelita", "Garuda Kompeten",
        "Samudra Ilmu", "Rajawali", "Pesona Kriya", "Inspirasi", "Ganesha",
    ]
    static let cities = [
        "Jakarta", "Bandung", "Surabaya", "Yogyakarta", "Semarang", "Medan", "Makassar", "Denpasar", "Malang", "Palembang",
        "Bekasi", "Depok", "Tangerang", "Bogor", "Solo", "Balikpapan", "Pontianak", "Manado", "Padang", "Pekanbaru",
    ]
    static let skills = [
        "Pemasaran Digital", "Desain Grafis", "Fotografi Produk", "Barista Kopi", "Tata Boga Kue Kering", "Menjahit Busana",
        "Bahasa Inggris Percakapan", "Akuntansi Dasar", "Microsoft Excel", "Pemrograman Web", "Analisis Data", "Penulisan Konten",
        "Public Speaking", "Manajemen Keuangan UMKM", "Teknisi AC", "Perawatan Sepeda Motor", "Tata Rias Pengantin",
        "Budidaya Ikan Lele", "Hidroponik", "Customer Service", "Admin Media Sosial", "Videografi", "Editing Video",
        "Jualan Online di Marketplace", "Copywriting", "Bahasa Jepang", "Desain UI/UX", "Kewirausahaan", "Barbershop",
        "Servis Ponsel", "Las Listrik", "Administrasi Perkantoran", "Perpajakan", "Manajemen Proyek", "Penerjemahan",
        "Tata Kelola Homestay", "Pemandu Wisata", "Kerajinan Anyaman", "Sablon Kaos", "Make-up Artist",
    ]
    static let templates = [
        "Belajar %@ untuk Pemula", "Teknik %@ Tingkat Lanjut", "Menjadi Ahli %@", "Panduan Praktis %@",
        "%@ untuk Usaha Kecil", "Sertifikasi %@", "Kelas Intensif %@", "Dasar-Dasar %@", "%@ untuk Ibu Rumah Tangga",
        "Strategi %@ di Era Digital",
    ]
    /// 40 skills × 10 templates × 4 levels: room for 780 distinct titles.
    static let levels = ["", " – Tingkat Dasar", " – Tingkat Menengah", " – Tingkat Mahir"]
    static let prices: [Rupiah] = [
        99_000, 150_000, 199_000, 250_000, 299_000, 350_000, 400_000, 450_000, 500_000, 550_000, 600_000, 650_000,
        700_000, 750_000, 800_000, 850_000, 900_000, 950_000, 999_000, 1_000_000,
    ]

    /// The first day of webinar schedules: the week wave 21 was buying (the seed article).
    public static let scheduleStart = Date(timeIntervalSince1970: 1_633_021_200)  // 2021-10-01T00:00:00+07:00

    public static func generate(seed: UInt64) -> Catalog {
        var rng = SeededGenerator(seed: seed)
        let alphanum = Array("abcdefghijklmnopqrstuvwxyz0123456789")

        let platforms = platformSeeds.map { p in
            Platform(
                id: p.id, name: p.name,
                customerService: .init(channel: p.channel, contact: p.contact),
                partnerSecret: "psk_\(p.id)_" + rng.string(24, from: alphanum)
            )
        }

        var names = Set<String>()
        var providers: [Provider] = []
        while providers.count < providerCount {
            let name = "\(providerPrefixes.randomElement(using: &rng)!) \(providerNames.randomElement(using: &rng)!)"
            let city = cities.randomElement(using: &rng)!
            let full = "\(name) \(city)"
            guard names.insert(full).inserted else { continue }
            let n = providers.count + 1
            providers.append(
                Provider(
                    id: String(format: "lp-%03d", n), name: full, city: city,
                    clientCode: String(format: "lp%03d_", n) + rng.string(8, from: alphanum),
                    signKey: "sk_" + rng.string(32, from: alphanum)
                )
            )
        }

        var titles = Set<String>()
        var courses: [Course] = []
        while courses.count < courseCount {
            let skill = skills.randomElement(using: &rng)!
            let level = levels.randomElement(using: &rng)!
            let title = String(format: templates.randomElement(using: &rng)!, skill) + level
            guard titles.insert(title).inserted else { continue }
            let n = courses.count + 1
            // Every provider gets at least four courses; the rest go at random.
            let provider = n <= providerCount * 4 ? providers[(n - 1) % providerCount] : providers.randomElement(using: &rng)!
            let roll = Int.random(in: 0..<10, using: &rng)
            let type: CourseType = roll < 4 ? .webinar : (roll < 9 ? .selfPaced : .offline)
            let platformCount = Int.random(in: 1...4, using: &rng)
            let sold = Array(platforms.shuffled(using: &rng).prefix(platformCount)).map(\.id)
            let ordered = platforms.map(\.id).filter(sold.contains)
            var sessions: [WebinarSession] = []
            if type == .webinar {
                let count = Int.random(in: 1...4, using: &rng)
                let firstDay = Double(Int.random(in: 0..<60, using: &rng))
                let hour = [9.0, 13.0, 19.0].randomElement(using: &rng)!
                for s in 0..<count {
                    let start = scheduleStart + (firstDay + Double(s * 7)) * 86_400 + hour * 3600
                    sessions.append(WebinarSession(sequence: s + 1, startsAt: start))
                }
            }
            courses.append(
                Course(
                    id: String(format: "crs-%04d", n), title: title, providerID: provider.id, type: type,
                    price: prices.randomElement(using: &rng)!, durationHours: Int.random(in: 2...24, using: &rng),
                    platforms: ordered, sessions: sessions
                )
            )
        }
        return Catalog(platforms: platforms, providers: providers, courses: courses)
    }

    /// The three JSON Lines files, as (file name, contents).
    public static func render(_ catalog: Catalog) throws -> [(String, String)] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        func lines<T: Encodable>(_ header: String, _ rows: [T]) throws -> String {
            try (["# \(header)"] + rows.map { String(decoding: try encoder.encode($0), as: UTF8.self) })
                .joined(separator: "\n") + "\n"
        }
        return [
            (CatalogLoader.fileNames.platforms, try lines("platforms: generated by `prakerja-sim catalog generate`", catalog.platforms)),
            (CatalogLoader.fileNames.providers, try lines("providers: generated by `prakerja-sim catalog generate`", catalog.providers)),
            (CatalogLoader.fileNames.courses, try lines("courses: generated by `prakerja-sim catalog generate`", catalog.courses)),
        ]
    }
}
